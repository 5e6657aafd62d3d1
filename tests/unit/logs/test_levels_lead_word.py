"""The lead-word shortcut of LevelTagger tags every line as the regexes alone did."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cockpit.sources.logs.levels import LevelTagger, detect_level, is_continuation


class TaggerBefore:
    """LevelTagger.tag as it was before the shortcut (the reference)."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], str] = {}

    def tag(self, stream: tuple[str, str], text: str) -> str:
        last = self._last.get(stream, "")
        if last and is_continuation(text):
            return last
        level = detect_level(text)
        self._last[stream] = level
        return level


_WORDS = ["INFO", "info", "Info", "iNfo", "ERROR", "Error", "err", "ERR", "WARN", "Warning",
          "WARNING", "warn", "DEBUG", "debug", "TRACE", "trace", "FATAL", "panic", "PANIC",
          "CRIT", "critical", "Critical", "NOTICE", "notice", "INFOS", "ERRORS", "I", "E",
          "at", "Caused", "File", "goroutine", "...", "", "\t", "level=error", "[error]",
          "{\"level\":\"warn\"}", "E0115", "I/Tag:", "Traceback", "ValueError:", "INFO:"]
_SEPARATORS = [" ", "  ", ": ", "\t", "", "=", " - "]
_REST = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["[pod-1] GET /x 200 3ms", "ERROR later", "level=debug x", "by: Foo",
                     "(most recent call last)", "0115 10:28:45.123 x", "12 more",
                     "1 [running]:", "\"x.py\", line 3", "com.x.Y.z(Y.java:1)"]))


@st.composite
def log_line(draw: st.DrawFn) -> str:
    lead = draw(st.sampled_from(_WORDS))
    return lead + draw(st.sampled_from(_SEPARATORS)) + draw(_REST)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.integers(0, 2), log_line()), max_size=12))
@example([(0, "ERROR boom"), (0, "\tat com.x.Y(Y.java:1)"), (0, "INFO next"), (0, "  frame")])
@example([(0, "Traceback (most recent call last):"), (0, 'File "x.py", line 3'),
          (0, "WARNING [pod] slow"), (0, "at x")])
def test_tags_as_before(lines: list[tuple[int, str]]) -> None:
    fast, before = LevelTagger(), TaggerBefore()
    for stream, text in lines:
        key = (f"pod-{stream}", "app")
        assert fast.tag(key, text) == before.tag(key, text), text


def test_the_common_shapes_take_their_lead_word() -> None:
    tagger = LevelTagger()
    texts = ("INFO [p] GET / 200", "ERROR [p] db down", "WARN x", "Debug y",
             "panic runtime error", "critical disk", "notice z")
    assert [tagger.tag(("p", ""), text) for text in texts] == [
        "info", "error", "warn", "debug", "error", "error", "info"]
