"""How a Prometheus API call failed, in words an engineer can act on at 03:00.

prometheus-api-client reports HTTP errors as ``HTTP Status Code N (b'...')``
and lets requests/urllib3 errors through; this module sorts them into "the
query is wrong" (that panel shows Prometheus' own message) and "the server is
sick" (the source's health, with the address and the OS error).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from typing import Any

import requests
import urllib3
from prometheus_api_client.exceptions import PrometheusApiClientException

from cockpit.sources.base import HealthState
from cockpit.sources.health import BAD_BODY_STATE, describe_os_error, http_error_state

_STATUS = re.compile(r"HTTP Status Code (\d+) \((b(['\"]).*\3)\)\s*$", re.DOTALL)


class QueryFailure(Exception):
    """A classified failure: ``server`` ones stop the round and set the health."""

    def __init__(self, reason: str, state: HealthState, server: bool) -> None:
        super().__init__(reason)
        self.reason, self.state, self.server = reason, state, server


def call_classified(fn: Callable[[], Any], url: str, timeout_s: float) -> Any:
    """Run one client call; turn every way it can fail into a :class:`QueryFailure`."""
    try:
        return fn()
    except requests.JSONDecodeError as exc:  # 200 with a body that is not JSON
        raise QueryFailure(
            f"malformed answer from {url}: not JSON ({exc})", BAD_BODY_STATE, True
        ) from None
    except (requests.ConnectionError, urllib3.exceptions.ConnectTimeoutError) as exc:
        # urllib3 re-raises its own errors (we disabled its retries): sort them here
        if isinstance(exc, requests.ConnectTimeout) or (
            isinstance(exc, urllib3.exceptions.ConnectTimeoutError)
            and not isinstance(exc, urllib3.exceptions.NewConnectionError)
        ):
            raise QueryFailure(
                f"no answer from {url} within {timeout_s:g}s", HealthState.DOWN, True
            ) from None
        raise QueryFailure(
            f"cannot connect to {url}: {describe_os_error(exc)}", HealthState.DOWN, True
        ) from None
    except (requests.Timeout, urllib3.exceptions.TimeoutError):
        raise QueryFailure(
            f"no answer from {url} within {timeout_s:g}s", HealthState.DEGRADED, True
        ) from None
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise QueryFailure(
            f"request to {url} failed: {describe_os_error(exc)}", HealthState.DOWN, True
        ) from None
    except PrometheusApiClientException as exc:
        status, reason = status_of(str(exc)), api_error(str(exc))
        if status in (400, 422):  # the query is wrong, the server is fine
            raise QueryFailure(reason, HealthState.OK, False) from None
        raise QueryFailure(f"{url} answered {reason}", http_error_state(status), True) from None
    except (ValueError, KeyError, TypeError) as exc:  # 200 with a body that is not the API
        raise QueryFailure(
            f"malformed answer from {url}: {exc.__class__.__name__}: {str(exc)[:150]}",
            BAD_BODY_STATE,
            True,
        ) from None


def status_of(message: str) -> int:
    match = _STATUS.match(message)
    return int(match.group(1)) if match else 0


def api_error(message: str) -> str:
    """Prometheus' own words ("bad_data: parse error at char 12: ...") from the client's text."""
    match = _STATUS.match(message)
    if not match:
        return message[:300]
    status = match.group(1)
    try:
        body = ast.literal_eval(match.group(2))
        text = body.decode("utf-8", "replace").strip()
    except (ValueError, SyntaxError, AttributeError):
        text = match.group(2)
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and doc.get("error"):
        kind = str(doc.get("errorType", "")).strip()
        return f"{kind}: {doc['error']}" if kind and not kind.isdigit() else str(doc["error"])
    return f"HTTP {status}: {text[:200]}" if text else f"HTTP {status}"
