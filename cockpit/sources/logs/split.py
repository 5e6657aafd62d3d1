"""Turn a stream of byte (or str) chunks into lines, whatever the writer did.

Readers get chunks cut anywhere: mid-line, mid-UTF-8 sequence, mid ``\\r\\n``.
A hostile or broken writer sends invalid UTF-8, NUL runs (a copytruncate'd
file written at its old offset leaves a hole of zeros) or a single 1 MB line.
None of that may raise, lose a line silently or cost quadratic time: the
pending partial line is capped, and the excess of an over-long line is
skipped until its newline while the line is flagged as truncated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import repeat


class LineSplitter:
    """Stateful splitter; :meth:`feed` returns ``(text, truncated)`` per complete line."""

    def __init__(self, max_line_length: int = 4096) -> None:
        self.max_line_length = max_line_length
        self._max_bytes = max_line_length * 4  # a UTF-8 character is at most 4 bytes
        self._pending = b""
        self._pending_text = ""
        self._skipping = False  # inside the unwanted tail of an over-long line
        self._kept_truncated: str | None = None  # head of the over-long line, if any

    def feed(self, chunk: bytes | str) -> list[tuple[str, bool]]:
        """Complete lines in ``chunk`` (plus what was pending); keeps the partial tail."""
        if isinstance(chunk, str):
            return self._feed_text(chunk)
        out: list[tuple[str, bool]] = []
        start = 0
        if self._skipping:
            cut = chunk.find(b"\n")
            if cut < 0:
                return out
            self._finish_skip(out)
            start = cut + 1
        end = chunk.rfind(b"\n")
        if end >= start:
            data = self._pending + chunk[start:end] if self._pending else chunk[start:end]
            self._pending = b""
            self._emit(data.decode("utf-8", "replace"), out)
            start = end + 1
        rest = chunk[start:]
        if rest:
            self._pending += rest
            if len(self._pending) > self._max_bytes:
                head = self._pending.decode("utf-8", "replace")[: self.max_line_length]
                self._start_skip(head)
        return out

    def _feed_text(self, chunk: str) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        start = 0
        if self._skipping:
            cut = chunk.find("\n")
            if cut < 0:
                return out
            self._finish_skip(out)
            start = cut + 1
        end = chunk.rfind("\n")
        if end >= start:
            data = self._pending_text + chunk[start:end]
            self._pending_text = ""
            self._emit(data, out)
            start = end + 1
        rest = chunk[start:]
        if rest:
            self._pending_text += rest
            if len(self._pending_text) > self.max_line_length:
                self._start_skip(self._pending_text[: self.max_line_length])
        return out

    def _start_skip(self, head: str) -> None:
        self._kept_truncated = head.rstrip("\r").replace("\x00", "")
        self._pending = b""
        self._pending_text = ""
        self._skipping = True

    def _finish_skip(self, out: list[tuple[str, bool]]) -> None:
        out.append((self._kept_truncated or "", True))
        self._kept_truncated = None
        self._skipping = False

    def _emit(self, text: str, out: list[tuple[str, bool]]) -> None:
        limit = self.max_line_length
        lines = text.split("\n")
        if "\r" not in text and "\x00" not in text and max(map(len, lines)) <= limit:
            out.extend(zip(lines, repeat(False)))  # the common chunk: no per-line Python
            return
        has_nul = "\x00" in text
        for line in lines:
            if line[-1:] == "\r":
                line = line[:-1]
            if has_nul and "\x00" in line:
                line = line.replace("\x00", "")
                if not line:
                    continue  # a hole of zeros, not a line anyone wrote
            if len(line) > limit:
                out.append((line[:limit], True))
            else:
                out.append((line, False))

    def flush(self) -> list[tuple[str, bool]]:
        """The final partial line (at EOF), if any."""
        out: list[tuple[str, bool]] = []
        if self._skipping:
            self._finish_skip(out)
        elif self._pending or self._pending_text:
            text = self._pending.decode("utf-8", "replace") + self._pending_text
            self._pending, self._pending_text = b"", ""
            self._emit(text, out)
        return out

    def reset(self) -> None:
        """Forget the partial line (the file was truncated or replaced)."""
        self._pending, self._pending_text = b"", ""
        self._skipping, self._kept_truncated = False, None


def split_chunks(
    chunks: Iterable[bytes | str], max_line_length: int = 4096
) -> Iterator[tuple[str, bool]]:
    """``(line, truncated)`` for each line across ``chunks``, the last partial one included."""
    splitter = LineSplitter(max_line_length)
    for chunk in chunks:
        yield from splitter.feed(chunk)
    yield from splitter.flush()
