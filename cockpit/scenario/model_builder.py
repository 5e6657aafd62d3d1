"""Checked scenario data → the :class:`Scenario` model, collecting every meaning error.

Kept apart from finding, reading and schema-checking the file (cockpit.scenario.loader):
this is the part that knows the model field by field (revisions that exist, times inside
the scenario, keyframes in order, unique names), and it is most of the lines.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cockpit.scenario import durations as dur
from cockpit.scenario.model import (
    AlertRule,
    Crash,
    DeploymentSpec,
    EventSpec,
    Fault,
    LogSpec,
    LogStream,
    LogTemplate,
    Reaction,
    Resources,
    RevisionSpec,
    Scenario,
    SeriesSpec,
    ServiceSpec,
    Signal,
    Truth,
    frozen,
)
from cockpit.scenario.yaml_lines import Path_, dotted, line_of

T = TypeVar("T")


class ModelBuilder:
    """Turns checked data into the model, collecting meaning errors as it goes."""

    def __init__(self, data: dict[str, Any], lines: dict[Path_, int], path: Path) -> None:
        self.data, self.lines, self.path = data, lines, path
        self.errors: list[str] = []
        self.origin = datetime(1970, 1, 1, tzinfo=UTC)
        self.duration = 0.0

    def error(self, where: Path_, message: str) -> None:
        self.errors.append(f"{self.path}:{line_of(self.lines, where)}: {dotted(where)}: {message}")

    def convert(self, where: Path_, value: Any, fn: Callable[[Any], T], default: T) -> T:
        try:
            return fn(value)
        except ValueError as exc:
            self.error(where, str(exc))
            return default

    def time(self, where: Path_, value: Any, *, before_ok: bool = False) -> float:
        offset = self.convert(where, value, lambda v: dur.parse_offset(v, self.origin), 0.0)
        if not before_ok and not 0.0 <= offset <= self.duration:
            self.error(where, f"{value!r} is outside the scenario (0 to {self._end()})")
        return offset

    def _end(self) -> str:
        return dur.format_duration(self.duration)

    def build(self) -> Scenario:
        d = self.data
        origin_text = str(d["origin"]).replace(" ", "T").replace("Z", "+00:00")
        origin = self.convert(("origin",), origin_text, datetime.fromisoformat, self.origin)
        self.origin = origin.astimezone(UTC) if origin.tzinfo else origin.replace(tzinfo=UTC)
        self.duration = self.convert(("duration",), d["duration"], dur.parse_duration, 3600.0)
        if self.duration <= 0:
            self.error(("duration",), "must be positive")
        scrape = self.convert(("scrape_interval",), d.get("scrape_interval", "15s"),
                              dur.parse_duration, 15.0)
        if scrape <= 0:
            self.error(("scrape_interval",), "must be positive")
        deployments = tuple(self.deployment(i, x) for i, x in enumerate(d["deployments"]))
        names = [x.name for x in deployments]
        self.unique(("deployments",), names)
        services = tuple(self.service(i, x, names) for i, x in enumerate(d.get("services", [])))
        self.unique(("services",), [s.name for s in services])
        series = tuple(self.series(i, x, names) for i, x in enumerate(d.get("series", [])))
        logs = tuple(self.logs(i, x, names) for i, x in enumerate(d.get("logs", [])))
        alerts = tuple(self.alert(i, x) for i, x in enumerate(d.get("alerts", [])))
        self.unique(("alerts",), [a.name for a in alerts])
        events = tuple(self.event(i, x) for i, x in enumerate(d.get("events", [])))
        reactions = tuple(self.reaction(i, x, deployments)
                          for i, x in enumerate(d.get("reactions", [])))
        faults = tuple(self.fault(i, x) for i, x in enumerate(d.get("faults", [])))
        demo_start = (self.time(("demo_start",), d["demo_start"]) if "demo_start" in d
                      else self.default_demo_start(services, deployments))
        t = d["truth"]
        truth = Truth(t["cause"], t["culprit"], t["remedy"], t.get("summary", ""))
        self.check_culprit(truth, deployments)
        return Scenario(
            name=d["name"], title=d["title"], description=d.get("description", ""),
            namespace=d["namespace"], origin=self.origin, duration=self.duration,
            demo_start=demo_start, seed=int(d.get("seed", 0)), scrape_interval=scrape,
            nodes=tuple(d.get("nodes", ["node-1", "node-2", "node-3"])),
            deployments=deployments, services=services, series=series, logs=logs,
            alerts=alerts, events=events, reactions=reactions, truth=truth, faults=faults,
            path=self.path,
        )

    def unique(self, where: Path_, names: list[str]) -> None:
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                self.error((*where, i, "name"), f"{name!r} is used twice")
            seen.add(name)

    def signal(self, where: Path_, raw: dict[str, Any] | None, default: float = 0.0) -> Signal:
        if raw is None:
            return Signal(baseline=default)
        base = self.convert((*where, "baseline"), raw["baseline"], dur.parse_quantity, 0.0)
        frames: list[tuple[float, float]] = []
        for i, (at, value) in enumerate(raw.get("keyframes", [])):
            kw = (*where, "keyframes", i)
            offset = self.time((*kw, 0), at)
            if frames and offset < frames[-1][0]:
                self.error((*kw, 0), f"{at!r} comes before the keyframe above it")
            frames.append((offset, self.convert((*kw, 1), value, dur.parse_quantity, 0.0)))
        top = raw.get("max")
        maximum = None if top is None else self.convert((*where, "max"), top,
                                                        dur.parse_quantity, 0.0)
        return Signal(base, tuple(frames), float(raw.get("noise", 0.0)),
                      bool(raw.get("external", False)), maximum)

    def deployment(self, i: int, raw: dict[str, Any]) -> DeploymentSpec:
        where: Path_ = ("deployments", i)
        revisions: list[RevisionSpec] = []
        for j, rev in enumerate(raw["revisions"]):
            rw = (*where, "revisions", j)
            at = self.time((*rw, "at"), rev["at"], before_ok=True)
            if at > self.duration:
                self.error((*rw, "at"), f"{rev['at']!r} is after the scenario ends ({self._end()})")
            if revisions and rev["revision"] <= revisions[-1].revision:
                self.error((*rw, "revision"), "revisions must increase down the list")
            if revisions and at < revisions[-1].at:
                self.error((*rw, "at"), "comes before the revision above it")
            revisions.append(RevisionSpec(
                revision=rev["revision"], at=at, image=rev["image"],
                change_cause=rev.get("change_cause", ""), env=frozen(rev.get("env")),
                resources=self.resources((*rw, "resources"), rev.get("resources", {})),
                crash=self.crash((*rw, "crash"), rev.get("crash"))))
        if revisions and revisions[0].at > 0:
            self.error((*where, "revisions", 0, "at"),
                       "the first revision must exist at the start (0 or earlier)")
        name = raw["name"]
        return DeploymentSpec(
            name=name, replicas=raw["replicas"], container=raw.get("container", name),
            selector=frozen(raw.get("selector", {"app": name})), revisions=tuple(revisions),
            cpu=self.signal((*where, "cpu"), raw.get("cpu"), 0.2),
            memory=self.signal((*where, "memory"), raw.get("memory"), 200 * 1024**2))

    def resources(self, where: Path_, raw: dict[str, Any]) -> Resources:
        req, lim = raw.get("requests", {}), raw.get("limits", {})
        q = dur.parse_quantity
        return Resources(
            cpu_request=self.convert((*where, "requests", "cpu"), req.get("cpu", "250m"), q, 0.25),
            cpu_limit=self.convert((*where, "limits", "cpu"), lim.get("cpu", 1), q, 1.0),
            memory_request=self.convert((*where, "requests", "memory"),
                                        req.get("memory", "256Mi"), q, 0.0),
            memory_limit=self.convert((*where, "limits", "memory"), lim.get("memory", "1Gi"),
                                      q, 0.0))

    def crash(self, where: Path_, raw: dict[str, Any] | None) -> Crash | None:
        if raw is None:
            return None
        after = self.convert((*where, "after"), raw["after"], dur.parse_duration, 30.0)
        if after <= 0:
            self.error((*where, "after"), "must be positive")
        code = raw.get("exit_code", 137 if raw["reason"] == "OOMKilled" else 1)
        return Crash(raw["reason"], after, code, tuple(raw.get("log", [])))

    def known(self, where: Path_, name: str, names: list[str]) -> None:
        if name not in names:
            self.error(where, f"no deployment named {name!r} (have: {', '.join(names)})")

    def service(self, i: int, raw: dict[str, Any], names: list[str]) -> ServiceSpec:
        where: Path_ = ("services", i)
        self.known((*where, "deployment"), raw["deployment"], names)
        return ServiceSpec(
            name=raw["name"], deployment=raw["deployment"],
            request_rate=self.signal((*where, "request_rate"), raw["request_rate"]),
            error_ratio=self.signal((*where, "error_ratio"), raw.get("error_ratio"), 0.001),
            latency_p50=self.signal((*where, "latency_p50"), raw.get("latency_p50"), 0.05),
            latency_p99=self.signal((*where, "latency_p99"), raw.get("latency_p99"), 0.25),
            error_code=raw.get("error_code", "500"))

    def series(self, i: int, raw: dict[str, Any], names: list[str]) -> SeriesSpec:
        where: Path_ = ("series", i)
        if "deployment" in raw:
            self.known((*where, "deployment"), raw["deployment"], names)
        return SeriesSpec(raw["name"], raw["type"], frozen(raw.get("labels")),
                          self.signal((*where, "value"), raw["value"]),
                          raw.get("deployment"), raw.get("help", ""))

    def logs(self, i: int, raw: dict[str, Any], names: list[str]) -> LogSpec:
        where: Path_ = ("logs", i)
        self.known((*where, "deployment"), raw["deployment"], names)
        normal = tuple(LogTemplate(n) if isinstance(n, str)
                       else LogTemplate(n["template"], float(n.get("weight", 1.0)))
                       for n in raw["normal"])
        streams = tuple(
            LogStream(s["template"], self.signal((*where, "streams", j, "rate"), s["rate"]),
                      s.get("stack"), int(s.get("stack_every", 1)))
            for j, s in enumerate(raw.get("streams", [])))
        return LogSpec(raw["deployment"], float(raw.get("rate", 2.0)), normal,
                       tuple(raw.get("startup", [])), streams)

    def alert(self, i: int, raw: dict[str, Any]) -> AlertRule:
        for_s = self.convert(("alerts", i, "for"), raw.get("for", 0), dur.parse_duration, 0.0)
        return AlertRule(raw["name"], raw["expr"], for_s, frozen(raw.get("labels")),
                         frozen(raw.get("annotations")))

    def event(self, i: int, raw: dict[str, Any]) -> EventSpec:
        kind, _, name = raw["object"].partition("/")
        every = self.convert(("events", i, "every"), raw.get("every", 60), dur.parse_duration, 60.0)
        return EventSpec(self.time(("events", i, "at"), raw["at"]), raw.get("type", "Normal"),
                         raw["reason"], kind, name, raw["message"], int(raw.get("count", 1)),
                         every)

    def reaction(self, i: int, raw: dict[str, Any], deps: tuple[DeploymentSpec, ...]) -> Reaction:
        where: Path_ = ("reactions", i)
        names = [d.name for d in deps]
        self.known((*where, "deployment"), raw["deployment"], names)
        target = raw.get("to_revision")
        if target is not None and raw["deployment"] in names:
            revs = [r.revision for d in deps if d.name == raw["deployment"] for r in d.revisions]
            if target not in revs:
                self.error((*where, "to_revision"), f"{raw['deployment']} has no revision {target}")
        if target is not None and raw["action"] != "rollback":
            self.error((*where, "to_revision"), "only a rollback has a target revision")
        opt = {k: self.convert((*where, k), raw[k], dur.parse_duration, 0.0)
               for k in ("recover_within", "relapse_after") if k in raw}
        return Reaction(raw["action"], raw["deployment"], opt.get("recover_within"),
                        opt.get("relapse_after"), target, raw.get("min_replicas"))

    def fault(self, i: int, text: str) -> Fault:
        head, _, window = text.partition("@")
        component, _, kind = head.partition(":")
        start = end = None
        if window:
            first, _, last = window.partition("-")
            start = self.time(("faults", i), first)
            end = self.time(("faults", i), last) if last else None
        return Fault(text, component, kind, start, end)

    def check_culprit(self, truth: Truth, deps: tuple[DeploymentSpec, ...]) -> None:
        kind, _, rest = truth.culprit.partition("/")
        name, _, rev = rest.partition("@")
        if kind != "deployment":
            return
        match = [d for d in deps if d.name == name]
        if not match:
            self.error(("truth", "culprit"), f"no deployment named {name!r}")
        elif rev and int(rev) not in [r.revision for r in match[0].revisions]:
            self.error(("truth", "culprit"), f"{name} has no revision {rev}")

    def default_demo_start(self, services: tuple[ServiceSpec, ...],
                           deps: tuple[DeploymentSpec, ...]) -> float:
        """Five minutes before the first symptom (first keyframe anywhere), never before 0."""
        firsts = [s.error_ratio.keyframes[0][0] for s in services if s.error_ratio.keyframes]
        firsts += [s.latency_p99.keyframes[0][0] for s in services if s.latency_p99.keyframes]
        firsts += [r.at for d in deps for r in d.revisions[1:] if r.crash]
        return max(0.0, min(firsts, default=300.0) - 300.0)
