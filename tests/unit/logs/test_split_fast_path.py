"""The splitter's fast path (chunks without CR, NUL or long lines) splits as the loop did."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from cockpit.sources.logs.split import LineSplitter


class SplitterBefore(LineSplitter):
    """LineSplitter with ``_emit`` as it was before the fast path (the reference)."""

    def _emit(self, text: str, out: list[tuple[str, bool]]) -> None:
        limit = self.max_line_length
        has_nul = "\x00" in text
        for line in text.split("\n"):
            if line[-1:] == "\r":
                line = line[:-1]
            if has_nul and "\x00" in line:
                line = line.replace("\x00", "")
                if not line:
                    continue
            if len(line) > limit:
                out.append((line[:limit], True))
            else:
                out.append((line, False))


_line = st.one_of(
    st.text(st.sampled_from("ab c\r\x00é€"), max_size=40),
    st.text("xyz", min_size=1, max_size=8).map(lambda t: "INFO [pod] " + t),
)


@settings(max_examples=300)
@given(st.lists(_line, max_size=30), st.lists(st.integers(0, 400), max_size=8),
       st.booleans())
def test_splits_as_before(lines: list[str], cuts: list[int], as_bytes: bool) -> None:
    stream = "\n".join(lines) + "\n"
    data: bytes | str = stream.encode() if as_bytes else stream
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    chunks = [data[a:b] for a, b in pairwise(points)]
    fast, before = LineSplitter(max_line_length=24), SplitterBefore(max_line_length=24)
    got = [line for chunk in chunks for line in fast.feed(chunk)] + fast.flush()
    want = [line for chunk in chunks for line in before.feed(chunk)] + before.flush()
    assert got == want
