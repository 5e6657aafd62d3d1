"""API errors as ``Status`` objects, worded exactly as the real API server words them.

Client libraries and kubectl print the ``message`` verbatim, so the wording is
part of the wire contract (``deployments.apps "x" not found``).
"""

from __future__ import annotations

from cockpit.scenario.k8s.meta import JsonObj
from cockpit.scenario.k8s.resources import Resource


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str,
                 details: JsonObj | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self) -> JsonObj:
        body: JsonObj = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                         "status": "Failure", "message": self.message, "reason": self.reason,
                         "code": self.code}
        if self.details:
            body["details"] = self.details
        return body


def _details(resource: Resource, name: str) -> JsonObj:
    details: JsonObj = {"kind": resource.plural}
    if name:
        details["name"] = name
    if resource.group:
        details["group"] = resource.group
    return details


def not_found(resource: Resource, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{resource.qualified} "{name}" not found',
                    _details(resource, name))


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def gone(message: str) -> ApiError:
    return ApiError(410, "Expired", message)


def forbidden(resource: Resource, name: str, verb: str, namespace: str, user: str,
              subresource: str = "") -> ApiError:
    target = f'{resource.qualified} "{name}"' if name else resource.qualified
    res = f"{resource.plural}/{subresource}" if subresource else resource.plural
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    message = (f'{target} is forbidden: User "{user}" cannot {verb} resource "{res}" '
               f'in API group "{resource.group}" {scope}')
    return ApiError(403, "Forbidden", message, _details(resource, name))


def unsupported_media(content_type: str) -> ApiError:
    return ApiError(415, "UnsupportedMediaType",
                    f'the body of the request was in an unknown format - accepted media types '
                    f'include: application/json-patch+json, application/merge-patch+json, '
                    f'application/strategic-merge-patch+json (got "{content_type}")')
