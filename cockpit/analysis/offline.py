"""The offline analyzer: ranked root-cause hypotheses from metrics, cluster, alerts and logs.

No network, no model: it runs on what the screen already holds (or what ``cockpit
analyze`` collected) in well under a second, so it answers even when the LLM is not
configured or the laptop is offline. Confidence is a logistic function of the evidence
score, calibrated on the builtin scenarios (see :mod:`cockpit.analysis.calibration`);
when the best candidate is weak the first answer is ``unknown``, never an invention.
"""

from __future__ import annotations

import hashlib
import math

from cockpit.analysis.evidence import (
    AnalysisInputs,
    Onset,
    clock,
    describe_change,
    find_onset,
    log_findings,
)
from cockpit.analysis.rules import Candidate, all_rules
from cockpit.incident.model import Hypothesis

SLOPE = 2.2  # logistic slope over the evidence score
MIDPOINT = 1.3  # the score that means "as likely as not"
CEILING = 0.97  # the analyzer is never certain
UNKNOWN_BELOW = 0.45  # below this, the first answer is "unknown"
CAUSES = ("bad-deploy", "config-change", "resource-limit", "dependency-outage", "capacity",
          "node-failure", "unknown")
REMEDIES = ("rollback", "restart", "scale", "none", "escalate")


def confidence(score: float) -> float:
    value = 1.0 / (1.0 + math.exp(-SLOPE * (score - MIDPOINT)))
    return round(min(CEILING, max(0.01, value)), 3)


def hypothesis_id(cause: str, culprit: str) -> str:
    """Stable across runs: the same cause and culprit are the same hypothesis."""
    return "h-" + hashlib.sha1(f"{cause}|{culprit}".encode()).hexdigest()[:10]


def _to_hypothesis(c: Candidate) -> Hypothesis:
    return Hypothesis(hypothesis_id(c.cause, c.culprit), c.cause, c.culprit,
                      confidence(c.score), tuple(c.evidence), c.remedy, "offline", c.summary)


def _unknown(inputs: AnalysisInputs, onset: Onset, best: float) -> Hypothesis:
    seen: list[str] = []
    if onset.symptom is not None:
        seen.append(describe_change(onset.symptom))
    elif onset.at is not None:
        seen.append(f"alerts firing since {clock(onset.at)}, no metric change point found")
    else:
        seen.append("no metric change point and no firing alert in the window")
    seen.extend(describe_change(c) for c in onset.changes if c is not onset.symptom)
    findings = log_findings(inputs.patterns, onset.at, [inputs.service])
    seen.append(f"{len(findings)} new or surging warn/error log templates"
                if inputs.patterns is not None else "no log patterns available")
    if inputs.snapshot is None:
        seen.append("no cluster snapshot available")
    seen.append("not enough evidence to name a cause; keep watching, add notes")
    return Hypothesis(hypothesis_id("unknown", inputs.service), "unknown", "",
                      round(max(0.05, 1.0 - best) * 0.6, 3), tuple(seen[:8]), "none",
                      "offline", "evidence too thin for a cause")


def analyze(inputs: AnalysisInputs, limit: int = 5) -> list[Hypothesis]:
    """Hypotheses, most likely first (``unknown`` first when nothing stands out)."""
    onset = find_onset(inputs)
    merged: dict[str, Candidate] = {}
    for cand in all_rules(inputs, onset):
        key = f"{cand.cause}|{cand.culprit}"
        old = merged.get(key)
        if old is None or cand.score > old.score:
            merged[key] = cand
    ranked = sorted((_to_hypothesis(c) for c in merged.values() if c.score > 0),
                    key=lambda h: (-h.confidence, h.cause, h.culprit))
    best = ranked[0].confidence if ranked else 0.0
    if best < UNKNOWN_BELOW:
        ranked.insert(0, _unknown(inputs, onset, best))
    return ranked[:limit]
