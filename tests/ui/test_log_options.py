"""--log-file / --log-cmd give the log pane its lines without Kubernetes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.cli.common import CockpitUsageError
from cockpit.cli.ui_cmds import with_logs
from cockpit.config import Config, KubernetesConfig
from cockpit.ui.wiring import build_sources


def test_files_and_a_command_become_log_sources(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    config = with_logs(Config(), ("/var/log/app.log",), "journalctl -f -u 'my app'")
    assert config.logs.files == ["/var/log/app.log"]
    assert config.logs.command == ["journalctl", "-f", "-u", "my app"]  # an argv, no shell
    sources = build_sources(config)
    assert len(sources.logs) == 2
    assert sources.cluster is None  # no kubeconfig: Kubernetes is not configured


def test_unbalanced_quotes_are_a_clear_error() -> None:
    with pytest.raises(CockpitUsageError, match="--log-cmd: No closing quotation"):
        with_logs(Config(), (), "tail -f 'oops")


def test_nothing_given_changes_nothing() -> None:
    config = Config(kubernetes=KubernetesConfig(namespace="x"))
    assert with_logs(config, (), None) is config
