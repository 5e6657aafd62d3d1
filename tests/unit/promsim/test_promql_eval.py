"""PromQL subset on a StaticStore: hand-computed answers from Prometheus' algorithms."""

from __future__ import annotations

import math

import pytest

from cockpit.scenario.promql import ParseError, PromQLError, evaluate, parse
from cockpit.scenario.promql.histogram import bucket_quantile
from cockpit.scenario.store import StaticStore

E = 1_700_000_100


def store() -> StaticStore:
    s = StaticStore(E, 15)
    # 0, 10, 20, ... : +10 every 15 s
    s.add("reqs_total", {"job": "a", "code": "200"}, [10.0 * k for k in range(41)])
    # counter reset at k=20 (value drops to 5)
    s.add("reqs_total", {"job": "a", "code": "500"},
          [100 + 3.0 * k if k < 20 else 5 + 3.0 * (k - 20) for k in range(41)])
    s.add("temp", {"job": "a", "room": "x"}, [20.0 + (k % 4) for k in range(41)])
    s.add("temp", {"job": "b", "room": "y"}, [10.0] * 41)
    for le, share in (("0.1", 0.5), ("0.5", 0.9), ("1", 0.95), ("+Inf", 1.0)):
        s.add("lat_bucket", {"job": "a", "le": le}, [100 * share * k for k in range(41)])
    return s


def at(query: str, k: float) -> list[tuple[dict[str, str], float]]:
    result = evaluate(store(), query, round((E + k * 15) * 1000))
    if result.kind == "scalar":
        assert result.scalars is not None
        return [({}, result.scalars[0])]
    assert result.vectors is not None
    return sorted(((dict(lab), v) for lab, v in result.vectors[0]), key=lambda x: str(x[0]))


def test_rate_of_a_steady_counter_is_exact() -> None:
    # 5 samples in [t-1m, t], 10 per 15 s -> increase extrapolated to the full minute
    assert at('rate(reqs_total{code="200"}[1m])', 20) == [({"code": "200", "job": "a"},
                                                           pytest.approx(10 / 15))]
    assert at('increase(reqs_total{code="200"}[1m])', 20)[0][1] == pytest.approx(40.0)


def test_increase_extrapolates_only_half_an_interval_at_a_series_start() -> None:
    # window [-45s, 15s] holds samples k=0 (value 0) and k=1 (10)
    value = at('increase(reqs_total{code="200"}[1m])', 1)[0][1]
    # durationToZero = 0 (first value 0) caps the start; end is 0s away
    assert value == pytest.approx(10.0)


def test_rate_handles_a_counter_reset() -> None:
    # k=17..21 : 151,154,157 | reset | 5, 8 -> increase = (8-151) + 157 = 14 over 60 s
    value = at('increase(reqs_total{code="500"}[1m])', 21)[0][1]
    assert value == pytest.approx(14.0)


def test_irate_delta_and_over_time() -> None:
    assert at('irate(reqs_total{code="500"}[1m])', 20)[0][1] == pytest.approx(5 / 15)
    assert at('delta(temp{room="x"}[1m])', 4)[0][1] == pytest.approx(0.0)   # 20 -> 20
    assert at('max_over_time(temp{room="x"}[1m])', 4)[0][1] == 23.0
    assert at('min_over_time(temp{room="x"}[1m])', 4)[0][1] == 20.0
    assert at('sum_over_time(temp{room="x"}[1m])', 4)[0][1] == 20 + 21 + 22 + 23 + 20
    assert at('avg_over_time(temp{room="x"}[1m])', 4)[0][1] == pytest.approx(21.2)


def test_lookback_keeps_a_series_for_five_minutes_after_its_last_sample() -> None:
    assert at('temp{room="y"}', 40 + 20) != []      # 5 min after the last sample
    assert at('temp{room="y"}', 40 + 20.1) == []


def test_histogram_quantile_interpolates_within_the_bucket() -> None:
    # per-second rates are proportional to the shares: rank 0.7 falls in (0.1, 0.5]
    value = at("histogram_quantile(0.7, rate(lat_bucket[1m]))", 20)
    assert value == [({"job": "a"}, pytest.approx(0.1 + 0.4 * (0.7 - 0.5) / 0.4))]
    assert bucket_quantile(0.99, [(1.0, 5.0), (math.inf, 10.0)]) == 1.0   # +Inf bucket
    assert math.isnan(bucket_quantile(0.5, [(1.0, 5.0)]))                 # no +Inf bucket
    assert bucket_quantile(0.5, [(1.0, 6.0), (2.0, 4.0), (math.inf, 8.0)]) == \
        pytest.approx(2 / 3)                                             # monotonicity fix
    assert bucket_quantile(2, [(1.0, 5.0), (math.inf, 10.0)]) == math.inf


def test_aggregation_by_without_and_name_dropping() -> None:
    assert at("sum by (job) (temp)", 1) == [({"job": "a"}, 21.0), ({"job": "b"}, 10.0)]
    assert at("sum(temp) by (job)", 1) == at("sum by (job) (temp)", 1)
    assert at("max without (room) (temp)", 2) == [({"job": "a"}, 22.0), ({"job": "b"}, 10.0)]
    assert at("count(temp)", 1) == [({}, 2.0)]
    assert at("avg(temp)", 1) == [({}, 15.5)]
    assert at('temp{room="y"} * 2', 1) == [({"job": "b", "room": "y"}, 20.0)]
    assert at('temp{room="y"} > 5', 1) == [({"__name__": "temp", "job": "b", "room": "y"},
                                            10.0)]


def test_one_to_one_matching_with_on_and_ignoring() -> None:
    rows = at('reqs_total{code="500"} / ignoring(code) reqs_total{code="200"}', 10)
    assert rows == [({"job": "a"}, pytest.approx(130 / 100))]
    rows = at('reqs_total{code="500"} - on(job) reqs_total{code="200"}', 10)
    assert rows == [({"job": "a"}, 30.0)]
    assert at('reqs_total{code="500"} / reqs_total{code="200"}', 10) == []   # labels differ


def test_comparisons_bool_and_set_operators() -> None:
    assert at("temp > bool 15", 1) == [({"job": "a", "room": "x"}, 1.0),
                                       ({"job": "b", "room": "y"}, 0.0)]
    assert [r[0]["job"] for r in at("temp and on(job) temp > 15", 1)] == ["a"]
    assert [r[0]["job"] for r in at("temp unless on(job) temp > 15", 1)] == ["b"]
    assert at("1 < bool 2", 0) == [({}, 1.0)]


def test_scalars_and_special_values() -> None:
    assert at("-2 ^ 2", 0) == [({}, -4.0)]
    assert at("time()", 2) == [({}, E + 30.0)]
    assert math.isinf(at("vector(1) / vector(0)", 0)[0][1])
    assert math.isnan(at("scalar(temp)", 0)[0][1])          # two series -> NaN
    assert at('clamp_max(temp{room="x"}, 21)', 3) == [({"job": "a", "room": "x"}, 21.0)]


def test_range_evaluation_gives_one_value_per_step() -> None:
    result = evaluate(store(), 'rate(reqs_total{code="200"}[1m])', E * 1000 + 60_000,
                      E * 1000 + 300_000, 60_000)
    assert result.steps == [E * 1000 + m * 60_000 for m in range(1, 6)]
    assert result.vectors is not None
    assert [vec[0][1] for vec in result.vectors] == pytest.approx([10 / 15] * 5)


@pytest.mark.parametrize(("query", "message"), [
    ("rate(reqs_total)", 'expected type range vector in call to function "rate"'),
    ("reqs_total{job=", "1:16: parse error"),
    ("topk(3, reqs_total)", 'aggregation "topk" is not supported'),
    ("label_replace(reqs_total, 'a', 'b', 'c', 'd')", 'function "label_replace" is not'),
    ("rate(reqs_total[5m:1m])", "subqueries is not supported"),
    ("1 > 2", "comparisons between scalars must use BOOL modifier"),
    ('reqs_total{job=~"("}', "invalid regular expression"),
    ("{}", "at least one non-empty matcher"),
    ("a / on(x) group_left b", "group_left/group_right"),
    ("foo @ 123", "the @ modifier is not supported"),
])
def test_unsupported_or_malformed_queries_name_the_problem(query: str, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(query)


def test_duplicate_labelsets_after_dropping_the_name_fail_like_prometheus() -> None:
    s = StaticStore(E, 15)
    s.add("a_total", {"x": "1"}, [1.0, 2.0])
    s.add("b_total", {"x": "1"}, [1.0, 2.0])
    with pytest.raises(PromQLError, match="same labelset"):
        evaluate(s, 'rate({__name__=~".+_total"}[1m])', (E + 15) * 1000)
