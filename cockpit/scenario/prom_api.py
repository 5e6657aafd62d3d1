"""A loopback Prometheus HTTP API (v1) over a SeriesStore.

cockpit's Prometheus source (prometheus-api-client) talks to this exactly as
to production: same paths, parameters, limits, JSON shapes and error types.
Only the query language is a subset; the rest is answered with a clear 400.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

from cockpit.scenario.httpserve import LoopbackServer, LoopbackService, Params, Reply
from cockpit.scenario.promql import PromQLError, evaluate, parse
from cockpit.scenario.promql.ast import VectorSelector
from cockpit.scenario.promql.evaluator import Result
from cockpit.scenario.rules import RuleEvaluator
from cockpit.scenario.store import SeriesStore, fetch_samples, to_ms
from cockpit.scenario.wire import ParamError, format_ts, format_value, parse_step_ms, parse_time_ms

MAX_POINTS = 11_000
BUILD_INFO = {"version": "2.42.0", "revision": "cockpit-simulator", "branch": "HEAD",
              "buildUser": "cockpit", "buildDate": "20230131-00:00:00", "goVersion": "go1.19"}
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")



class ApiError(Exception):
    def __init__(self, message: str, error_type: str = "bad_data", status: int = 400) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.status = status


def _labels_json(labels: tuple[tuple[str, str], ...]) -> str:
    return json.dumps(dict(labels), separators=(",", ":"), sort_keys=True)


def _point(ms: int, value: float) -> str:
    return f'[{format_ts(ms)},"{format_value(value)}"]'


def render_result(result: Result, range_query: bool) -> str:
    """The ``data`` object of a query response, as Prometheus' JSON encoder writes it."""
    if result.kind == "scalar":
        assert result.scalars is not None
        if not range_query:
            point = _point(result.steps[0], result.scalars[0])
            return f'{{"resultType":"scalar","result":{point}}}'
        points = ",".join(_point(t, v) for t, v in zip(result.steps, result.scalars, strict=True))
        return f'{{"resultType":"matrix","result":[{{"metric":{{}},"values":[{points}]}}]}}'
    if result.kind == "matrix":
        assert result.matrix is not None
        items = []
        for data in sorted(result.matrix, key=lambda s: s.labels):
            points = ",".join(_point(t, v) for t, v in zip(data.times, data.values, strict=True))
            items.append(f'{{"metric":{_labels_json(data.labels)},"values":[{points}]}}')
        return f'{{"resultType":"matrix","result":[{",".join(items)}]}}'
    assert result.vectors is not None
    if not range_query:
        t = result.steps[0]
        items = [f'{{"metric":{_labels_json(lab)},"value":{_point(t, v)}}}'
                 for lab, v in result.vectors[0]]
        return f'{{"resultType":"vector","result":[{",".join(items)}]}}'
    series: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for t, vec in zip(result.steps, result.vectors, strict=True):
        for lab, v in vec:
            series.setdefault(lab, []).append(_point(t, v))
    items = [f'{{"metric":{_labels_json(lab)},"values":[{",".join(series[lab])}]}}'
             for lab in sorted(series)]
    return f'{{"resultType":"matrix","result":[{",".join(items)}]}}'


class PrometheusAPI:
    """The request logic, independent of the HTTP plumbing (easy to call from tests)."""

    def __init__(self, store: SeriesStore) -> None:
        self.store = store

    def _one(self, params: Params, name: str, default: str | None = None) -> str | None:
        values = params.get(name)
        return values[0] if values else default

    def _time(self, params: Params, name: str, default_ms: int) -> int:
        text = self._one(params, name)
        if text is None or text == "":
            return default_ms
        try:
            return parse_time_ms(text, name)
        except ParamError as err:
            raise ApiError(str(err)) from None

    def query(self, params: Params) -> str:
        t = self._time(params, "time", to_ms(self.store.now()))
        result = self._run(self._one(params, "query", "") or "", t, None, 0)
        return render_result(result, range_query=False)

    def query_range(self, params: Params) -> str:
        start = self._required_time(params, "start")
        end = self._required_time(params, "end")
        if end < start:
            raise ApiError("end timestamp must not be before start time")
        try:
            step = parse_step_ms(self._one(params, "step", "") or "", "step")
        except ParamError as err:
            raise ApiError(str(err)) from None
        if step <= 0:
            raise ApiError("zero or negative query resolution step widths are not accepted. "
                           "Try a positive integer")
        if (end - start) // step > MAX_POINTS:
            raise ApiError("exceeded maximum resolution of 11,000 points per timeseries. Try "
                           "decreasing the query resolution (?step=XX)")
        result = self._run(self._one(params, "query", "") or "", start, end, step)
        return render_result(result, range_query=True)

    def _required_time(self, params: Params, name: str) -> int:
        text = self._one(params, name)
        if text is None:
            raise ApiError(f'invalid parameter "{name}": cannot parse "" to a valid timestamp')
        return self._time(params, name, 0)

    def _run(self, query: str, start: int, end: int | None, step: int) -> Result:
        try:
            return evaluate(self.store, query, start, end, step)
        except PromQLError as err:
            raise ApiError(str(err), err.error_type, err.status) from None

    def _matching_series(self, params: Params) -> list[dict[str, str]]:
        matches = params.get("match[]", [])
        start = self._time(params, "start", -(2**62))
        end = self._time(params, "end", 2**62)
        selectors = []
        for text in matches:
            try:
                expr = parse(text)
            except PromQLError as err:
                raise ApiError(str(err)) from None
            if not isinstance(expr, VectorSelector):
                raise ApiError(f'invalid parameter "match[]": {text!r} is not a series selector')
            selectors.append(expr)
        found: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
        unbounded = start <= -(2**61) and end >= 2**61
        for name, labels in self.store.series_keys():
            full = {"__name__": name, **labels}
            if selectors and not any(all(m.matches(full.get(m.name, ""))
                                         for m in sel.matchers)
                                     for sel in selectors):
                continue
            if not unbounded and not fetch_samples(self.store, name, labels, start / 1000,
                                                   end / 1000)[0]:
                continue
            found[tuple(sorted(full.items()))] = full
        return [found[key] for key in sorted(found)]

    def series(self, params: Params) -> str:
        if not params.get("match[]"):
            raise ApiError("no match[] parameter provided")
        return json.dumps(self._matching_series(params), separators=(",", ":"))

    def labels(self, params: Params) -> str:
        names = {name for series in self._matching_series(params) for name in series}
        return json.dumps(sorted(names), separators=(",", ":"))

    def label_values(self, label: str, params: Params) -> str:
        if not _LABEL_NAME.fullmatch(label):
            raise ApiError(f'invalid label name: "{label}"')
        values = {s[label] for s in self._matching_series(params) if label in s}
        return json.dumps(sorted(values), separators=(",", ":"))


def _go_exp(v: float) -> str:
    """Go's FormatFloat(v, 'e', -1, 64), e.g. ``3e-01``."""
    if not math.isfinite(v):
        return format_value(v)
    if v == 0:
        return "0e+00"
    dec = Decimal(repr(abs(v))).normalize()
    digits = "".join(map(str, dec.as_tuple().digits))
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    power = dec.adjusted()
    sign = "-" if v < 0 else ""
    return f"{sign}{mantissa}e{'+' if power >= 0 else '-'}{abs(power):02d}"


def _rfc3339_nano(ts: float) -> str:
    stamp = datetime.fromtimestamp(ts, UTC)
    frac = f"{stamp.microsecond:06d}".rstrip("0")
    return stamp.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac}" if frac else "") + "Z"


def alerts_json(rules: RuleEvaluator, now: float) -> str:
    """/api/v1/alerts data: pending and firing alerts, as Prometheus lists them."""
    alerts = [{"labels": dict(a.labels), "annotations": dict(a.annotations), "state": a.state,
               "activeAt": _rfc3339_nano(a.active_at), "value": _go_exp(a.value)}
              for a in rules.alerts_at(now) if a.state != "inactive"]
    return json.dumps({"alerts": alerts}, separators=(",", ":"))


class PrometheusServer(LoopbackService):
    """The HTTP server: ``start()``, ``url``, ``stop()``; listens on 127.0.0.1 only.

    ``extra_routes`` maps more paths (e.g. ``/api/v1/alerts``) to functions
    returning the JSON ``data`` value.
    """

    def __init__(self, store: SeriesStore, host: str = "127.0.0.1", port: int = 0,
                 extra_routes: Mapping[str, Callable[[Params], str]] | None = None,
                 rules: RuleEvaluator | None = None) -> None:
        self.api = PrometheusAPI(store)
        self.extra_routes = dict(extra_routes or {})
        if rules is not None:
            self.extra_routes.setdefault("/api/v1/alerts",
                                         lambda _: alerts_json(rules, store.now()))
        self._server = LoopbackServer(self.handle, host, port, "promsim-http")

    def handle(self, method: str, path: str, params: Params, body: bytes = b"") -> Reply:
        """(status, content type, body) for one request."""
        if path == "/-/ready":
            return 200, "text/plain; charset=utf-8", "Prometheus Server is Ready.\n"
        if path == "/-/healthy":
            return 200, "text/plain; charset=utf-8", "Prometheus Server is Healthy.\n"
        routes: dict[str, Callable[[Params], str]] = {
            "/api/v1/query": self.api.query,
            "/api/v1/query_range": self.api.query_range,
            "/api/v1/series": self.api.series,
            "/api/v1/labels": self.api.labels,
            "/api/v1/status/buildinfo": lambda _: json.dumps(BUILD_INFO),
            **self.extra_routes,
        }
        handler = routes.get(path)
        if handler is None and path.startswith("/api/v1/label/") and path.endswith("/values"):
            label = path[len("/api/v1/label/"):-len("/values")]
            handler = lambda p: self.api.label_values(label, p)  # noqa: E731
        if handler is None:
            return 404, "text/plain; charset=utf-8", "404 page not found\n"
        try:
            data = handler(params)
        except ApiError as err:
            error = json.dumps({"status": "error", "errorType": err.error_type,
                                "error": str(err)})
            return err.status, "application/json", error
        return 200, "application/json", f'{{"status":"success","data":{data}}}'
