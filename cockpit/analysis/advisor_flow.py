"""One question to the LLM advisor: redact, record the exact payload, stream, parse, guard.

The model is a second opinion, never an operator. What goes out is redacted and written
to the incident folder (``llm-request-<n>.json``, mode 0600) so the engineer can see
exactly what left the machine. What comes back is untrusted: placeholders are mapped back
for display, hypotheses are clamped to the known causes and remedies, and a suggested
command becomes runnable only if :func:`cockpit.actions.safety.map_suggestion` maps it to
a catalogue action; anything else is shown as text and never executed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cockpit.actions.catalogue import Catalogue
from cockpit.actions.plans import Plan, Refusal
from cockpit.actions.safety import map_suggestion
from cockpit.analysis.evidence import AnalysisInputs
from cockpit.analysis.llm_context import RESPONSE_SCHEMA, LLMRequest, build_request
from cockpit.analysis.offline import CAUSES, REMEDIES, hypothesis_id
from cockpit.analysis.redaction import Redactor
from cockpit.config.schema import LLMConfig
from cockpit.incident.model import Event, Hypothesis
from cockpit.sources.llm import LLMAdvisor, LLMError

MAX_HYPOTHESES = 3


@dataclass
class AdvisorAnswer:
    text: str = ""  # the answer as displayed (placeholders mapped back)
    hypotheses: list[Hypothesis] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    actions: list[tuple[str, Plan | Refusal]] = field(default_factory=list)
    request_file: Path | None = None
    error: str = ""

    @property
    def runnable(self) -> list[Plan]:
        return [p for _, p in self.actions if isinstance(p, Plan)]


def schema_hint() -> str:
    schema = RESPONSE_SCHEMA["json_schema"]["schema"]
    return ("Answer with one JSON object only, no prose and no code fence, matching this "
            f"JSON schema: {json.dumps(schema, separators=(',', ':'))}")


def extract_json(text: str) -> dict[str, Any] | None:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(text[start:end + 1])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class AdvisorSession:
    """The advisor for one incident: one redactor (stable placeholders), numbered requests."""

    def __init__(self, cfg: LLMConfig, folder: Path | None,
                 advisor: LLMAdvisor | None = None) -> None:
        self.cfg = cfg
        self.folder = folder
        self.advisor = advisor or LLMAdvisor(cfg)
        self.redactor = Redactor()
        self.requests = 0
        self.last_request_file: Path | None = None

    @property
    def problem(self) -> str:
        """Why the advisor cannot be asked ("" when it can)."""
        return self.advisor.problem

    def prepare(self, inputs: AnalysisInputs, hypotheses: Sequence[Hypothesis],
                timeline: Sequence[Event], title: str = "") -> LLMRequest:
        if self.cfg.redact_names:
            self.redactor.add_names(_names(inputs))
        return build_request(inputs, hypotheses, timeline, self.redactor,
                             budget_tokens=self.cfg.max_context_tokens, title=title)

    def _record(self, body: dict[str, Any]) -> Path | None:
        if self.folder is None:
            return None
        self.requests += 1
        path = self.folder / f"llm-request-{self.requests}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out, indent=2, ensure_ascii=False)
        self.last_request_file = path
        return path

    async def ask(self, request: LLMRequest, catalogue: Catalogue,
                  on_text: Callable[[str], None] | None = None) -> AdvisorAnswer:
        """Stream the answer (``on_text`` gets the displayed text so far), then parse it."""
        if self.problem:
            return AdvisorAnswer(error=self.problem)
        messages = [*request.messages, {"role": "system", "content": schema_hint()}]
        path = self._record({"model": self.cfg.model, "messages": messages, "stream": True})
        raw = ""
        try:
            async for chunk in self.advisor.stream(messages):
                raw += chunk
                if on_text is not None:
                    on_text(self.redactor.restore(raw))
        except LLMError as exc:
            return AdvisorAnswer(self.redactor.restore(raw), request_file=path, error=str(exc))
        answer = self.parse(raw, catalogue)
        answer.request_file = path
        return answer

    def parse(self, raw: str, catalogue: Catalogue) -> AdvisorAnswer:
        restore = self.redactor.restore
        answer = AdvisorAnswer(text=restore(raw))
        data = extract_json(raw)
        if data is None:
            answer.error = "the advisor did not answer in the requested JSON format; shown as text"
            return answer
        items = data.get("hypotheses")
        for item in (items if isinstance(items, list) else [])[:MAX_HYPOTHESES]:
            if not isinstance(item, dict):
                continue
            cause = str(item.get("cause", "unknown"))
            cause = cause if cause in CAUSES else "unknown"
            culprit = restore(str(item.get("culprit", "")))[:200]
            remedy = str(item.get("remedy", "none"))
            try:
                conf = min(1.0, max(0.0, float(item.get("confidence", 0.0))))
            except (TypeError, ValueError):
                conf = 0.0
            evidence = item.get("evidence")
            facts = tuple(restore(str(e))[:300] for e in
                          (evidence if isinstance(evidence, list) else [])[:8])
            answer.hypotheses.append(Hypothesis(
                hypothesis_id(f"llm:{cause}", culprit), cause, culprit, conf, facts,
                remedy if remedy in REMEDIES else "none", "llm", "suggested by the LLM advisor"))
            action = restore(str(item.get("action") or "")).strip()
            if action:
                answer.actions.append((action[:300], map_suggestion(action, catalogue)))
        questions = data.get("questions")
        answer.questions = [restore(str(q))[:300] for q in
                            (questions if isinstance(questions, list) else [])[:6]]
        return answer


def _names(inputs: AnalysisInputs) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    snap = inputs.snapshot
    if snap is None:
        return out
    out.append(("NAMESPACE", snap.namespace))
    out += [("POD", p.name) for p in snap.pods]
    out += [("HOST", p.node) for p in snap.pods if p.node]
    return out
