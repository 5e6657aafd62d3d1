"""A bounded backlog for the pattern miner: under a flood, mine a fair sample, never more.

The miner is slower than a log flood. Holding every line would grow memory without
bound, and blocking the sender would stall the log stream, so the lines waiting are
*thinned*: beyond the bound every other row is kept and the weights double. That is
systematic sampling, so a template's count stays an unbiased estimate (off by less than
the weight), and a short burst is still seen, thinned, not skipped. The miner process
holds one; the sending process holds one too, used only while the miner cannot even
read (it is starting, or starved of CPU).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
Row = tuple[float, str, str, str]  # ts (unix seconds), source, text, level


class RowBacklog:
    """Rows waiting to be mined, every one standing for ``weight`` lines."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.rows: list[Row] = []
        self.weight = 1.0
        self.sampled_away = 0  # rows dropped here, counted through the weights of others
        self._index = 0  # running index of rows offered, for systematic sampling

    def __len__(self) -> int:
        return len(self.rows)

    def hold(self, rows: list[Row], weight: float) -> None:
        """Add rows each standing for ``weight`` lines (a weight of 1 or a power of 2)."""
        self.hold_sample(rows, weight, len(rows), list)

    def hold_sample(self, items: Sequence[T], weight: float, count: int,
                    to_rows: Callable[[Sequence[T]], list[Row]]) -> None:
        """Like :meth:`hold`, converting only the items kept (decoding costs the miner)."""
        if not self.rows:
            self.weight = weight
        elif weight > self.weight:
            self._thin(weight / self.weight)
        step = max(1, int(self.weight / weight))
        # items whose running index is a multiple of step are kept, across calls
        kept = to_rows(items[(-self._index) % step::step] if step > 1 else items)
        self._index += count
        self.sampled_away += count - len(kept)
        self.rows.extend(kept)
        while len(self.rows) > self.max_rows:
            self._thin(2.0)

    def take(self, count: int) -> tuple[float, list[Row]]:
        """The oldest ``count`` rows and their weight, removed from the backlog."""
        taken, self.rows = self.rows[:count], self.rows[count:]
        return self.weight, taken

    def _thin(self, factor: float) -> None:
        step = max(1, int(factor))
        kept = self.rows[::step]
        self.sampled_away += len(self.rows) - len(kept)
        self.rows = kept
        self.weight *= step
