"""Scenario files and the deterministic world behind ``cockpit demo``'s simulator."""

from cockpit.scenario.loader import ScenarioError, builtin_names, load_scenario, scenario_path
from cockpit.scenario.model import AlertRule, Scenario, Truth
from cockpit.scenario.states import DeploymentState, EventState, PodState, RevisionState
from cockpit.scenario.world import ScenarioWorld

__all__ = [
    "AlertRule", "DeploymentState", "EventState", "PodState", "RevisionState", "Scenario",
    "ScenarioError", "ScenarioWorld", "Truth", "builtin_names", "load_scenario",
    "scenario_path",
]
