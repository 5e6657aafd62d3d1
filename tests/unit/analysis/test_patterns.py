"""The miner on the api-gateway incident's real-looking logs, as the analyzer would query it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cockpit.analysis.pattern_snapshot import PatternSnapshot, TemplateStats
from cockpit.analysis.patterns import PatternMiner
from cockpit.sources.base import LogLine
from tests.unit.analysis.corpus import at, scenario_lines

GW = "api-gateway"


@pytest.fixture(scope="module")
def mined() -> tuple[PatternMiner, list[LogLine], list[int]]:
    lines = scenario_lines(GW, "10:12", "10:32")
    miner = PatternMiner()
    ids = miner.add_many(lines)
    return miner, lines, ids


@pytest.fixture(scope="module")
def snapshot(mined: tuple[PatternMiner, list[LogLine], list[int]]) -> PatternSnapshot:
    return mined[0].snapshot()


def _timeout_templates(snapshot: PatternSnapshot) -> list[TemplateStats]:
    return [t for t in snapshot.templates if "connection timeout" in t.template]


def test_the_847_connection_timeouts_are_one_template(
        mined: tuple[PatternMiner, list[LogLine], list[int]], snapshot: PatternSnapshot) -> None:
    _, lines, ids = mined
    timeouts = _timeout_templates(snapshot)
    assert len(timeouts) == 1
    (timeout,) = timeouts
    truth = sum("connection timeout" in line.text for line in lines)
    assert 830 <= truth <= 865
    assert timeout.count == truth
    assert {tid for tid, line in zip(ids, lines, strict=True)
            if "connection timeout" in line.text} == {timeout.id}
    assert "connection timeout after <DUR> acquiring connection" in timeout.template
    assert timeout.level == "error"
    assert 1 <= len(timeout.examples) <= 3
    assert all("connection timeout" in e for e in timeout.examples)


def test_whole_corpus_groups_into_few_templates(snapshot: PatternSnapshot) -> None:
    # 4 normal templates + timeout + 500s + exception head + frames: a screenful, not hundreds
    assert 6 <= len(snapshot.templates) <= 14
    assert snapshot.lines == snapshot.mined == sum(t.count for t in snapshot.templates)
    assert not snapshot.sampled


def test_timeout_is_new_since_10_20_and_the_request_log_is_not(snapshot: PatternSnapshot) -> None:
    new = snapshot.new_since(at(GW, "10:20"))
    (timeout,) = _timeout_templates(snapshot)
    assert timeout.id in {t.id for t in new}
    access = [t for t in snapshot.templates if "c.e.gateway.access" in t.template]
    served = [t for t in snapshot.templates if 'msg="request served"' in t.template]
    assert access and served
    assert not {t.id for t in access + served} & {t.id for t in new}
    assert timeout.first_seen_at >= at(GW, "10:28:45")
    # nothing is new after the last line
    assert snapshot.new_since(at(GW, "10:32")) == ()


def test_surges_rank_the_timeout_first(snapshot: PatternSnapshot) -> None:
    surges = snapshot.surges(at(GW, "10:32"), window=240)
    assert surges
    top = surges[0]
    assert "connection timeout" in top.template.template
    assert top.expected == 0 and top.recent == top.template.count
    # healthy traffic runs at its baseline rate: no surge
    assert not [s for s in surges if "c.e.gateway.access" in s.template.template]
    # a quiet window before the incident has no surge at all
    assert snapshot.surges(at(GW, "10:25"), window=120) == ()


def test_per_pod_counts(mined: tuple[PatternMiner, list[LogLine], list[int]],
                        snapshot: PatternSnapshot) -> None:
    _, lines, _ = mined
    (timeout,) = _timeout_templates(snapshot)
    expected: dict[str, int] = {}
    for line in lines:
        if "connection timeout" in line.text:
            expected[line.source] = expected.get(line.source, 0) + 1
    assert dict(timeout.pods) == expected
    assert len(expected) == 3 and all(p.startswith("api-gateway-") for p in expected)


def test_time_buckets_follow_the_incident(snapshot: PatternSnapshot) -> None:
    (timeout,) = _timeout_templates(snapshot)
    assert sum(n for _, n in timeout.buckets) == timeout.count
    start = at(GW, "10:28:40").timestamp()
    assert all(t >= start for t, _ in timeout.buckets)
    assert [t for t, _ in timeout.buckets] == sorted(t for t, _ in timeout.buckets)
    assert timeout.count_between(at(GW, "10:31").timestamp(), at(GW, "10:32").timestamp()) > 200


def test_top_and_snapshot_round_trip(mined: tuple[PatternMiner, list[LogLine], list[int]],
                                     snapshot: PatternSnapshot) -> None:
    miner = mined[0]
    top = miner.top(3)
    assert [t.count for t in top] == sorted((t.count for t in snapshot.templates),
                                            reverse=True)[:3]
    assert PatternSnapshot.from_dict(snapshot.to_dict()) == snapshot


def test_hostile_text_is_made_inert_in_templates_and_examples() -> None:
    miner = PatternMiner()
    t0 = at(GW, "10:00")
    for i in range(3):
        text = f"boom \x1b[2J\u202e id={i}"
        miner.add(LogLine(t0 + timedelta(seconds=i), "pod-a", text, "error"))
    (template,) = miner.snapshot().templates
    assert "\x1b" not in template.template and "\u202e" not in template.template
    assert all("\x1b" not in e and "␛[2J" in e for e in template.examples)


def test_sampled_weights_are_extrapolated_and_marked() -> None:
    miner = PatternMiner()
    t0 = at(GW, "10:00").timestamp()
    for i in range(10):
        miner.add_fields(t0 + i, "pod-a", f"GET /api/items/{i} 200", "info", weight=4.0)
    snap = miner.snapshot()
    (template,) = snap.templates
    assert template.count == 40 and template.sampled and snap.sampled
    assert snap.lines == 40 and snap.mined == 10
