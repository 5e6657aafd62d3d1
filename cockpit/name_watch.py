"""Tell, with one cheap poll(2), whether an open file may have lost its name.

Why: the journal keeps its descriptor open and must follow its path when the
file is deleted or replaced. ``os.fstat`` before every fsynced append told it,
but Python builds a 20-field ``stat_result`` for that, ~5 % of the append. Linux
inotify queues an event on the file itself when a link goes (IN_ATTRIB: unlink,
a rename over it) or when it moves, so a caller asks fstat only after the queue
had something, from anyone. One inotify instance serves the whole process (the
per-user limit is 128 instances); where there is no inotify (not Linux, out of
instances, a forked child) every check says "look", which is the old behaviour.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from collections.abc import Callable
from typing import Any

_IN_ATTRIB, _IN_MOVE_SELF, _IN_DELETE_SELF = 0x4, 0x800, 0x400
_MASK = _IN_ATTRIB | _IN_MOVE_SELF | _IN_DELETE_SELF


def _always(_timeout: int) -> list[tuple[int, int]]:
    return [(-1, 0)]


class NameWatch:
    """The process's inotify queue: ``pending(0)`` is empty while nothing happened.

    ``generation`` grows each time the queue is drained, so a caller that saw
    another caller drain it (its own event included) looks too.
    """

    def __init__(self) -> None:
        self.pending: Callable[[int], list[tuple[int, int]]] = _always
        self.generation = 0
        self._users: dict[int, int] = {}  # watch descriptor -> files watched by it
        self._mutex = threading.Lock()
        self._fd = -1
        self._libc: Any = None
        self._usable = True  # False in a forked child, for good

    def watch(self, fd: int) -> int:
        """Watch the file open on ``fd``; -1 if it cannot be (the caller then looks each time)."""
        with self._mutex:
            if self._fd < 0 and not (self._usable and self._start()):
                return -1
            path = f"/proc/self/fd/{fd}".encode()  # the inode we hold, whatever its name now
            wd = int(self._libc.inotify_add_watch(self._fd, path, _MASK))
            if wd < 0:
                return -1
            self._users[wd] = self._users.get(wd, 0) + 1
            return wd

    def unwatch(self, wd: int) -> None:
        with self._mutex:
            users = self._users.pop(wd, 0) - 1
            if users > 0:
                self._users[wd] = users
            elif users == 0 and self._fd >= 0:
                self._libc.inotify_rm_watch(self._fd, wd)  # may be gone already: ignored

    def drain(self) -> None:
        """Empty the queue (its events only mean "look"); a new generation if it held any.

        Draining an empty queue keeps the generation, so callers converge
        instead of sending each other to look forever."""
        with self._mutex:
            drained = False
            with contextlib.suppress(OSError):  # BlockingIOError once it is empty
                while self._fd >= 0 and os.read(self._fd, 65536):
                    drained = True
            if drained:
                self.generation += 1

    def _start(self) -> bool:
        try:
            import ctypes  # here, not at import: only a writing journal needs it

            libc = ctypes.CDLL(None, use_errno=True)
            fd = int(libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC))
        except (OSError, AttributeError):  # not Linux, or no libc symbols
            return False
        if fd < 0:
            return False
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        self._libc, self._fd, self.pending = libc, fd, poller.poll
        return True

    def _forget_after_fork(self) -> None:
        """A forked child shares the parent's queue: draining it there would hide events
        from the parent, and a new queue would miss the inherited watches."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd, self._users, self.pending, self._usable = -1, {}, _always, False
        self._mutex = threading.Lock()


NAMES = NameWatch()
os.register_at_fork(after_in_child=NAMES._forget_after_fork)
