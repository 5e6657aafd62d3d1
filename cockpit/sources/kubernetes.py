"""Cluster state through the official Kubernetes client: deployments with their
ReplicaSet history, pods and Warning events, as immutable DTOs.

Blocking by design (the UI runs it in a thread worker). Server trouble never
raises: the last good snapshot is kept, :meth:`KubernetesSource.health` says what
failed and where, and retries back off with jitter.

What is read is capped, so a huge namespace cannot stall or bloat the cockpit:
at most MAX_PODS pods (asked of the server with ``limit``, cut again here if it
ignores that), the newest MAX_REVISIONS revisions per deployment, the newest
MAX_EVENTS warnings, and no single answer over k8s_client.MAX_BODY_BYTES. A cap
that bites is never silent: the snapshot's ``notes`` say what was left out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cockpit.config.schema import KubernetesConfig
from cockpit.sources import k8s_client
from cockpit.sources.base import ClusterSnapshot, HealthState, Revision, SourceHealth
from cockpit.sources.k8s_convert import revisions_of, to_deployment, to_event, to_pod

MAX_EVENTS = 100
MAX_PODS = 1000
MAX_REVISIONS = 100  # per deployment, newest kept: rollback targets are the recent ones
SOURCE = "kubernetes"


def _now() -> datetime:
    return datetime.now(UTC)


def capped_pods(body: dict[str, Any]) -> tuple[list[Any], str]:
    """The pods to show from a list answer asked with ``limit``, and a note when capped.

    A server honouring ``limit`` says there is more with ``metadata.continue`` (and
    usually ``remainingItemCount``); one that ignores it sends everything.
    """
    items: list[Any] = body.get("items", [])
    meta = body.get("metadata") or {}
    if len(items) > MAX_PODS:
        return items[:MAX_PODS], f"showing {MAX_PODS} of {len(items)} pods (capped)"
    if not meta.get("continue"):
        return items, ""
    remaining = meta.get("remainingItemCount")
    if isinstance(remaining, int) and remaining > 0:
        return items, f"showing {len(items)} of {len(items) + remaining} pods (capped)"
    return items, f"showing the first {len(items)} pods; the namespace has more (capped)"


def new_revisions(previous: ClusterSnapshot | None, current: ClusterSnapshot) -> list[Revision]:
    """Revisions that appeared since ``previous``; none on the first snapshot.

    A rollback shows up too: the old ReplicaSet comes back under a new number.
    A deployment first seen now counts only if ``previous`` knew any deployment
    (so an empty snapshot from a failed start does not flood the timeline).
    """
    if previous is None:
        return []
    fresh: list[Revision] = []
    for name, revisions in current.revisions.items():
        known = previous.revisions.get(name)
        if known is None:
            if previous.deployments and revisions:
                fresh.append(revisions[-1])
            continue
        newest = max((r.revision for r in known), default=0)
        fresh.extend(r for r in revisions if r.revision > newest)
    return fresh


class KubernetesSource:
    """``snapshot()`` and ``health()`` for one namespace of one context."""

    def __init__(self, cfg: KubernetesConfig, backoff_base_s: float = 0.5,
                 backoff_max_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cfg = cfg
        self.namespace = cfg.namespace
        self._clock = clock
        self._lock = threading.Lock()
        self._api: Any = None
        self._address = ""
        self._backoff = k8s_client.Backoff(backoff_base_s, backoff_max_s)
        self._retry_at = 0.0
        self._last: ClusterSnapshot | None = None
        self._health = SourceHealth(SOURCE, HealthState.DEGRADED, last_error="not polled yet")

    # --- setup -----------------------------------------------------------------
    def _client(self) -> Any:
        if self._api is None:
            self._api = k8s_client.make_api_client(self.cfg)
            self._address = k8s_client.server_address(self._api)
        return self._api

    def contexts(self) -> tuple[list[str], str]:
        return k8s_client.list_contexts(self.cfg)

    def namespaces(self) -> list[str]:
        """Namespace names, or [] when listing them is not allowed (common in RBAC)."""
        try:
            body = k8s_client.get_json(self._client(), "/api/v1/namespaces",
                                       timeout=self.cfg.timeout_s)
        except Exception as exc:  # server trouble is reported, never raised
            self._record_failure(exc)
            return []
        return [item["metadata"]["name"] for item in body.get("items", [])]

    # --- polling ---------------------------------------------------------------
    @property
    def retry_in_s(self) -> float:
        """Seconds until the next request is attempted (0 when not backing off)."""
        return max(0.0, self._retry_at - self._clock())

    def _get(self, path: str, query: list[tuple[str, Any]] | None = None) -> dict[str, Any]:
        return k8s_client.get_json(self._client(), path, query, timeout=self.cfg.timeout_s)

    def _list(self, path: str, query: list[tuple[str, Any]] | None = None) -> list[Any]:
        items: list[Any] = self._get(path, query).get("items", [])
        return items

    def snapshot(self) -> ClusterSnapshot:
        """The namespace's state now; the last good one (stale) when the server fails."""
        with self._lock:
            if self._clock() < self._retry_at:
                return self._fallback()
            ns = self.namespace
            try:
                self._client()
                deployments = self._list(f"/apis/apps/v1/namespaces/{ns}/deployments")
                replicasets = self._list(f"/apis/apps/v1/namespaces/{ns}/replicasets")
                pods, pods_note = capped_pods(self._get(f"/api/v1/namespaces/{ns}/pods", [
                    *([("labelSelector", self.cfg.selector)] if self.cfg.selector else []),
                    ("limit", MAX_PODS)]))
            except k8s_client.KubeSetupError as exc:
                self._health = SourceHealth(SOURCE, HealthState.DOWN, self._address, str(exc),
                                            self._health.last_ok, _now())
                return self._fallback()
            except Exception as exc:  # server trouble is reported, never raised
                self._record_failure(exc)
                return self._fallback()
            partial = ""
            try:
                events = self._list(f"/api/v1/namespaces/{ns}/events",
                                    [("fieldSelector", "type=Warning")])
            except Exception as exc:  # events are optional: degrade, keep the rest
                partial, _ = k8s_client.describe_error(exc, self._address, self.cfg.timeout_s)
                events = []
            snap = self._build(deployments, replicasets, pods, events, pods_note)
            self._last = snap
            self._backoff.reset()
            self._retry_at = 0.0
            now = _now()
            state = HealthState.DEGRADED if partial else HealthState.OK
            self._health = SourceHealth(SOURCE, state, self._address, partial, now, now)
            return snap

    def _build(self, deployments: list[Any], replicasets: list[Any], pods: list[Any],
               events: list[Any], pods_note: str = "") -> ClusterSnapshot:
        notes = [pods_note] if pods_note else []
        revisions: dict[str, tuple[Revision, ...]] = {}
        for dep in deployments:
            name = dep["metadata"]["name"]
            history = revisions_of(dep, replicasets)
            if len(history) > MAX_REVISIONS:
                notes.append(f"showing the newest {MAX_REVISIONS} of {len(history)} "
                             f"revisions of {name} (capped)")
            revisions[name] = tuple(history[-MAX_REVISIONS:])
        warnings = sorted((to_event(e) for e in events if e.get("type") == "Warning"),
                          key=lambda e: e.last_seen)
        if len(warnings) > MAX_EVENTS:
            notes.append(f"showing the newest {MAX_EVENTS} of {len(warnings)} warning "
                         f"events (capped)")
        return ClusterSnapshot(
            namespace=self.namespace,
            deployments=tuple(to_deployment(d) for d in deployments),
            revisions=revisions,
            pods=tuple(to_pod(p) for p in pods),
            events=tuple(warnings[-MAX_EVENTS:]),
            fetched_at=_now(),
            notes=tuple(notes),
        )

    def _fallback(self) -> ClusterSnapshot:
        if self._last is not None:
            return self._last
        return ClusterSnapshot(self.namespace, (), {}, (), (), _now())

    def _record_failure(self, exc: BaseException) -> None:
        reason, unreachable = k8s_client.describe_error(exc, self._address or "the API server",
                                                        self.cfg.timeout_s)
        self._retry_at = self._clock() + self._backoff.next_delay()
        state = HealthState.DOWN if unreachable else HealthState.DEGRADED
        self._health = SourceHealth(SOURCE, state, self._address, reason,
                                    self._health.last_ok, _now())

    def health(self) -> SourceHealth:
        return self._health

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None
