"""Doctor rows for Kubernetes: reachable, and every verb cockpit needs, probed for real.

Permissions are checked by doing the harmless version of each request (a list,
a one-line log tail, a one-second watch, a server-side dry-run patch), so what
doctor says is what the API server's RBAC and admission really allow.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cockpit.config.schema import Config
from cockpit.doctor import CheckResult, CheckStatus, register_check
from cockpit.sources.k8s_available import kubeconfig_available

FIX_ACCESS = "ask for this permission in a Role bound to you (kubectl auth can-i {verb} {what})"


def check_kubernetes(cfg: Config) -> list[CheckResult]:
    kube = cfg.kubernetes
    if not kube.enabled:
        return [CheckResult("Kubernetes", CheckStatus.NOT_CONFIGURED, "kubernetes.enabled = false",
                            "set kubernetes.enabled = true to see the cluster")]
    if not kubeconfig_available(kube):
        return [CheckResult("Kubernetes", CheckStatus.NOT_CONFIGURED,
                            "no kubeconfig (KUBECONFIG, ~/.kube/config) and not in a cluster",
                            "set kubernetes.kubeconfig, or kubernetes.enabled = false")]
    from cockpit.sources import k8s_client

    try:
        api = k8s_client.make_api_client(kube)
    except k8s_client.KubeSetupError as exc:
        return [CheckResult("Kubernetes config", CheckStatus.FAIL, str(exc),
                            "fix kubernetes.kubeconfig / kubernetes.context")]
    address = k8s_client.server_address(api)
    try:
        version = k8s_client.get_json(api, "/version", timeout=kube.timeout_s)
    except Exception as exc:  # every failure becomes a row
        reason, _ = k8s_client.describe_error(exc, address, kube.timeout_s)
        return [CheckResult("Kubernetes reachable", CheckStatus.FAIL, reason,
                            "check the kubeconfig context and that the API server is up")]
    rows = [CheckResult("Kubernetes reachable", CheckStatus.OK,
                        f"{address}, version {version.get('gitVersion', '?')}, "
                        f"namespace {kube.namespace}")]
    ns = kube.namespace
    deployment = kube.deployment or cfg.incident.service
    pods: list[Any] = []

    def list_pods() -> None:
        pods.extend(k8s_client.get_json(api, f"/api/v1/namespaces/{ns}/pods",
                                        timeout=kube.timeout_s).get("items", []))

    probes: list[tuple[str, str, str, Callable[[], None]]] = [
        ("list", "pods", "pods", list_pods),
        ("list", "events", "events", lambda: _get(api, f"/api/v1/namespaces/{ns}/events", kube)),
        ("watch", "events", "events", lambda: _get(
            api, f"/api/v1/namespaces/{ns}/events", kube, [("watch", "true"),
                                                           ("timeoutSeconds", 1)])),
        ("list", "replicasets", "replicasets.apps", lambda: _get(
            api, f"/apis/apps/v1/namespaces/{ns}/replicasets", kube)),
        ("list", "deployments", "deployments.apps", lambda: _get(
            api, f"/apis/apps/v1/namespaces/{ns}/deployments", kube)),
    ]
    for verb, label, what, probe in probes:
        rows.append(_probe(f"{verb} {label}", verb, what, probe, address, kube.timeout_s))
    if pods:
        name = pods[0]["metadata"]["name"]
        rows.append(_probe("get pods/log", "get", "pods/log", lambda: _get(
            api, f"/api/v1/namespaces/{ns}/pods/{name}/log", kube, [("tailLines", 1)]),
            address, kube.timeout_s))
    if deployment:
        rows.append(_probe(f"patch deployments ({deployment}, dry run)", "patch",
                           "deployments.apps", lambda: _dry_run_patch(api, ns, deployment, kube),
                           address, kube.timeout_s))
    else:
        rows.append(CheckResult("patch deployments", CheckStatus.WARN, "no deployment configured",
                                "set kubernetes.deployment (or incident.service)"))
    return rows


def _get(api: Any, path: str, kube: Any, query: list[tuple[str, Any]] | None = None) -> None:
    from cockpit.sources import k8s_client

    response = k8s_client.open_stream(api, path, query, timeout=kube.timeout_s + 2)
    try:
        response.read()
    finally:
        response.release_conn()


def _dry_run_patch(api: Any, ns: str, name: str, kube: Any) -> None:
    from kubernetes.client.exceptions import ApiException

    request = api.param_serialize(
        "PATCH", f"/apis/apps/v1/namespaces/{ns}/deployments/{name}",
        query_params=[("dryRun", "All")],
        header_params={"Content-Type": "application/strategic-merge-patch+json",
                       "Accept": "application/json"},
        body=json.loads("{}"), auth_settings=["BearerToken"])
    result = api.call_api(*request, _request_timeout=kube.timeout_s)
    result.read()
    if not 200 <= result.status <= 299:
        raise ApiException.from_response(http_resp=result, body=None, data=None)


def _probe(label: str, verb: str, what: str, probe: Callable[[], None], address: str,
           timeout_s: float) -> CheckResult:
    from cockpit.sources import k8s_client

    try:
        probe()
    except Exception as exc:  # every failure becomes a row
        reason, _ = k8s_client.describe_error(exc, address, timeout_s)
        status = getattr(exc, "status", None)
        if status == 404:
            return CheckResult(label, CheckStatus.WARN, reason,
                               "check kubernetes.namespace and kubernetes.deployment")
        return CheckResult(label, CheckStatus.FAIL, reason,
                           FIX_ACCESS.format(verb=verb, what=what) if status == 403 else
                           "check the API server and the kubeconfig")
    return CheckResult(label, CheckStatus.OK, "allowed")


register_check("kubernetes", check_kubernetes, order=30)
