"""LogIngest: tagging, timestamps, truncation, bounded buffer that counts every drop."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from cockpit.config.schema import LogsConfig
from cockpit.sources.base import LogLine
from cockpit.sources.logs.ingest import LogIngest, split_timestamp

ARRIVAL = datetime(2030, 1, 1, tzinfo=UTC)


def line(text: str, source: str = "pod-a", container: str = "app") -> LogLine:
    return LogLine(ts=ARRIVAL, source=source, text=text, container=container)


def test_kubernetes_timestamp_becomes_ts_and_is_stripped() -> None:
    ingest = LogIngest()
    ingest.put([line("2024-01-15T10:28:45.123456789Z ERROR db down")])
    [out] = ingest.drain()
    assert out.ts == datetime(2024, 1, 15, 10, 28, 45, 123456, tzinfo=UTC)
    assert out.text == "ERROR db down"
    assert out.level == "error"
    assert (out.source, out.container) == ("pod-a", "app")


def test_timestamp_with_offset_is_converted_to_utc() -> None:
    stamp, rest = split_timestamp("2024-01-15T12:28:45+02:00 hello")
    assert stamp == datetime(2024, 1, 15, 10, 28, 45, tzinfo=UTC)
    assert rest == "hello"


def test_text_without_stamp_keeps_arrival_time() -> None:
    ingest = LogIngest()
    ingest.put([line("2024-01-15 10:28:45 INFO no T, no zone"),
                line("2024-01-15T10:28:45 no zone either"),
                line("2024-13-45T10:28:45Z not a date")])
    out = ingest.drain()
    assert [o.ts for o in out] == [ARRIVAL] * 3
    assert out[0].text == "2024-01-15 10:28:45 INFO no T, no zone"
    assert out[2].text == "2024-13-45T10:28:45Z not a date"


def test_timestamp_parsing_can_be_switched_off() -> None:
    ingest = LogIngest(parse_timestamps=False)
    ingest.put([line("2024-01-15T10:28:45Z kept")])
    assert ingest.drain()[0].text == "2024-01-15T10:28:45Z kept"


def test_long_lines_truncated_and_counted() -> None:
    ingest = LogIngest(max_line_length=100)
    ingest.put([line("x" * 500), line("short"),
                LogLine(ARRIVAL, "file", "y" * 10, truncated=True)])
    out = ingest.drain()
    assert [(len(o.text), o.truncated) for o in out] == [(100, True), (5, False), (10, True)]
    assert ingest.stats().truncated == 2


def test_from_config() -> None:
    ingest = LogIngest.from_config(LogsConfig(max_line_length=80, buffer_lines=100))
    assert (ingest.capacity, ingest.max_line_length) == (100, 80)


def test_given_level_is_kept() -> None:
    ingest = LogIngest()
    ingest.put([LogLine(ARRIVAL, "scenario", "plain words", level="warn")])
    assert ingest.drain()[0].level == "warn"


def test_full_buffer_drops_oldest_and_counts_them() -> None:
    ingest = LogIngest(capacity=100)
    dropped = ingest.put([line(f"INFO {i}") for i in range(150)])
    assert dropped == 50
    ingest.put([line(f"ERROR {i}") for i in range(30)])
    out = ingest.drain()
    assert len(out) == 100
    assert out[0].text == "INFO 80" and out[-1].text == "ERROR 29"
    stats = ingest.stats()
    assert (stats.received, stats.delivered, stats.dropped, stats.buffered) == (180, 100, 80, 0)
    assert stats.per_level == {"info": 150, "error": 30}
    assert stats.per_source == {"pod-a": 180}


def test_drain_in_portions() -> None:
    ingest = LogIngest()
    ingest.put([line(str(i)) for i in range(10)])
    assert [o.text for o in ingest.drain(4)] == ["0", "1", "2", "3"]
    assert len(ingest) == 6
    assert [o.text for o in ingest.drain(100)] == ["4", "5", "6", "7", "8", "9"]
    assert ingest.drain() == []


def test_concurrent_readers_lose_nothing_silently() -> None:
    ingest = LogIngest(capacity=500)
    delivered: list[LogLine] = []
    done = threading.Event()

    def reader(name: str) -> None:
        for start in range(0, 5000, 50):
            ingest.put([line(f"{name} {i}", source=name) for i in range(start, start + 50)])

    def ui() -> None:
        while not done.is_set():
            delivered.extend(ingest.drain(200))
        delivered.extend(ingest.drain())

    threads = [threading.Thread(target=reader, args=(f"pod-{n}",)) for n in range(4)]
    consumer = threading.Thread(target=ui)
    consumer.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    consumer.join()
    stats = ingest.stats()
    assert stats.received == 20_000
    assert stats.delivered == len(delivered)
    assert stats.received == stats.delivered + stats.dropped + stats.buffered
    assert stats.per_source == {f"pod-{n}": 5000 for n in range(4)}
    for n in range(4):  # each stream stays in order
        mine = [int(o.text.split()[1]) for o in delivered if o.source == f"pod-{n}"]
        assert mine == sorted(mine)
