"""The resource types the fake serves, and the discovery documents describing them.

kubectl resolves ``deploy``, ``rs``, ``po``, ``ev`` and the ``/scale``
subresource only through discovery, so this table is the single source of truth
for names, kinds, groups, verbs and short names.
"""

from __future__ import annotations

from dataclasses import dataclass

from cockpit.scenario.k8s.meta import JsonObj

SERVER_VERSION = {"major": "1", "minor": "30", "gitVersion": "v1.30.0",
                  "gitCommit": "cockpit-sim", "gitTreeState": "clean",
                  "buildDate": "2024-04-17T00:00:00Z", "goVersion": "go1.22.2",
                  "compiler": "gc", "platform": "linux/amd64"}

_READ = ["get", "list", "watch"]
_ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class Resource:
    plural: str
    kind: str
    group: str  # "" for the core group
    version: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """``deployments.apps`` / ``pods``: how Status messages name the resource."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def singular(self) -> str:
        return self.kind.lower()


RESOURCES: dict[str, Resource] = {r.plural: r for r in (
    Resource("namespaces", "Namespace", "", "v1", False, tuple(_READ), ("ns",)),
    Resource("pods", "Pod", "", "v1", True, tuple(_ALL), ("po",), ("all",)),
    Resource("events", "Event", "", "v1", True, tuple(_ALL), ("ev",)),
    Resource("deployments", "Deployment", "apps", "v1", True, tuple(_ALL), ("deploy",), ("all",)),
    Resource("replicasets", "ReplicaSet", "apps", "v1", True, tuple(_ALL), ("rs",), ("all",)),
)}
KIND_TO_PLURAL = {r.kind: r.plural for r in RESOURCES.values()}


def _resource_entry(r: Resource) -> JsonObj:
    entry: JsonObj = {"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
                      "kind": r.kind, "verbs": list(r.verbs)}
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    return entry


def _scale(plural: str) -> JsonObj:
    return {"name": f"{plural}/scale", "singularName": "", "namespaced": True,
            "group": "autoscaling", "version": "v1", "kind": "Scale",
            "verbs": ["get", "patch", "update"]}


def _status(r: Resource) -> JsonObj:
    return {"name": f"{r.plural}/status", "singularName": "", "namespaced": r.namespaced,
            "kind": r.kind, "verbs": ["get", "patch", "update"]}


def api_versions(server_address: str) -> JsonObj:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                            "serverAddress": server_address}]}


def group_list() -> JsonObj:
    apps = {"groupVersion": "apps/v1", "version": "v1"}
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "apps", "versions": [apps], "preferredVersion": apps},
    ]}


def group(name: str) -> JsonObj | None:
    for g in group_list()["groups"]:
        if g["name"] == name:
            return {"kind": "APIGroup", "apiVersion": "v1", **g}
    return None


def resource_list(group_version: str) -> JsonObj | None:
    entries: list[JsonObj] = []
    for r in RESOURCES.values():
        if r.api_version != group_version:
            continue
        entries.append(_resource_entry(r))
        if r.plural in ("deployments", "replicasets"):
            entries += [_scale(r.plural), _status(r)]
        if r.plural == "pods":
            entries += [{"name": "pods/log", "singularName": "", "namespaced": True,
                         "kind": "Pod", "verbs": ["get"]}, _status(r)]
    if not entries:
        return None
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": entries}
