"""Map one HTTP request to discovery, list/get/watch, logs, PATCH or DELETE.

Authorization is checked here, per (verb, resource[/subresource], namespace),
before anything is read, as the real server's filter chain does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from cockpit.scenario.k8s import errors, operations, resources, tables
from cockpit.scenario.k8s.logs import open_log
from cockpit.scenario.k8s.resources import RESOURCES, Resource
from cockpit.scenario.k8s.selectors import SelectorError, field_matcher, label_matcher
from cockpit.scenario.k8s.watch import WatchRequest, watch_events

if TYPE_CHECKING:
    from cockpit.scenario.k8s.server import K8sApiServer


class Responder(Protocol):
    headers: Any

    def send_json(self, code: int, obj: Any) -> None: ...
    def send_body(self, code: int, data: bytes, content_type: str = ...) -> None: ...
    def start_chunked(self, content_type: str) -> None: ...
    def write_chunk(self, data: bytes) -> None: ...
    def end_chunked(self) -> None: ...


@dataclass
class Target:
    resource: Resource
    namespace: str
    name: str
    sub: str


_NOT_FOUND = errors.ApiError(404, "NotFound", "the server could not find the requested resource",
                             {})


def parse_target(path: str) -> Target:
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        group_version, rest = "v1", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group_version, rest = f"{parts[1]}/{parts[2]}", parts[3:]
    else:
        raise _NOT_FOUND
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    else:
        namespace = ""
    if not rest or rest[0] not in RESOURCES or len(rest) > 3:
        raise _NOT_FOUND
    resource = RESOURCES[rest[0]]
    if resource.api_version != group_version or (namespace and not resource.namespaced):
        raise _NOT_FOUND
    return Target(resource, namespace, rest[1] if len(rest) > 1 else "",
                  rest[2] if len(rest) > 2 else "")


class Router:
    def __init__(self, api: K8sApiServer, out: Responder) -> None:
        self.api, self.out, self.state = api, out, api.state

    def dispatch(self, method: str, raw_path: str, body: bytes) -> None:
        split = urlsplit(raw_path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        try:
            if method == "GET" and self._discovery(split.path):
                return
            target = parse_target(split.path)
            self._serve(method, target, query, body)
        except errors.ApiError as exc:
            self.out.send_json(exc.code, exc.status())
        except SelectorError as exc:
            self.out.send_json(400, errors.bad_request(str(exc)).status())

    def _discovery(self, path: str) -> bool:
        path = path.rstrip("/") or "/"
        doc: Any
        if path == "/version":
            doc = resources.SERVER_VERSION
        elif path == "/api":
            doc = resources.api_versions(self.api.address)
        elif path == "/apis":
            doc = resources.group_list()
        elif path in ("/healthz", "/readyz", "/livez"):
            self.out.send_body(200, b"ok", "text/plain; charset=utf-8")
            return True
        elif path.startswith("/apis/") and path.count("/") == 2:
            doc = resources.group(path.split("/")[2])
        elif path == "/api/v1" or (path.startswith("/apis/") and path.count("/") == 3):
            doc = resources.resource_list(path.removeprefix("/api/").removeprefix("/apis/"))
        elif path.startswith("/openapi"):
            raise _NOT_FOUND
        else:
            return False
        if doc is None:
            raise _NOT_FOUND
        self.out.send_json(200, doc)
        return True

    def _authorize(self, verb: str, t: Target) -> None:
        res = f"{t.resource.plural}/{t.sub}" if t.sub else t.resource.plural
        if not self.api.access.allowed(verb, res, t.namespace):
            raise errors.forbidden(t.resource, t.name, verb, t.namespace, self.api.access.user,
                                   t.sub)

    def _serve(self, method: str, t: Target, query: dict[str, str], body: bytes) -> None:
        dry_run = query.get("dryRun") == "All"
        if method == "GET" and not t.name:
            watch = query.get("watch", "").lower() in ("true", "1")
            self._authorize("watch" if watch else "list", t)
            return self._watch(t, query) if watch else self._list(t, query)
        if method == "GET" and t.sub == "log" and t.resource.plural == "pods":
            self._authorize("get", t)
            return self._log(t, query)
        if method == "GET" and t.sub in ("", "scale", "status"):
            self._authorize("get", t)
            obj = operations.get_object(self.state, t.resource.plural, t.namespace, t.name)
            return self.out.send_json(200, operations.to_scale(obj) if t.sub == "scale" else obj)
        if method == "PATCH" and t.sub in ("", "scale") and \
                t.resource.plural in ("deployments", "replicasets"):
            self._authorize("patch", t)
            ctype = self.out.headers.get("Content-Type", "")
            obj = operations.patch_object(self.state, t.resource.plural, t.namespace, t.name,
                                          t.sub, ctype, body, dry_run)
            return self.out.send_json(200, obj)
        if method == "DELETE" and t.name and not t.sub and t.resource.plural == "pods":
            self._authorize("delete", t)
            obj = operations.delete_object(self.state, "pods", t.namespace, t.name, dry_run)
            return self.out.send_json(200, obj)
        raise errors.ApiError(405, "MethodNotAllowed",
                              "the server does not allow this method on the requested resource")

    def _matcher(self, query: dict[str, str]) -> Any:
        labels = label_matcher(query.get("labelSelector"))
        fields = field_matcher(query.get("fieldSelector"))
        return lambda obj: labels(obj) and fields(obj)

    def _list(self, t: Target, query: dict[str, str]) -> None:
        plural = t.resource.plural
        items, rv = operations.list_objects(self.state, plural, t.namespace,
                                            self._matcher(query), query)
        if tables.wants_table(self.out.headers.get("Accept", "")):
            body = tables.table(plural, items, self.state.now(), str(rv),
                                query.get("includeObject", "Metadata"))
        else:
            body = operations.list_body(plural, items, rv)
        self.out.send_json(200, body)

    def _stream_alive(self, epoch: int) -> bool:
        return not self.api.stopping and self.api.drop_epoch == epoch

    def _watch(self, t: Target, query: dict[str, str]) -> None:
        req = WatchRequest(t.resource.plural, t.namespace, self._matcher(query),
                           query.get("resourceVersion", ""),
                           float(query.get("timeoutSeconds") or 1800),
                           query.get("allowWatchBookmarks", "").lower() == "true",
                           query.get("sendInitialEvents", "").lower() == "true")
        as_table = tables.wants_table(self.out.headers.get("Accept", ""))
        epoch = self.api.drop_epoch
        self.out.start_chunked("application/json")
        first = True
        for event in watch_events(self.state, req, lambda: not self._stream_alive(epoch)):
            if as_table and event["type"] in ("ADDED", "MODIFIED", "DELETED"):
                obj = event["object"]
                event = {"type": event["type"], "object": tables.table(
                    t.resource.plural, [obj], self.state.now(),
                    obj["metadata"]["resourceVersion"], query.get("includeObject", "Metadata"),
                    with_columns=first)}
                first = False
            self.out.write_chunk(json.dumps(event, separators=(",", ":")).encode() + b"\n")
        if not self.api.stopping:
            self.out.end_chunked()

    def _log(self, t: Target, query: dict[str, str]) -> None:
        stream = open_log(self.state, t.namespace, t.name, query)
        epoch = self.api.drop_epoch
        if not stream.follow:
            data = b"".join(stream.chunks(lambda: False))
            return self.out.send_body(200, data, "text/plain")
        self.out.start_chunked("text/plain")
        for chunk in stream.chunks(lambda: not self._stream_alive(epoch)):
            self.out.write_chunk(chunk)
        if not self.api.stopping:
            self.out.end_chunked()
