"""The Prometheus HTTP API simulator, through the real prometheus-api-client and httpx."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from prometheus_api_client import PrometheusApiClientException, PrometheusConnect

from cockpit.scenario.prom_api import PrometheusServer
from cockpit.scenario.store import StaticStore

E = 1_700_000_100


@pytest.fixture
def server() -> Iterator[PrometheusServer]:
    store = StaticStore(E, 15, now=E + 40 * 15)
    store.add("http_requests_total", {"service": "api", "code": "200"},
              [6.0 * k for k in range(81)])          # samples after now() must stay hidden
    store.add("http_requests_total", {"service": "api", "code": "500"},
              [0.5 * k for k in range(81)])
    store.add("up", {"job": "api"}, [1.0] * 81)
    srv = PrometheusServer(store).start()
    yield srv
    srv.stop()


def test_instant_and_range_queries_through_prometheus_api_client(
        server: PrometheusServer) -> None:
    prom = PrometheusConnect(url=server.url)
    query = 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))'
    result = prom.custom_query(query, params={"time": str(E + 600)})
    assert result[0]["metric"] == {} and result[0]["value"][0] == E + 600
    assert float(result[0]["value"][1]) == pytest.approx(0.5 / 6.5)
    rows = prom.custom_query_range("sum by (code) (rate(http_requests_total[1m]))",
                                   datetime.fromtimestamp(E + 60, UTC),
                                   datetime.fromtimestamp(E + 180, UTC), "60")
    assert [r["metric"] for r in rows] == [{"code": "200"}, {"code": "500"}]
    assert rows[0]["values"] == [[E + 60, "0.4"], [E + 120, "0.4"], [E + 180, "0.4"]]


def test_future_samples_do_not_exist(server: PrometheusServer) -> None:
    prom = PrometheusConnect(url=server.url)
    rows = prom.custom_query('http_requests_total{code="200"}', params={"time": str(E + 900)})
    assert rows[0]["value"][1] == "240"        # the last sample at now (k=40), not k=60


def test_default_time_is_the_simulator_clock_and_rfc3339_is_accepted(
        server: PrometheusServer) -> None:
    prom = PrometheusConnect(url=server.url)
    assert prom.custom_query("up")[0]["value"][0] == E + 600
    stamp = datetime.fromtimestamp(E + 300, UTC).isoformat().replace("+00:00", "Z")
    assert prom.custom_query("time()", params={"time": stamp}) == [E + 300, str(E + 300)]


def test_post_form_and_series_labels_endpoints(server: PrometheusServer) -> None:
    with httpx.Client(base_url=server.url) as client:
        body = client.post("/api/v1/query", data={"query": "up == 1", "time": "1700000400.5"})
        assert body.json() == {"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {"__name__": "up", "job": "api"}, "value": [1700000400.5, "1"]}]}}
        series = client.get("/api/v1/series", params={"match[]": "http_requests_total"}).json()
        assert [s["code"] for s in series["data"]] == ["200", "500"]
        assert client.get("/api/v1/labels").json()["data"] == ["__name__", "code", "job",
                                                               "service"]
        values = client.get("/api/v1/label/__name__/values").json()["data"]
        assert values == ["http_requests_total", "up"]
        assert client.get("/-/ready").status_code == 200
        info = client.get("/api/v1/status/buildinfo").json()["data"]
        assert info["version"].startswith("2.")


@pytest.mark.parametrize(("params", "message"), [
    ({"query": "rate(up)"}, 'expected type range vector in call to function "rate"'),
    ({"query": "topk(1, up)"}, 'aggregation "topk" is not supported'),
    ({"query": "up", "time": "yesterday"}, 'invalid parameter "time"'),
])
def test_bad_queries_answer_400_bad_data(server: PrometheusServer, params: dict[str, str],
                                         message: str) -> None:
    reply = httpx.get(server.url + "/api/v1/query", params=params)
    assert reply.status_code == 400
    body = reply.json()
    assert body["status"] == "error" and body["errorType"] == "bad_data"
    assert message in body["error"]


@pytest.mark.parametrize(("start", "end", "step", "message"), [
    (E + 100, E, "15", "end timestamp must not be before start time"),
    (E, E + 100, "0", "zero or negative query resolution step"),
    (E, E + 200_000, "15", "exceeded maximum resolution of 11,000 points"),
    (E, E + 100, "soon", 'invalid parameter "step"'),
])
def test_range_query_limits_match_prometheus(server: PrometheusServer, start: int, end: int,
                                             step: str, message: str) -> None:
    reply = httpx.get(server.url + "/api/v1/query_range",
                      params={"query": "up", "start": start, "end": end, "step": step})
    assert reply.status_code == 400
    assert message in reply.json()["error"]


def test_prometheus_api_client_surfaces_the_error(server: PrometheusServer) -> None:
    prom = PrometheusConnect(url=server.url)
    with pytest.raises(PrometheusApiClientException, match="not supported"):
        prom.custom_query("quantile(0.5, up)")


def test_range_vector_as_instant_query_and_scalar_range(server: PrometheusServer) -> None:
    prom = PrometheusConnect(url=server.url)
    raw = prom.custom_query('http_requests_total{code="500"}[30s]',
                            params={"time": str(E + 300)})
    assert raw[0]["values"] == [[E + 270, "9"], [E + 285, "9.5"], [E + 300, "10"]]
    rows = prom.custom_query_range("vector(1) * 0.1", datetime.fromtimestamp(E, UTC),
                                   datetime.fromtimestamp(E + 30, UTC), "15")
    assert rows == [{"metric": {}, "values": [[E, "0.1"], [E + 15, "0.1"], [E + 30, "0.1"]]}]
