"""A wire-faithful Kubernetes API server for ``cockpit demo`` and the tests.

kubectl and the official client talk to it as to a real cluster: discovery,
Tables, watches, pod logs, rollouts (undo, restart, scale), dry-run and 403s.
"""

from cockpit.scenario.k8s.access import AccessRules
from cockpit.scenario.k8s.builders import (
    RevisionSpec,
    make_deployment,
    make_pod,
    make_replicaset,
    pod_status,
    pod_template,
    seed_deployment,
)
from cockpit.scenario.k8s.kubeconfig import write_kubeconfig
from cockpit.scenario.k8s.server import K8sApiServer
from cockpit.scenario.k8s.state import ClusterState

__all__ = [
    "AccessRules",
    "ClusterState",
    "K8sApiServer",
    "RevisionSpec",
    "make_deployment",
    "make_pod",
    "make_replicaset",
    "pod_status",
    "pod_template",
    "seed_deployment",
    "write_kubeconfig",
]
