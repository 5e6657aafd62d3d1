"""Ask glibc's allocator to hand memory back, in each cockpit process.

Why: log lines cross between processes and threads as pickled chunks of ~200 KB. With
glibc's default, the threshold above which a block gets its own mapping (returned to
the system when freed) grows to the size of the largest block freed so far, so those
chunks soon come from the heaps instead, one heap per thread, which fragment and are
seldom returned. A fixed 128 KiB threshold and at most two heaps kept the benchmark's
three processes 6-10 MB smaller together (bench memory, 300k lines, alternating runs:
141-146 MB against 151-156 MB). Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import sys

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameters (malloc.h)
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024
ARENA_MAX = 2


def tune() -> bool:
    """Set both options for this process; True when the allocator took them."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this interpreter runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                and mallopt(M_ARENA_MAX, ARENA_MAX) == 1)
