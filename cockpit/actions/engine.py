"""The remediation step machine: preview + server dry run, confirm, execute, watch,
verify; every step journalled with the same action id, title and kubectl equivalent.

The CLI and the UI both drive this class, so an action taken from either reads
the same in the timeline and the post-mortem. It blocks (the UI calls it from a
thread worker) and never raises for cluster trouble: every outcome is a Result.
"""

from __future__ import annotations

import enum
import shlex
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kubernetes.client.exceptions import ApiException

from cockpit.actions import kube_ops, rollout, runbook
from cockpit.actions.plans import DEPLOYMENT_KINDS, ROLLOUT_KINDS, ActionKind, Plan, Refusal
from cockpit.actions.preview import Preview, preview_deployment, spec_unchanged, what_changed
from cockpit.actions.verify import Query, Verification, read_value, verify
from cockpit.config.schema import ActionsConfig, PanelConfig
from cockpit.incident.model import AUTO_ACTOR, Event, EventKind, utcnow
from cockpit.sources import k8s_client

READ_ONLY = "read-only mode (actions.read_only or --read-only): execution is disabled; " \
            "preview and dry run only"
Progress = Callable[[str], None]


class Outcome(enum.StrEnum):
    DONE = "done"
    FAILED = "failed"
    DECLINED = "declined"
    REFUSED = "refused"  # by the server's dry run, read-only mode, or safety
    CONFLICT = "conflict"  # the object changed since the preview


@dataclass(frozen=True)
class Prepared:
    """A preview and its dry run: what the engineer is asked about."""

    preview: Preview
    dry_run_ok: bool
    dry_run: str  # the server's answer in one line
    blocked: str = ""  # why it cannot be executed even so (read-only)
    baseline: float | None = None
    argv: tuple[str, ...] = ()

    @property
    def plan(self) -> Plan:
        return self.preview.plan

    @property
    def executable(self) -> bool:
        return self.dry_run_ok and not self.blocked

    def lines(self) -> list[str]:
        mark = "accepted" if self.dry_run_ok else "REFUSED"
        out = [*self.preview.lines(), f"Server dry run: {mark}: {self.dry_run}"]
        if self.blocked:
            out.append(f"Blocked: {self.blocked}")
        return out


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    message: str
    prepared: Prepared | None = None  # a conflict's fresh preview
    verification: Verification | None = None
    undo: Plan | None = None
    suggest_status: str = ""
    output: str = ""  # runbook output


def _noop(_line: str) -> None:
    pass


class ActionEngine:
    def __init__(self, api: Any, cfg: ActionsConfig, *, actor: str,
                 record: Callable[[Event], object] | None = None, read_only: bool = False,
                 metrics: Query | None = None, panel: PanelConfig | None = None,
                 request_timeout_s: float = 10.0, poll_s: float = 0.5,
                 verify_poll_s: float = 2.0, clock: Callable[[], datetime] = utcnow) -> None:
        self.api, self.cfg, self.actor = api, cfg, actor
        self._record = record
        self.read_only = read_only or cfg.read_only
        self.metrics, self.panel = metrics, panel
        self.timeout, self.poll_s, self.verify_poll_s = request_timeout_s, poll_s, verify_poll_s
        self.clock = clock
        self.stop = threading.Event()

    # -- journal --------------------------------------------------------------

    def _journal(self, kind: EventKind, prepared: Prepared, text: str, detail: str,
                 actor: str | None = None, **extra: Any) -> None:
        if self._record is None:
            return
        plan = prepared.plan
        data = {"action_id": plan.action_id, "title": plan.title,
                "command": prepared.preview.kubectl, "detail": detail, "kind": plan.kind.value,
                "target": plan.target, "namespace": plan.namespace, **extra}
        self._record(Event(self.clock(), kind, actor or self.actor, text, data))

    # -- 1+2: preview and server dry run ------------------------------------------

    def prepare(self, plan: Plan) -> Prepared | Refusal:
        """Preview and dry run; journals action_previewed (and a refusal as failed)."""
        try:
            prepared = self._preview(plan)
        except (kube_ops.PlanError, runbook.RunbookError) as exc:
            return Refusal(str(exc))
        except ApiException as exc:
            if exc.status == 404:
                return Refusal(f"{plan.target} not found in namespace {plan.namespace}")
            return Refusal(k8s_client.describe_error(exc, "the API server", self.timeout)[0])
        except Exception as exc:  # connection trouble: one line, never a traceback
            return Refusal(k8s_client.describe_error(exc, "the API server", self.timeout)[0])
        if self.read_only:
            prepared = Prepared(prepared.preview, prepared.dry_run_ok, prepared.dry_run,
                                READ_ONLY, prepared.baseline, prepared.argv)
        before, after = prepared.preview.before, prepared.preview.after
        detail = "; ".join([f"from {before.describe()}" if before else "",
                            f"to {after.describe()}" if after else "",
                            f"dry run {'accepted' if prepared.dry_run_ok else 'refused'}"])
        self._journal(EventKind.ACTION_PREVIEWED, prepared, f"Previewed: {prepared.plan.title}",
                      detail.strip("; "), dry_run=prepared.dry_run,
                      read_only=self.read_only, resource_version=prepared.preview
                      .resource_version)
        if not prepared.dry_run_ok:
            self._journal(EventKind.ACTION_FAILED, prepared,
                          f"Refused by the server dry run: {prepared.plan.title}",
                          f"refused by the server dry run: {prepared.dry_run}", refused=True)
        return prepared

    def _preview(self, plan: Plan) -> Prepared:
        now = self.clock()
        if plan.kind is ActionKind.RUNBOOK:
            argv = runbook.render(runbook.find(self.cfg.runbook, plan.name), plan.params)
            preview = Preview(plan, None, None, None, "", 0, (), shlex.join(argv), {}, now)
            return Prepared(preview, True, "no server dry run for runbook actions (the "
                            "command runs locally)", argv=argv)
        if plan.kind is ActionKind.SCALE and (plan.replicas or 0) > self.cfg.max_replicas:
            raise kube_ops.PlanError(f"{plan.replicas} replicas is above actions.max_replicas "
                                     f"({self.cfg.max_replicas})")
        if plan.kind in DEPLOYMENT_KINDS:
            preview = preview_deployment(self.api, plan, self.timeout, now)
        else:
            node = k8s_client.get_json(self.api, f"/api/v1/nodes/{plan.name}",
                                       timeout=self.timeout)
            preview = Preview(plan, kube_ops.node_change(plan.name, node), None, None, "", 0,
                              (), plan.kubectl(), node, now)
        assert preview.change is not None
        try:
            answer = kube_ops.send_patch(self.api, preview.change, True, self.timeout)
            ok, said = True, f"the server accepted the change ({_summary(answer)})"
        except ApiException as exc:
            ok, said = False, k8s_client.describe_error(exc, "the API server", self.timeout)[0]
        baseline = None
        if self.metrics is not None and self.panel is not None:
            baseline, _ = read_value(self.metrics, self.panel)
        return Prepared(preview, ok, said, baseline=baseline)

    # -- 3: confirm ------------------------------------------------------------

    def confirm(self, prepared: Prepared, answer: str, via: str = "prompt") -> bool:
        """``y`` confirms; anything else declines. Both are journalled."""
        yes = answer.strip().lower() in ("y", "yes")
        kind = EventKind.ACTION_CONFIRMED if yes else EventKind.ACTION_DECLINED
        verb = "Confirmed" if yes else "Declined"
        self._journal(kind, prepared, f"{verb}: {prepared.plan.title}",
                      f"{verb.lower()} by {self.actor} ({via})", via=via)
        return yes

    # -- 4-6: execute, watch, verify ---------------------------------------------

    def carry_out(self, prepared: Prepared, progress: Progress = _noop) -> Result:
        """Execute a confirmed action, watch its rollout, verify against the metrics."""
        if not prepared.executable:
            return Result(Outcome.REFUSED, prepared.blocked or prepared.dry_run)
        if prepared.plan.kind is ActionKind.RUNBOOK:
            return self._run_runbook(prepared, progress)
        applied = self._execute(prepared, progress)
        if applied is not None:
            return applied
        plan = prepared.plan
        if plan.kind not in ROLLOUT_KINDS:
            return Result(Outcome.DONE, f"{plan.title}: applied")
        watched = rollout.watch(self.api, plan.namespace, plan.name, self.cfg.rollout_timeout_s,
                                request_timeout=self.timeout, poll_s=self.poll_s,
                                progress=progress, stop=self.stop)
        undo = undo_plan(prepared)
        if not watched.ok:
            self._journal(EventKind.ACTION_FAILED, prepared, f"Failed: {plan.title}",
                          watched.detail, rollout=watched.status)
            return Result(Outcome.FAILED, watched.detail, undo=undo)
        self._journal(EventKind.NOTE, prepared, f"Rollout of {plan.name} complete "
                      f"({plan.title})", watched.detail, actor=AUTO_ACTOR)
        progress(watched.detail)
        if self.metrics is None or self.panel is None:
            return Result(Outcome.DONE, f"{watched.detail}; not verified (no Prometheus "
                          f"panel with a threshold configured)")
        checked = verify(self.metrics, self.panel, self.cfg.verify_window_s, prepared.baseline,
                         poll_s=self.verify_poll_s, progress=progress, stop=self.stop)
        figures: dict[str, Any] = {
            "panel": checked.panel, "before": checked.before, "after": checked.after,
            "threshold": checked.threshold, "elapsed_s": round(checked.elapsed_s, 1)}
        if checked.ok:
            self._journal(EventKind.ACTION_VERIFIED, prepared, f"Verified: {plan.title}",
                          checked.detail, suggested_status="mitigated", **figures)
            return Result(Outcome.DONE, checked.detail, verification=checked,
                          suggest_status="mitigated")
        self._journal(EventKind.ACTION_FAILED, prepared, f"Not verified: {plan.title}",
                      checked.detail, verification="failed", **figures)
        return Result(Outcome.FAILED, checked.detail, verification=checked, undo=undo)

    def _execute(self, prepared: Prepared, progress: Progress) -> Result | None:
        """Send the validated patch; None when applied, else the failure or conflict."""
        plan, change = prepared.plan, prepared.preview.change
        assert change is not None
        try:
            if plan.kind in DEPLOYMENT_KINDS:
                current = kube_ops.get_deployment(self.api, plan.namespace, plan.name,
                                                  self.timeout)
                if not spec_unchanged(prepared.preview.deployment, current):
                    return self._conflict(prepared, what_changed(prepared.preview.deployment,
                                                                 current))
                change = change.with_resource_version(current["metadata"]["resourceVersion"])
            answer = kube_ops.send_patch(self.api, change, False, self.timeout)
        except ApiException as exc:
            if exc.status == 409 and plan.kind in DEPLOYMENT_KINDS:
                current = kube_ops.get_deployment(self.api, plan.namespace, plan.name,
                                                  self.timeout)
                return self._conflict(prepared, what_changed(prepared.preview.deployment,
                                                             current))
            return self._failed(prepared, k8s_client.describe_error(
                exc, "the API server", self.timeout)[0])
        except Exception as exc:
            return self._failed(prepared, k8s_client.describe_error(
                exc, "the API server", self.timeout)[0])
        detail = f"applied through the Kubernetes API ({_summary(answer)})"
        self._journal(EventKind.ACTION_EXECUTED, prepared, f"Executed: {plan.title}", detail)
        progress(detail)
        return None

    def _conflict(self, prepared: Prepared, changes: list[str]) -> Result:
        what = ", ".join(changes)
        message = (f"409 Conflict: {prepared.plan.target} changed since the preview ({what}); "
                   f"nothing was applied; review the new preview")
        self._journal(EventKind.ACTION_FAILED, prepared, f"Stopped: {prepared.plan.title}",
                      message, conflict=True)
        fresh = self.prepare(prepared.plan)
        if isinstance(fresh, Refusal):
            return Result(Outcome.CONFLICT, f"{message}; re-preview failed: {fresh.reason}")
        return Result(Outcome.CONFLICT, message, prepared=fresh)

    def _failed(self, prepared: Prepared, reason: str) -> Result:
        self._journal(EventKind.ACTION_FAILED, prepared, f"Failed: {prepared.plan.title}",
                      reason)
        return Result(Outcome.FAILED, reason)

    def _run_runbook(self, prepared: Prepared, progress: Progress) -> Result:
        progress(f"running {prepared.preview.kubectl}")
        done = runbook.run(prepared.argv, self.cfg.rollout_timeout_s)
        detail = f"exit {done.returncode}: {done.output.strip()[-500:]}"
        kind = EventKind.ACTION_EXECUTED if done.ok else EventKind.ACTION_FAILED
        self._journal(kind, prepared, f"{'Executed' if done.ok else 'Failed'}: "
                      f"{prepared.plan.title}", detail, output=done.output,
                      returncode=done.returncode)
        return Result(Outcome.DONE if done.ok else Outcome.FAILED, detail, output=done.output)


def undo_plan(prepared: Prepared) -> Plan | None:
    """What puts things back as they were before this action (None: nothing can)."""
    plan, before = prepared.plan, prepared.preview.before
    if before is None:
        return None
    if plan.kind is ActionKind.ROLLBACK:
        return Plan(ActionKind.ROLLBACK, plan.name, plan.namespace, None,
                    reason=f"undo: back to the template of revision {before.revision}",
                    context=plan.context)
    if plan.kind is ActionKind.SCALE:
        return Plan(ActionKind.SCALE, plan.name, plan.namespace, replicas=before.replicas,
                    reason="undo: back to the previous replica count", context=plan.context)
    if plan.kind is ActionKind.PAUSE:
        return Plan(ActionKind.RESUME, plan.name, plan.namespace, context=plan.context)
    return None


def _summary(obj: kube_ops.JsonObj) -> str:
    meta = obj.get("metadata", {})
    if obj.get("kind") == "Scale":
        return f"scale to {obj.get('spec', {}).get('replicas')} replicas"
    parts = [f"{str(obj.get('kind', 'object')).lower()}/{meta.get('name', '?')}"]
    if "generation" in meta:
        parts.append(f"generation {meta['generation']}")
    return ", ".join(parts)
