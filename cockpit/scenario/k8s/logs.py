"""``GET pods/{name}/log``: validation worded like the kubelet, then lines or a follow stream.

Lines come from the state's log provider over time windows of the scenario
clock: the current container from its start, ``previous=true`` over the last
terminated container's run. A follow stream ends when the pod is deleted or the
container restarts, as it does against a real kubelet.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cockpit.scenario.k8s import errors
from cockpit.scenario.k8s.meta import JsonObj, parse_time, rfc3339_nano
from cockpit.scenario.k8s.resources import RESOURCES
from cockpit.scenario.k8s.state import ClusterState

POLL_S = 0.1


def _flag(query: dict[str, str], name: str) -> bool:
    return query.get(name, "").lower() in ("true", "1")


def _int(query: dict[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise errors.bad_request(f"invalid {name}: {raw!r}") from exc


@dataclass
class LogStream:
    state: ClusterState
    namespace: str
    pod: str
    uid: str
    container: str
    start: float
    end: float | None  # set for previous=true: the terminated run's end
    restarts: int
    follow: bool
    timestamps: bool
    tail: int | None
    limit_bytes: int | None

    def _format(self, lines: list[tuple[float, str]]) -> bytes:
        if self.timestamps:
            return "".join(f"{rfc3339_nano(ts)} {text}\n" for ts, text in lines).encode()
        return "".join(f"{text}\n" for _, text in lines).encode()

    def _still_running(self) -> bool:
        pod = self.state.get("pods", self.namespace, self.pod)
        if pod is None or pod["metadata"]["uid"] != self.uid:
            return False
        cs = _status(pod, self.container)
        return bool(cs and cs.get("restartCount", 0) == self.restarts
                    and "running" in (cs.get("state") or {}))

    def chunks(self, stopped: Callable[[], bool]) -> Iterator[bytes]:
        now = self.state.now()
        until = min(self.end, now) if self.end is not None else now
        lines = self.state.log_provider(self.namespace, self.pod, self.container,
                                        self.start, until)
        if self.tail is not None:
            lines = lines[-self.tail:] if self.tail > 0 else []
        sent = 0
        first = self._format(lines)
        if self.limit_bytes is not None:
            first = first[: self.limit_bytes]
        if first:
            sent += len(first)
            yield first
        if not self.follow or self.end is not None:
            return
        last = until
        while not stopped() and self._still_running():
            time.sleep(POLL_S)
            now = self.state.now()
            if now <= last:
                continue
            data = self._format(self.state.log_provider(self.namespace, self.pod,
                                                        self.container, last, now))
            last = now
            if data:
                if self.limit_bytes is not None:
                    data = data[: max(0, self.limit_bytes - sent)]
                    if not data:
                        return
                sent += len(data)
                yield data


def _status(pod: JsonObj, container: str) -> JsonObj | None:
    for cs in pod.get("status", {}).get("containerStatuses") or []:
        if cs.get("name") == container:
            return dict(cs)
    return None


def open_log(state: ClusterState, namespace: str, name: str, query: dict[str, str]) -> LogStream:
    pod = state.get("pods", namespace, name)
    if pod is None:
        raise errors.not_found(RESOURCES["pods"], name)
    names = [c["name"] for c in pod["spec"].get("containers", [])]
    container = query.get("container") or (names[0] if len(names) == 1 else "")
    if not container:
        raise errors.bad_request(f"a container name must be specified for pod {name}, "
                                 f"choose one of: [{' '.join(names)}]")
    if container not in names:
        raise errors.bad_request(f"container {container} is not valid for pod {name}")
    cs = _status(pod, container) or {}
    state_now = cs.get("state") or {}
    end: float | None = None
    if _flag(query, "previous"):
        last = (cs.get("lastState") or {}).get("terminated")
        if not last:
            raise errors.bad_request(
                f'previous terminated container "{container}" in pod "{name}" not found')
        start, end = parse_time(last["startedAt"]), parse_time(last["finishedAt"])
    elif "waiting" in state_now:
        reason = state_now["waiting"].get("reason", "")
        raise errors.bad_request(
            f'container "{container}" in pod "{name}" is waiting to start: {reason}')
    else:
        started = (state_now.get("running") or {}).get("startedAt") \
            or pod.get("status", {}).get("startTime") or pod["metadata"]["creationTimestamp"]
        start = parse_time(started)
    since_s = _int(query, "sinceSeconds")
    if query.get("sinceTime"):
        start = max(start, parse_time(query["sinceTime"]))
    elif since_s is not None:
        start = max(start, state.now() - since_s)
    return LogStream(state, namespace, name, pod["metadata"]["uid"], container, start, end,
                     int(cs.get("restartCount", 0)), _flag(query, "follow"),
                     _flag(query, "timestamps"), _int(query, "tailLines"),
                     _int(query, "limitBytes"))
