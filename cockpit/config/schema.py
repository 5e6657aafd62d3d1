"""The shape of cockpit's configuration, as frozen msgspec structs.

Every field has a default, so an empty file is a valid config; the loader
rejects keys that are not declared here. Each field's ``doc`` feeds the
commented default config and the README's reference; ``choices`` and ``min``
constrain values (see :func:`field_meta`).

Why msgspec structs and not frozen dataclasses: the config is loaded before the
first frame, and Python 3.11 builds each frozen dataclass by compiling six
methods with ``exec``, ~2 ms a class on the bench machine: these fourteen took
30-55 ms of every start. A struct class is made in C in ~0.06 ms; instances are
as immutable (``msgspec.structs.replace`` makes changed copies).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from msgspec import Struct, field

T = TypeVar("T", bound=type)

#: What opt() was told for the fields of the class being defined, in order, until
#: @documented files it under the class (a struct field has no metadata of its own).
_pending: list[dict[str, Any]] = []
_FIELD_META: dict[type, dict[str, dict[str, Any]]] = {}


def opt(default: Any, doc: str, **meta: Any) -> Any:
    """A config field's default, with its documentation (and optional ``choices`` / ``min``).

    Every field of a @documented class is declared with opt(), in order.
    """
    _pending.append({"doc": doc, **meta})
    if isinstance(default, list | dict):
        return field(default_factory=default.copy)
    return default


def documented(cls: T) -> T:
    """File the docs opt() collected under ``cls``, one per field, in field order."""
    names: tuple[str, ...] = cls.__struct_fields__  # type: ignore[attr-defined]
    docs, _pending[:] = list(_pending), []
    if len(docs) != len(names):
        raise TypeError(f"{cls.__name__}: {len(names)} fields but {len(docs)} opt() calls")
    _FIELD_META[cls] = dict(zip(names, docs, strict=True))
    return cls


def field_meta(cls: type) -> Mapping[str, Mapping[str, Any]]:
    """``{field name: {"doc": ..., "choices": ..., "min": ...}}`` ({} for an undocumented class)."""
    return _FIELD_META.get(cls, {})


def documented_fields(obj: Struct) -> Iterator[tuple[str, Any, Mapping[str, Any]]]:
    """``(name, value, meta)`` for each field of a config struct, in order (the default
    config and the reference are both written from these)."""
    docs = field_meta(type(obj))
    for name in obj.__struct_fields__:
        yield name, getattr(obj, name), docs.get(name, {})


SEL = '{service="{service}",namespace="{namespace}"}'
SEL_5XX = '{service="{service}",namespace="{namespace}",code=~"5.."}'
POD_SEL = '{namespace="{namespace}",pod=~"{service}-.*"}'
POD_CPU_LIMIT = '{namespace="{namespace}",pod=~"{service}-.*",resource="cpu"}'


@documented
class PanelConfig(Struct, frozen=True):
    name: str = opt("", "Short identifier, e.g. error_ratio.")
    title: str = opt("", "Title shown above the plot.")
    query: str = opt("", "PromQL; {service} and {namespace} are replaced.")
    unit: str = opt("", "Unit of the value.", choices=["", "ratio", "s", "req/s", "bytes", "%"])
    threshold: float | None = opt(None, "Value that counts as a breach.")
    direction: str = opt("above", "Breach when above or below.", choices=["above", "below"])


DEFAULT_PANELS: list[PanelConfig] = [
    PanelConfig(
        "error_ratio",
        "HTTP 5xx ratio",
        f"sum(rate(http_requests_total{SEL_5XX}[1m])) / sum(rate(http_requests_total{SEL}[1m]))",
        "ratio",
        0.05,
    ),
    PanelConfig(
        "latency_p99",
        "p99 latency",
        "histogram_quantile(0.99, sum by (le) "
        f"(rate(http_request_duration_seconds_bucket{SEL}[5m])))",
        "s",
        1.0,
    ),
    PanelConfig("request_rate", "Requests/s", f"sum(rate(http_requests_total{SEL}[1m]))", "req/s"),
    PanelConfig(
        "saturation",
        "CPU saturation",
        f"sum(rate(container_cpu_usage_seconds_total{POD_SEL}[1m])) / "
        f"sum(kube_pod_container_resource_limits{POD_CPU_LIMIT})",
        "ratio",
        0.9,
    ),
]


@documented
class EngineerConfig(Struct, frozen=True):
    name: str = opt("", "Your name in the journal; empty means your login name.")
    timezone: str = opt("UTC", "Zone for times shown on screen (journal is always UTC).")


@documented
class IncidentConfig(Struct, frozen=True):
    service: str = opt("", "The service under watch; fills {service} in panel queries.")
    default_severity: str = opt("SEV2", "Severity of new incidents.",
                                choices=["SEV1", "SEV2", "SEV3", "SEV4"])


@documented
class PrometheusConfig(Struct, frozen=True):
    url: str = opt("", "Base URL, e.g. http://127.0.0.1:9090; empty disables the source.")
    timeout_s: float = opt(10.0, "Per-query timeout in seconds.", min=0.1)
    refresh_s: float = opt(15.0, "Seconds between refreshes.", min=0.5)
    history_h: float = opt(3.0, "Hours of history loaded at start.", min=0.1)
    bearer_token_env: str = opt("", "Environment variable holding a bearer token.")
    bearer_token_file: str = opt("", "File holding a bearer token.")
    verify_tls: bool = opt(True, "Verify the server's TLS certificate.")
    panels: list[PanelConfig] = opt(DEFAULT_PANELS, "Plots to show ([[prometheus.panels]]).")


@documented
class AlertmanagerConfig(Struct, frozen=True):
    url: str = opt("", "Base URL, e.g. http://127.0.0.1:9093; empty disables the source.")
    timeout_s: float = opt(10.0, "Request timeout in seconds.", min=0.1)
    refresh_s: float = opt(10.0, "Seconds between polls.", min=0.5)
    receiver: str = opt("", "Only alerts routed to this receiver (regex).")
    match: dict[str, str] = opt({}, "Only alerts whose labels equal these.")
    resolve_grace_s: float = opt(90.0, "An alert gone from the API this long counts as resolved "
                                 "(a restarted Alertmanager is empty until alerts are re-sent).",
                                 min=0)
    bearer_token_env: str = opt("", "Environment variable holding a bearer token.")
    bearer_token_file: str = opt("", "File holding a bearer token.")
    verify_tls: bool = opt(True, "Verify the server's TLS certificate.")


@documented
class KubernetesConfig(Struct, frozen=True):
    enabled: bool = opt(True, "Use the Kubernetes API.")
    kubeconfig: str = opt("", "Kubeconfig path; empty means KUBECONFIG or ~/.kube/config.")
    context: str = opt("", "Context to use; empty means the current one.")
    in_cluster: bool = opt(False, "Use the pod's service account instead of a kubeconfig.")
    namespace: str = opt("default", "Namespace under watch; fills {namespace}.")
    deployment: str = opt("", "Deployment under watch; empty means incident.service.")
    selector: str = opt("", "Label selector for pods to follow; overrides deployment.")
    refresh_s: float = opt(10.0, "Seconds between cluster polls.", min=0.5)
    timeout_s: float = opt(10.0, "Request timeout in seconds.", min=0.1)


@documented
class LogsConfig(Struct, frozen=True):
    max_streams: int = opt(20, "Pods followed at once; the rest are reported.", min=1)
    max_line_length: int = opt(4096, "Longer lines are truncated (and counted).", min=80)
    buffer_lines: int = opt(10000, "Lines kept in the log pane.", min=100)
    tail_lines: int = opt(200, "Lines fetched per pod when a stream starts.", min=0)
    files: list[str] = opt([], "Local files to follow (rotation-aware).")
    command: list[str] = opt([], "A command whose stdout is followed, as an argument list.")


@documented
class LLMConfig(Struct, frozen=True):
    base_url: str = opt("", "OpenAI-compatible endpoint; empty disables the LLM advisor.")
    model: str = opt("", "Model name.")
    api_key_env: str = opt("", "Environment variable holding the API key.")
    api_key_file: str = opt("", "File holding the API key.")
    timeout_s: float = opt(60.0, "Request timeout in seconds.", min=1.0)
    redact_names: bool = opt(False, "Also replace namespace, pod and host names.")
    max_context_tokens: int = opt(8000, "Budget for the context sent.", min=500)


@documented
class RunbookParam(Struct, frozen=True):
    name: str = opt("", "Parameter name, used as {name} in the command.")
    type: str = opt("str", "Parameter type.", choices=["str", "int", "bool", "choice"])
    choices: list[str] = opt([], "Allowed values for type = choice.")
    pattern: str = opt("", "Regex a str value must match in full.")
    min: int | None = opt(None, "Lowest int value.")
    max: int | None = opt(None, "Highest int value.")


@documented
class RunbookAction(Struct, frozen=True):
    name: str = opt("", "Action name shown in the list.")
    description: str = opt("", "What it does.")
    command: list[str] = opt([], "Argument vector; {param} placeholders; never a shell.")
    params: list[RunbookParam] = opt([], "Typed parameters ([[actions.runbook.params]]).")


@documented
class ActionsConfig(Struct, frozen=True):
    read_only: bool = opt(False, "Disable every remediation action.")
    max_replicas: int = opt(50, "Upper bound for scale actions.", min=1)
    rollout_timeout_s: float = opt(300.0, "How long to watch a rollout.", min=1.0)
    verify_window_s: float = opt(600.0, "How long metrics may take to recover.", min=1.0)
    runbook: list[RunbookAction] = opt([], "Team runbook actions ([[actions.runbook]]).")


@documented
class TargetsConfig(Struct, frozen=True):
    ttd_minutes: float = opt(5.0, "Target time to detect.", min=0)
    tta_minutes: float = opt(5.0, "Target time to acknowledge.", min=0)
    ttm_minutes: float = opt(30.0, "Target time to mitigate.", min=0)
    ttr_minutes: float = opt(120.0, "Target time to resolve.", min=0)


@documented
class UIConfig(Struct, frozen=True):
    theme: str = opt("cockpit-dark", "Theme name or path to a theme file.")


class Config(Struct, frozen=True):
    engineer: EngineerConfig = field(default_factory=EngineerConfig)
    incident: IncidentConfig = field(default_factory=IncidentConfig)
    prometheus: PrometheusConfig = field(default_factory=PrometheusConfig)
    alertmanager: AlertmanagerConfig = field(default_factory=AlertmanagerConfig)
    kubernetes: KubernetesConfig = field(default_factory=KubernetesConfig)
    logs: LogsConfig = field(default_factory=LogsConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    actions: ActionsConfig = field(default_factory=ActionsConfig)
    targets: TargetsConfig = field(default_factory=TargetsConfig)
    ui: UIConfig = field(default_factory=UIConfig)
