"""The cached stamp parser gives exactly what the plain ``fromisoformat`` rule gave."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from cockpit.sources.logs.ingest import split_timestamp


def split_timestamp_before(text: str) -> tuple[datetime | None, str]:
    """The function as it was before the cache (verbatim), the reference."""
    if text[10:11] != "T" or text[4:5] != "-":
        return None, text
    space = text.find(" ", 19, 40)
    if space < 0:
        return None, text
    try:
        stamp = datetime.fromisoformat(text[:space])
    except ValueError:
        return None, text
    if stamp.tzinfo is None:  # no zone: not RFC 3339, leave the text alone
        return None, text
    if stamp.tzinfo is not UTC:
        stamp = stamp.astimezone(UTC)
    return stamp, text[space + 1:]


def _same(text: str) -> None:
    got, want = split_timestamp(text), split_timestamp_before(text)
    assert got == want
    if got[0] is not None and want[0] is not None:
        assert got[0].tzinfo is want[0].tzinfo  # UTC, the same object
        assert got[0].utcoffset() == want[0].utcoffset()


_two = st.integers(0, 99).map("{:02d}".format)


def _field(top: int) -> st.SearchStrategy[str]:
    """Mostly valid two-digit fields, sometimes out of range."""
    return st.one_of(st.integers(0, top).map("{:02d}".format), _two)


_zone = st.one_of(
    st.sampled_from(["Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+14:00", "+0530", "",
                     "+05:30:15", "+24:00", "Z+1", "UTC"]),
    st.tuples(st.sampled_from("+-"), _field(23), _field(59)).map(lambda t: f"{t[0]}{t[1]}:{t[2]}"))
_fraction = st.one_of(
    st.just(""), st.just("."), st.just(",5"), st.just(".５"),
    st.text("0123456789", min_size=1, max_size=11).map(lambda d: "." + d))


@st.composite
def stamped_lines(draw: st.DrawFn) -> str:
    year = draw(st.sampled_from(["2024", "2024", "1999", "0001", "9999", "20x4"]))
    month = draw(st.sampled_from(["01", "02", "12", "13", "00"]))
    day, hour = draw(st.integers(1, 28).map("{:02d}".format) | _two), draw(_field(23))
    minute, second = draw(_field(59)), draw(_field(59))
    sep = draw(st.sampled_from(["T", "T", "T", "t", " "]))
    body = f"{year}-{month}-{day}{sep}{hour}:{minute}:{second}"
    rest = draw(st.text(max_size=12))
    return f"{body}{draw(_fraction)}{draw(_zone)} {rest}"


@st.composite
def rfc3339_lines(draw: st.DrawFn) -> str:
    """Valid stamps as kubectl and others write them: any instant, 0-9 digits, any zone."""
    moment = draw(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
    digits = draw(st.integers(0, 9))
    fraction = f"{moment.microsecond:06d}{draw(st.integers(0, 999)):03d}"[:digits]
    zone = draw(st.one_of(st.just("Z"), st.tuples(st.sampled_from("+-"), st.integers(0, 23),
                                                   st.integers(0, 59))
                          .map(lambda t: f"{t[0]}{t[1]:02d}:{t[2]:02d}")))
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0")
    return f"{stamp}{'.' if digits else ''}{fraction}{zone} {draw(st.text(max_size=8))}"


@settings(max_examples=800)
@given(rfc3339_lines())
def test_valid_stamps_parse_as_before(text: str) -> None:
    _same(text)
    _same(text)
    event("parsed" if split_timestamp(text)[0] else "rejected")


@settings(max_examples=600)
@given(stamped_lines())
@example("2024-01-15T10:28:45.123456789Z ERROR db down")
@example("2024-01-15T10:28:45.9999999Z x")
@example("2024-02-30T10:28:45.5Z x")
@example("2024-01-15T24:00:00.5Z x")
@example("2024-01-15T10:28:45.5+05:30 x")
@example("2024-W03-1T10:28:45.5Z x")
@example("2024-01-15T10:28:45 no zone")
def test_stamped_lines_parse_as_before(text: str) -> None:
    _same(text)
    if text.startswith("2024-01-") and text[10] == "T" and text[19] in ".Z+-":
        event("well formed: " + ("valid" if split_timestamp(text)[0] else "rejected"))
    _same(text)  # a second time: now from the caches


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_any_text_parses_as_before(text: str) -> None:
    _same(text)


def test_neighbouring_stamps_share_the_second_and_differ_in_the_fraction() -> None:
    texts = [f"2024-01-15T10:28:45.{n:09d}+02:00 line {n}" for n in (1000, 999999000, 5000)]
    for text in texts:
        _same(text)
    stamps = [split_timestamp(text)[0] for text in texts]
    assert [s.microsecond for s in stamps if s] == [1, 999999, 5]
    assert {s.hour for s in stamps if s} == {8}


def test_a_repeated_stamp_is_one_object_so_pickle_writes_it_once() -> None:
    texts = [f"2024-01-15T10:28:45.123456Z line {n}" for n in range(100)]
    stamps = [split_timestamp(text)[0] for text in texts]
    assert all(s is stamps[0] for s in stamps)
    assert pickle.loads(pickle.dumps(stamps)) == stamps
