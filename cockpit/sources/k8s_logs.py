"""Follow the logs of a deployment's pods, stern-style, through the official client.

A discovery loop lists the pods (by the deployment's selector or a label
selector) and starts one thread per running container, up to ``max_streams``;
the rest are reported, never silently dropped. New pods join by themselves; a
dropped stream resumes from its last timestamp (overlap removed); a restarted
container is read from its start. Threads feed one bounded queue; ``follow()``
hands out batches so the UI appends many lines per refresh.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cockpit.config.schema import KubernetesConfig
from cockpit.sources import k8s_client
from cockpit.sources.base import LogLine

NOTICE_SOURCE = "cockpit"


class LogFetchError(Exception):
    """A one-off log request failed; the message says why, in one line."""


def parse_log_line(raw: str) -> tuple[datetime, str]:
    """Split the kubelet's ``timestamps=true`` prefix (RFC 3339, nanoseconds)."""
    stamp, _, text = raw.partition(" ")
    try:
        head, _, frac = stamp.rstrip("Z").partition(".")
        ts = datetime.fromisoformat(head).replace(tzinfo=UTC)
        if frac:
            ts = ts.replace(microsecond=int(frac[:6].ljust(6, "0")))
        return ts, text
    except ValueError:
        return datetime.now(UTC), raw


@dataclass
class _Cursor:
    restarts: int
    last_ts: datetime | None = None
    texts_at_last: set[str] = field(default_factory=set)

    def accept(self, ts: datetime, text: str) -> bool:
        if self.last_ts is not None and (ts < self.last_ts or (
                ts == self.last_ts and text in self.texts_at_last)):
            return False
        if ts != self.last_ts:
            self.last_ts, self.texts_at_last = ts, set()
        self.texts_at_last.add(text)
        return True


@dataclass(frozen=True)
class FollowerStatus:
    streams: tuple[str, ...]  # "pod/container" being read
    skipped: tuple[str, ...]  # pods not followed because of max_streams
    last_error: str


class PodLogFollower:
    def __init__(self, cfg: KubernetesConfig, deployment: str = "", max_streams: int = 20,
                 tail_lines: int = 200, api: Any = None, poll_s: float = 1.0,
                 batch_s: float = 0.1, queue_size: int = 50_000) -> None:
        self.cfg = cfg
        self.deployment = deployment or cfg.deployment
        self.max_streams, self.tail_lines = max_streams, tail_lines
        self._api, self._poll_s, self._batch_s = api, poll_s, batch_s
        self._queue: queue.Queue[LogLine] = queue.Queue(queue_size)
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._cursors: dict[tuple[str, str], _Cursor] = {}
        self._threads: dict[tuple[str, str], threading.Thread] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._responses: set[Any] = set()
        self._skipped: tuple[str, ...] = ()
        self._last_error = ""
        self._discovery: threading.Thread | None = None

    # --- public ----------------------------------------------------------------
    def follow(self) -> Iterator[list[LogLine]]:
        if self._discovery is None:
            self._discovery = threading.Thread(target=self._discover_loop, daemon=True,
                                               name="k8s-log-discovery")
            self._discovery.start()
        while not self._stopped.is_set():
            try:
                batch = [self._queue.get(timeout=0.2)]
            except queue.Empty:
                continue
            deadline = time.monotonic() + self._batch_s
            while len(batch) < 5000:
                try:
                    batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            yield batch

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            responses = list(self._responses)
        for response in responses:
            with contextlib.suppress(Exception):
                response.shutdown()
        threads = list(self._threads.values())
        deadline = time.monotonic() + 2.0  # for all of them together, not 2 s each
        for t in [*threads, *([self._discovery] if self._discovery else [])]:
            t.join(timeout=max(0.0, deadline - time.monotonic()))

    def status(self) -> FollowerStatus:
        with self._lock:
            streams = tuple(sorted(f"{self._names[k]}/{k[1]}" for k, t in self._threads.items()
                                   if t.is_alive()))
            return FollowerStatus(streams, self._skipped, self._last_error)

    def previous(self, pod: str, container: str = "") -> list[LogLine]:
        """The last terminated run's logs (``kubectl logs --previous``)."""
        query: list[tuple[str, Any]] = [("previous", "true"), ("timestamps", "true")]
        if container:
            query.append(("container", container))
        try:
            resp = k8s_client.open_stream(self._client(), self._log_path(pod), query,
                                          timeout=self.cfg.timeout_s, accept="text/plain")
            text = resp.data.decode("utf-8", "replace")
        except Exception as exc:
            address = k8s_client.server_address(self._api) if self._api else ""
            raise LogFetchError(k8s_client.describe_error(exc, address,
                                                          self.cfg.timeout_s)[0]) from exc
        lines = []
        for raw in text.splitlines():
            ts, body = parse_log_line(raw)
            lines.append(LogLine(ts, source=pod, text=body, container=container))
        return lines

    # --- discovery ---------------------------------------------------------------
    def _client(self) -> Any:
        if self._api is None:
            self._api = k8s_client.make_api_client(self.cfg)
        return self._api

    def _log_path(self, pod: str) -> str:
        return f"/api/v1/namespaces/{self.cfg.namespace}/pods/{pod}/log"

    def _selector(self) -> str:
        if self.cfg.selector or not self.deployment:
            return self.cfg.selector
        dep = k8s_client.get_json(
            self._client(),
            f"/apis/apps/v1/namespaces/{self.cfg.namespace}/deployments/{self.deployment}",
            timeout=self.cfg.timeout_s)
        labels = dep["spec"]["selector"].get("matchLabels", {})
        return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))

    def _discover_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                selector = self._selector()
                body = k8s_client.get_json(
                    self._client(), f"/api/v1/namespaces/{self.cfg.namespace}/pods",
                    [("labelSelector", selector)] if selector else None,
                    timeout=self.cfg.timeout_s)
                self._sync(body.get("items", []))
            except Exception as exc:  # reported in status(), retried next poll
                address = k8s_client.server_address(self._api) if self._api else ""
                self._last_error = k8s_client.describe_error(exc, address,
                                                             self.cfg.timeout_s)[0]
            self._stopped.wait(self._poll_s)

    def _sync(self, pods: list[dict[str, Any]]) -> None:
        skipped: list[str] = []
        present = set()
        for pod in sorted(pods, key=lambda p: p["metadata"].get("creationTimestamp", "")):
            name, uid = pod["metadata"]["name"], pod["metadata"]["uid"]
            for cs in pod.get("status", {}).get("containerStatuses") or []:
                key = (uid, cs["name"])
                present.add(key)
                if "running" not in (cs.get("state") or {}):
                    continue
                with self._lock:
                    thread = self._threads.get(key)
                    if thread is not None and thread.is_alive():
                        continue
                    active = sum(1 for t in self._threads.values() if t.is_alive())
                    if active >= self.max_streams:
                        skipped.append(name)
                        continue
                    cursor = self._cursors.get(key)
                    fresh = cursor is None
                    restarts = int(cs.get("restartCount", 0))
                    if cursor is None or cursor.restarts != restarts:
                        cursor = self._cursors[key] = _Cursor(restarts)
                    thread = threading.Thread(target=self._stream,
                                              args=(name, cs["name"], cursor, fresh),
                                              daemon=True, name=f"k8s-log-{name}")
                    self._threads[key], self._names[key] = thread, name
                thread.start()
        with self._lock:
            for key in [k for k in self._cursors if k not in present]:
                self._cursors.pop(key, None)
            skipped_now = tuple(sorted(set(skipped)))
            changed = skipped_now != self._skipped
            self._skipped = skipped_now
        if changed and skipped_now:
            self._put(LogLine(datetime.now(UTC), NOTICE_SOURCE,
                              f"log streams capped at {self.max_streams}: not following "
                              f"{len(skipped_now)} pod(s): {', '.join(skipped_now)}", level="warn"))

    # --- one stream per container -----------------------------------------------------
    def _put(self, line: LogLine) -> None:
        while not self._stopped.is_set():
            try:
                self._queue.put(line, timeout=0.2)
                return
            except queue.Full:
                continue

    def _stream(self, pod: str, container: str, cursor: _Cursor, fresh: bool) -> None:
        query: list[tuple[str, Any]] = [("container", container), ("follow", "true"),
                                        ("timestamps", "true")]
        if cursor.last_ts is not None:
            query.append(("sinceTime", cursor.last_ts.strftime("%Y-%m-%dT%H:%M:%SZ")))
        elif fresh and self.tail_lines:
            query.append(("tailLines", self.tail_lines))
        response: Any = None
        try:
            response = k8s_client.open_stream(self._client(), self._log_path(pod), query,
                                              timeout=(self.cfg.timeout_s, 300.0),
                                              accept="text/plain")
            with self._lock:
                self._responses.add(response)
            pending = b""
            for chunk in response.stream(8192, decode_content=True):
                pending += chunk
                *complete, pending = pending.split(b"\n")
                for raw in complete:
                    ts, text = parse_log_line(raw.decode("utf-8", "replace"))
                    if cursor.accept(ts, text):
                        self._put(LogLine(ts, source=pod, text=text, container=container))
        except Exception as exc:  # the discovery loop restarts the stream
            if not self._stopped.is_set():
                address = k8s_client.server_address(self._api) if self._api else ""
                self._last_error = k8s_client.describe_error(exc, address,
                                                             self.cfg.timeout_s)[0]
        finally:
            if response is not None:
                with self._lock:
                    self._responses.discard(response)
                response.release_conn()
