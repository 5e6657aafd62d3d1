"""The deterministic world behind the simulator: metrics, cluster, events, logs, alerts.

The simulator's servers ask it what Prometheus, Kubernetes and the pods would show at an
offset from the scenario's origin. Actions (rollback, restart, scale) rewrite the future:
the cluster replays with them, and the scenario's reactions bend the incident curves.
The same scenario and the same actions always give the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping

from cockpit.scenario import cluster_view
from cockpit.scenario.cluster import Action, ClusterHistory
from cockpit.scenario.logs import LogGenerator
from cockpit.scenario.metrics import MetricCatalogue
from cockpit.scenario.model import ACTIONS, AlertRule, Scenario, Truth
from cockpit.scenario.reactions import incident_weight
from cockpit.scenario.states import DeploymentState, EventState, PodState


class ScenarioWorld:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.scrape_interval = scenario.scrape_interval
        self.truth: Truth = scenario.truth
        self.actions: list[Action] = []
        self._rebuild()

    def _rebuild(self) -> None:
        self.history = ClusterHistory(self.scenario, self.actions)
        self.metrics = MetricCatalogue(self.scenario, self.history,
                                       incident_weight(self.scenario, self.actions))
        self.logs = LogGenerator(self.history, self.metrics)

    # --- metrics ---------------------------------------------------------------

    def series_keys(self) -> list[tuple[str, dict[str, str]]]:
        return [(s.name, dict(s.labels)) for s in self.metrics.series.values()]

    def sample(self, name: str, labels: Mapping[str, str], offset: float) -> float | None:
        return self.metrics.sample((name, frozenset(labels.items())), offset)

    # --- cluster ---------------------------------------------------------------

    def deployments(self, offset: float) -> list[DeploymentState]:
        return cluster_view.deployments(self.history, offset)

    def pods(self, offset: float) -> list[PodState]:
        return cluster_view.pods(self.history, offset)

    def events(self, until: float) -> list[EventState]:
        return cluster_view.events(self.history, until)

    def log_lines(self, pod: str, start: float, end: float) -> list[tuple[float, str]]:
        return self.logs.lines(pod, start, end)

    def alert_rules(self) -> list[AlertRule]:
        return list(self.scenario.alerts)

    # --- actions ---------------------------------------------------------------

    def apply_action(self, action: str, deployment: str, offset: float,
                     **params: object) -> None:
        """Apply a remediation; ValueError (one clear sentence) when it cannot be done."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r} (use one of {', '.join(ACTIONS)})")
        names = [d.name for d in self.scenario.deployments]
        if deployment not in names:
            raise ValueError(f"no deployment {deployment!r} in namespace "
                             f"{self.scenario.namespace} (have: {', '.join(names)})")
        to_revision = replicas = None
        if action == "rollback":
            to_revision = _int_param(params, "to_revision", required=False)
            target = self.history.rollback_target(deployment, offset, to_revision)
            to_revision = target.number_at(offset)
        elif action == "scale":
            replicas = _int_param(params, "replicas", required=True)
            if replicas is None or replicas < 0:
                raise ValueError("scale needs replicas=N with N >= 0")
        unknown = set(params) - {"to_revision", "replicas"}
        if unknown:
            raise ValueError(f"{action} takes no parameter {', '.join(sorted(unknown))}")
        self.actions.append(Action(action, deployment, float(offset), to_revision, replicas))
        self._rebuild()


def _int_param(params: Mapping[str, object], key: str, *, required: bool) -> int | None:
    value = params.get(key)
    if value is None:
        if required:
            raise ValueError(f"missing parameter {key}")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be a whole number, not {value!r}")
    return value
