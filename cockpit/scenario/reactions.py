"""How actions bend the incident: one weight curve, 1 = incident as written, 0 = baseline.

A matching reaction with ``recover_within`` ramps the weight to 0 over that time; with
``relapse_after`` it ramps back to 1 later. Each signal is then baseline + weight ×
(incident − baseline), except ``external`` ones (traffic), which no action changes.
"""

from __future__ import annotations

from cockpit.scenario.cluster import Action
from cockpit.scenario.curves import Curve, combine
from cockpit.scenario.model import Reaction, Scenario, Signal


def matching_reaction(scenario: Scenario, action: Action) -> Reaction | None:
    for reaction in scenario.reactions:
        if reaction.action != action.kind or reaction.deployment != action.deployment:
            continue
        if reaction.to_revision is not None and reaction.to_revision != action.to_revision:
            continue
        if reaction.min_replicas is not None and (action.replicas or 0) < reaction.min_replicas:
            continue
        return reaction
    return None


def incident_weight(scenario: Scenario, actions: list[Action]) -> Curve:
    """The weight curve after all matching reactions, in action order."""
    points: list[tuple[float, float]] = [(0.0, 1.0)]
    for action in sorted(actions, key=lambda a: a.offset):
        reaction = matching_reaction(scenario, action)
        if reaction is None or reaction.recover_within is None:
            continue
        within = max(reaction.recover_within, 1.0)
        t = action.offset
        current = Curve(points)
        points = [p for p in points if p[0] <= t]
        points += [(t, current.value(t)), (t + within, 0.0)]
        if reaction.relapse_after is not None:
            back = t + reaction.relapse_after
            points += [(back, 0.0), (back + within, 1.0)]
    return Curve(sorted(points, key=lambda p: p[0]))


def incident_curve(signal: Signal) -> Curve:
    """The signal as the file writes it, ignoring actions."""
    if not signal.keyframes:
        return Curve.constant(signal.baseline)
    first = signal.keyframes[0][0]
    return Curve([(first, signal.baseline), *signal.keyframes]) if signal.keyframes[0][1] != \
        signal.baseline else Curve(list(signal.keyframes))


def effective_curve(signal: Signal, weight: Curve) -> Curve:
    """The signal after actions: blended toward its baseline by ``weight``."""
    incident = incident_curve(signal)
    if signal.external or not signal.keyframes:
        return incident
    base = signal.baseline
    return combine([incident, weight], lambda v, w: base + w * (v - base))
