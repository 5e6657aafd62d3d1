"""Building the official Kubernetes client from cockpit's config, raw JSON requests,
and turning client failures into one line an engineer can act on.

We read responses as plain JSON (``_preload_content=False``): one set of
converters, no model validation surprises on partial objects, and the raw
urllib3 response lets a stream be shut down from another thread.
"""

from __future__ import annotations

import json
import random
import socket
from typing import Any

import urllib3
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from cockpit.config.schema import KubernetesConfig

JsonObj = dict[str, Any]
#: The most of one answer read into memory: a list bigger than this is refused, not parsed.
MAX_BODY_BYTES = 32 * 1024 * 1024


class KubeSetupError(Exception):
    """The kubeconfig or in-cluster setup cannot be loaded (a user-fixable problem)."""


class ResponseTooLarge(Exception):
    """An answer larger than the cap: refused before it is parsed (memory stays bounded)."""


def make_api_client(cfg: KubernetesConfig) -> Any:
    """An ApiClient for the configured context, without touching global client state."""
    conf = client.Configuration()
    try:
        if cfg.in_cluster:
            config.load_incluster_config(client_configuration=conf)  # type: ignore[no-untyped-call]
        else:
            config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=cfg.kubeconfig or None,
                                    context=cfg.context or None, client_configuration=conf,
                                    persist_config=False)
    except (ConfigException, OSError, TypeError, ValueError) as exc:
        where = "in-cluster service account" if cfg.in_cluster else (
            cfg.kubeconfig or "KUBECONFIG / ~/.kube/config")
        raise KubeSetupError(f"cannot load Kubernetes config from {where}: {exc}; "
                             f"check the path and context (kubectl config get-contexts)") from exc
    conf.retries = 1  # one quick retry for a pooled connection the server closed
    return client.ApiClient(conf)


def list_contexts(cfg: KubernetesConfig) -> tuple[list[str], str]:
    """Context names in the kubeconfig and the current one (empty when in-cluster)."""
    if cfg.in_cluster:
        return [], ""
    try:
        contexts, active = config.list_kube_config_contexts(  # type: ignore[no-untyped-call]
            cfg.kubeconfig or None)
    except (ConfigException, OSError) as exc:
        raise KubeSetupError(f"cannot read contexts from "
                             f"{cfg.kubeconfig or '~/.kube/config'}: {exc}") from exc
    return [c["name"] for c in contexts or []], (active or {}).get("name", "")


def server_address(api: Any) -> str:
    return str(api.configuration.host)


def get_json(api: Any, path: str, query: list[tuple[str, Any]] | None = None,
             timeout: float | tuple[float, float] | None = None,
             max_bytes: int = MAX_BODY_BYTES) -> JsonObj:
    """GET ``path`` as JSON; :class:`ResponseTooLarge` past ``max_bytes`` (read, not parsed)."""
    resp = open_stream(api, path, query, timeout)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in resp.stream(1 << 16):
            size += len(chunk)
            if size > max_bytes:
                resp.close()  # drop the connection: the rest is never read
                raise ResponseTooLarge(
                    f"the answer to GET {path} is over {max_bytes >> 20} MiB; narrow it "
                    f"(kubernetes.selector in the config, or another namespace)")
            chunks.append(chunk)
    finally:
        resp.release_conn()
    data: JsonObj = json.loads(b"".join(chunks))
    return data


def open_stream(api: Any, path: str, query: list[tuple[str, Any]] | None = None,
                timeout: float | tuple[float, float] | None = None,
                accept: str = "application/json") -> urllib3.BaseHTTPResponse:
    """GET ``path``; the raw urllib3 response (unread), or ApiException for non-2xx."""
    request = api.param_serialize("GET", path, query_params=query or [],
                                  header_params={"Accept": accept},
                                  auth_settings=["BearerToken"])
    result = api.call_api(*request, _request_timeout=timeout)
    if not 200 <= result.status <= 299:
        result.read()
        raise ApiException.from_response(http_resp=result, body=None, data=None)
    response: urllib3.BaseHTTPResponse = result.response
    return response


def status_message(exc: ApiException) -> str:
    try:
        body = json.loads(exc.body or "{}")
        return str(body.get("message") or exc.reason)
    except ValueError:
        return str(exc.reason)


def describe_error(exc: BaseException, address: str, timeout_s: float) -> tuple[str, bool]:
    """(one-line reason, whether the server is unreachable)."""
    if isinstance(exc, ApiException):
        code = exc.status
        msg = status_message(exc)
        if code == 403:
            return f"403 Forbidden: {msg} (ask for that RBAC permission)", False
        if code == 401:
            return f"401 Unauthorized at {address}: credentials rejected; refresh the " \
                   f"kubeconfig token", False
        return f"{code} {exc.reason}: {msg}", False
    if isinstance(exc, ResponseTooLarge):
        return str(exc), False
    if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, socket.timeout, TimeoutError)):
        return f"no answer from {address} within {timeout_s:g}s", True
    text = str(exc)
    if isinstance(exc, urllib3.exceptions.HTTPError | OSError):
        if "refused" in text.lower():
            return f"cannot connect to {address}: connection refused (is the API server " \
                   f"up and the kubeconfig context right?)", True
        return f"cannot reach {address}: {type(exc).__name__}: {text[:200]}", True
    return f"{type(exc).__name__}: {text[:200]}", False


class Backoff:
    """Exponential back-off with full jitter, reset on success."""

    def __init__(self, base_s: float = 0.5, max_s: float = 30.0) -> None:
        self.base_s, self.max_s = base_s, max_s
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        ceiling = min(self.max_s, self.base_s * 2 ** (self.failures - 1))
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.failures = 0
