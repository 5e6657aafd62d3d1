"""Watching a rollout the way ``kubectl rollout status`` does: to completion,
failure (ProgressDeadlineExceeded) or the configured timeout, with progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cockpit.actions import kube_ops
from cockpit.sources import k8s_client
from cockpit.sources.k8s_convert import rollout_status


@dataclass(frozen=True)
class RolloutResult:
    ok: bool
    status: str  # complete | failed | timeout | paused | error
    detail: str
    elapsed_s: float


def progress_line(dep: kube_ops.JsonObj) -> str:
    spec, status = dep.get("spec", {}), dep.get("status", {})
    want = spec.get("replicas", 1)
    return (f"revision {kube_ops.revision_of(dep)}: {status.get('updatedReplicas', 0)}/{want} "
            f"updated, {status.get('availableReplicas', 0)} available, "
            f"{status.get('replicas', 0)} total")


def watch(api: Any, namespace: str, name: str, timeout_s: float, *, request_timeout: float,
          poll_s: float = 0.5, progress: Callable[[str], None] | None = None,
          stop: threading.Event | None = None,
          monotonic: Callable[[], float] = time.monotonic) -> RolloutResult:
    stop = stop or threading.Event()
    started = monotonic()
    last_line = ""
    errors = 0
    while True:
        elapsed = monotonic() - started
        try:
            dep = kube_ops.get_deployment(api, namespace, name, request_timeout)
            errors = 0
        except Exception as exc:  # keep watching through a blip; give up after a few
            errors += 1
            reason, _ = k8s_client.describe_error(exc, "the API server", request_timeout)
            if errors >= 5:
                return RolloutResult(False, "error", f"lost the rollout: {reason}", elapsed)
            dep = None
        if dep is not None:
            state = rollout_status(dep)
            line = progress_line(dep)
            if progress is not None and line != last_line:
                progress(line)
            last_line = line
            if state == "complete":
                return RolloutResult(True, state, f"rollout complete in {elapsed:.0f}s: {line}",
                                     elapsed)
            if state == "failed":
                return RolloutResult(False, state, "rollout failed (ProgressDeadlineExceeded): "
                                     f"{line}", elapsed)
            if state == "paused":
                return RolloutResult(True, state, f"rollout paused: {line}", elapsed)
        if elapsed >= timeout_s:
            return RolloutResult(False, "timeout", f"rollout not complete after "
                                 f"{timeout_s:g}s: {last_line or 'no status read'}", elapsed)
        if stop.wait(min(poll_s, max(0.01, timeout_s - elapsed))):
            return RolloutResult(False, "timeout", f"watch stopped: {last_line}",
                                 monotonic() - started)
