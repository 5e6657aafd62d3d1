"""I/O adapters: each talks to one kind of server and returns immutable DTOs.

No Textual and no Rich here; the UI runs these in workers and posts messages.
"""
