"""Is there any Kubernetes configuration to use? (Cheap: imports no client.)

A laptop without a kubeconfig should see "not configured", not a red source.
"""

from __future__ import annotations

import os
from pathlib import Path

from cockpit.config.schema import KubernetesConfig


def kubeconfig_available(cfg: KubernetesConfig) -> bool:
    if not cfg.enabled:
        return False
    if cfg.in_cluster or cfg.kubeconfig:
        return True
    paths = os.environ.get("KUBECONFIG", "")
    candidates = [Path(p).expanduser() for p in paths.split(os.pathsep) if p] or [
        Path("~/.kube/config").expanduser()]
    return any(p.is_file() for p in candidates)
