"""Guarded remediation: typed plans, previews, server dry runs, execution, verification.

Nothing here imports Textual: the command line and the UI drive the same engine
and write to the same journal.
"""
