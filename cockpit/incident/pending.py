"""Events waiting for disk space: kept in order in memory, written in order once space returns.

A full disk at 03:00 must not cost the engineer's notes or the automatic
timeline. When an append fails with ENOSPC/EDQUOT, :class:`BufferedJournal`
keeps the event (and every later one, behind it, so order holds) and retries
on each new append or :meth:`flush`. Other write failures (read-only,
permissions) still raise: buffering would only hide them. Idempotent keys keep
their meaning: a pending key is not queued twice, and the journal itself
refuses a key it already holds when the queue drains.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from cockpit.incident.journal import Journal, JournalWriteError
from cockpit.incident.model import Event


class BufferedJournal:
    """A :class:`Journal` that survives a full disk without losing or reordering events."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._pending: deque[Event] = deque()
        self.last_error = ""

    @property
    def path(self) -> Path:
        return self.journal.path

    @property
    def pending(self) -> int:
        """Events accepted but not yet on disk (the app shows a banner while > 0)."""
        return len(self._pending)

    def append(self, event: Event) -> bool:
        """Journal ``event`` (or queue it behind earlier ones on a full disk).

        Returns False only for a key already journalled or already pending.
        """
        if event.key is not None and (self.journal.has_key(event.key)
                                      or any(p.key == event.key for p in self._pending)):
            return False
        self._pending.append(event)
        self.flush()
        return True

    def flush(self) -> int:
        """Write what is pending, oldest first; stop at the first full-disk failure."""
        written = 0
        while self._pending:
            try:
                self.journal.append(self._pending[0])
            except JournalWriteError as exc:
                if not exc.disk_full:
                    self._pending.popleft()  # not a space problem: the caller must know
                    raise
                self.last_error = str(exc)
                return written
            self._pending.popleft()
            written += 1
        self.last_error = ""
        return written

    def has_key(self, key: str) -> bool:
        return self.journal.has_key(key) or any(p.key == key for p in self._pending)
