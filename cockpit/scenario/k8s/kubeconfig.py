"""Write a kubeconfig pointing kubectl and the clients at the fake API server."""

from __future__ import annotations

from pathlib import Path

import yaml


def write_kubeconfig(path: str | Path, url: str, namespace: str,
                     context: str = "cockpit-sim", user: str = "cockpit-sim") -> Path:
    """One cluster, one user (no credentials: the fake does not authenticate), one context."""
    doc = {
        "apiVersion": "v1", "kind": "Config", "preferences": {},
        "clusters": [{"name": context, "cluster": {"server": url}}],
        "users": [{"name": user, "user": {}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": user,
                                                   "namespace": namespace}}],
        "current-context": context,
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(doc, sort_keys=False))
    target.chmod(0o600)
    return target
