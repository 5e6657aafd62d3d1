"""Offline analysis of what the sources saw: log templates first (others add modules).

Nothing here imports textual or the UI; the heavy work runs in workers or processes.
"""
