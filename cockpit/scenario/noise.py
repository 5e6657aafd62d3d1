"""Deterministic noise: a hash of (seed, series, scrape index), never a global RNG.

The same scenario and actions then give the same numbers in every process and order.
"""

from __future__ import annotations

import hashlib


def unit(seed: int, key: str, index: int) -> float:
    """A value in [-1, 1) fixed by its arguments."""
    digest = hashlib.blake2b(f"{seed}|{key}|{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**63 - 1.0


def fraction(seed: int, key: str, index: int) -> float:
    """A value in [0, 1) fixed by its arguments."""
    return (unit(seed, key, index) + 1.0) / 2.0


ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # what Kubernetes uses for generated names


def k8s_suffix(seed: int, key: str, length: int) -> str:
    digest = hashlib.blake2b(f"{seed}|{key}".encode(), digest_size=16).digest()
    number = int.from_bytes(digest, "big")
    out = []
    for _ in range(length):
        number, rest = divmod(number, len(ALPHABET))
        out.append(ALPHABET[rest])
    return "".join(out)
