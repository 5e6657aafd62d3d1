"""Log ingest: followers for files and commands, and the shared tagging stage.

Pod logs come from the Kubernetes source; every follower's batches go through
:class:`~cockpit.sources.logs.ingest.LogIngest` so all lines are tagged alike.
"""
