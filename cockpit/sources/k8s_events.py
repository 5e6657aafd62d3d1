"""Cluster events as a stream: list, then watch from the list's resourceVersion.

Watches end (server timeouts, dropped connections, 410 Expired after
compaction); the watcher resumes from the last resourceVersion it saw, re-lists
when told the history is gone, and yields each occurrence once: an event is new
when its uid is unseen or its count grew.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

from kubernetes.client.exceptions import ApiException

from cockpit.config.schema import KubernetesConfig
from cockpit.sources import k8s_client
from cockpit.sources.base import ClusterEvent, HealthState, SourceHealth
from cockpit.sources.k8s_convert import to_event


class _Expired(Exception):
    """The server no longer has the history we asked for: re-list."""


class EventWatcher:
    """``events()`` yields ClusterEvents until ``stop()``; run it in a thread."""

    def __init__(self, cfg: KubernetesConfig, api: Any = None, watch_timeout_s: int = 300,
                 include_existing: bool = True, backoff_base_s: float = 0.5,
                 backoff_max_s: float = 30.0) -> None:
        self.cfg = cfg
        self._api = api
        self._watch_timeout_s = watch_timeout_s
        self._include_existing = include_existing
        self._backoff = k8s_client.Backoff(backoff_base_s, backoff_max_s)
        self._stopped = threading.Event()
        self._response: Any = None
        self._seen: dict[str, int] = {}
        self._rv = ""
        self.reconnects = 0
        self.relists = 0
        self._health = SourceHealth("kubernetes-events", HealthState.DEGRADED,
                                    last_error="not started")

    @property
    def _path(self) -> str:
        return f"/api/v1/namespaces/{self.cfg.namespace}/events"

    def health(self) -> SourceHealth:
        return self._health

    def stop(self) -> None:
        self._stopped.set()
        response = self._response
        if response is not None:
            with contextlib.suppress(Exception):
                response.shutdown()

    def _fresh(self, obj: dict[str, Any]) -> ClusterEvent | None:
        event = to_event(obj)
        if self._seen.get(event.uid, 0) >= event.count:
            return None
        self._seen[event.uid] = event.count
        return event

    def _list(self, first: bool) -> list[ClusterEvent]:
        body = k8s_client.get_json(self._api, self._path, timeout=self.cfg.timeout_s)
        self._rv = body.get("metadata", {}).get("resourceVersion", "")
        fresh = [e for e in (self._fresh(o) for o in body.get("items", [])) if e is not None]
        if first and not self._include_existing:
            return []
        return sorted(fresh, key=lambda e: e.last_seen)

    def _watch(self) -> Iterator[ClusterEvent]:
        query = [("watch", "true"), ("resourceVersion", self._rv),
                 ("allowWatchBookmarks", "true"), ("timeoutSeconds", self._watch_timeout_s)]
        self._response = k8s_client.open_stream(
            self._api, self._path, query,
            timeout=(self.cfg.timeout_s, self._watch_timeout_s + self.cfg.timeout_s))
        self._ok()  # the stream is open again: healthy now, not at its first event
        try:
            buffer = b""
            for chunk in self._response.stream(4096, decode_content=True):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        yield from self._handle(json.loads(line))
        finally:
            self._response.release_conn()
            self._response = None

    def _handle(self, frame: dict[str, Any]) -> Iterator[ClusterEvent]:
        obj = frame.get("object") or {}
        if frame.get("type") == "ERROR":
            if obj.get("code") == 410:
                raise _Expired(obj.get("message", ""))
            raise ApiException(status=obj.get("code"), reason=obj.get("message"))
        rv = obj.get("metadata", {}).get("resourceVersion")
        if rv:
            self._rv = rv
        if frame.get("type") in ("ADDED", "MODIFIED"):
            event = self._fresh(obj)
            if event is not None:
                yield event

    def _ok(self) -> None:
        self._backoff.reset()
        self._health = SourceHealth("kubernetes-events", HealthState.OK,
                                    k8s_client.server_address(self._api))

    def events(self) -> Iterator[ClusterEvent]:
        need_list, first = True, True
        while not self._stopped.is_set():
            try:
                if self._api is None:
                    self._api = k8s_client.make_api_client(self.cfg)
                if need_list:
                    yield from self._list(first)
                    need_list, first = False, False
                    self._ok()
                yield from self._watch()
                self._ok()
                self.reconnects += 1
            except _Expired:
                need_list = True
                self.relists += 1
            except ApiException as exc:
                need_list = need_list or exc.status == 410
                self.relists += exc.status == 410
                self._failed(exc)
            except Exception as exc:  # dropped streams, refused connections: retry
                if self._stopped.is_set():
                    return
                self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        address = k8s_client.server_address(self._api) if self._api else ""
        reason, unreachable = k8s_client.describe_error(exc, address, self.cfg.timeout_s)
        self._health = SourceHealth("kubernetes-events",
                                    HealthState.DOWN if unreachable else HealthState.DEGRADED,
                                    address, reason)
        self.reconnects += 1
        self._stopped.wait(self._backoff.next_delay())
