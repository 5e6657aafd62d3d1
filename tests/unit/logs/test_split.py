"""Chunks to lines: whatever the writer or the pipe did, no exception, no lost line."""

from __future__ import annotations

from cockpit.sources.logs.split import LineSplitter, split_chunks


def lines_of(chunks: list[bytes] | list[str], limit: int = 4096) -> list[tuple[str, bool]]:
    return list(split_chunks(chunks, limit))


def test_partial_lines_across_chunks() -> None:
    assert lines_of([b"hel", b"lo\nwor", b"ld\n", b"tail"]) == [
        ("hello", False), ("world", False), ("tail", False)]


def test_crlf_split_between_chunks() -> None:
    assert lines_of([b"one\r", b"\ntwo\r\n"]) == [("one", False), ("two", False)]


def test_blank_lines_are_kept() -> None:
    assert lines_of([b"a\n\n\nb\n"]) == [("a", False), ("", False), ("", False), ("b", False)]


def test_multibyte_character_split_between_chunks() -> None:
    data = "Größe → 5 Ω\n".encode()
    chunks = [data[i:i + 1] for i in range(len(data))]
    assert lines_of(chunks) == [("Größe → 5 Ω", False)]


def test_invalid_utf8_becomes_replacement_character() -> None:
    assert lines_of([b"bad \xff\xfe byte\n", b"\xc3\n"]) == [
        ("bad \ufffd\ufffd byte", False), ("\ufffd", False)]


def test_nul_bytes_removed_and_zero_holes_dropped() -> None:
    data = b"a\x00b\n" + b"\x00" * 4096 + b"after hole\n"
    assert lines_of([data]) == [("ab", False), ("after hole", False)]


def test_one_megabyte_line_is_truncated_and_next_line_survives() -> None:
    big = b"x" * (1 << 20)
    chunks = [big[i:i + 65536] for i in range(0, len(big), 65536)] + [b"\nnext\n"]
    out = lines_of(chunks, limit=1000)
    assert out == [("x" * 1000, True), ("next", False)]


def test_long_line_in_one_chunk_is_truncated() -> None:
    assert lines_of([b"y" * 5000 + b"\nshort\n"], limit=100) == [
        ("y" * 100, True), ("short", False)]


def test_truncated_line_at_eof_is_flushed() -> None:
    assert lines_of([b"z" * 10_000], limit=100) == [("z" * 100, True)]


def test_str_chunks() -> None:
    assert lines_of(["a\r\nb", "c\n", "d" * 300, "\n"], limit=200) == [
        ("a", False), ("bc", False), ("d" * 200, True)]


def test_reset_forgets_partial_line() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"half a li") == []
    splitter.reset()
    assert splitter.feed(b"fresh\n") == [("fresh", False)]
    assert splitter.flush() == []
