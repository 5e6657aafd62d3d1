"""Config errors name the file, the key and what was expected; defaults just work."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cockpit.config import Config, ConfigError, load_config, resolve_secret
from cockpit.config.template import default_config_text
from tests.support.cli import run_cockpit


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_missing_default_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.toml") == Config()


def test_valid_config_is_read(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, """
[prometheus]
url = "http://127.0.0.1:9090"
timeout_s = 3
[[prometheus.panels]]
name = "errors"
query = "sum(rate(x[1m]))"
threshold = 0.05
[alertmanager]
match = { team = "sre" }
[actions]
read_only = true
"""))
    assert cfg.prometheus.url == "http://127.0.0.1:9090"
    assert cfg.prometheus.timeout_s == 3.0 and isinstance(cfg.prometheus.timeout_s, float)
    assert cfg.prometheus.panels[0].threshold == 0.05
    assert cfg.alertmanager.match == {"team": "sre"}
    assert cfg.actions.read_only is True


@pytest.mark.parametrize(("text", "expected"), [
    ("[prometheus]\nurll = 'x'\n", "config.toml: prometheus.urll: unknown key (expected one of"),
    ("[prometheus]\ntimeout_s = 'fast'\n",
     "config.toml: prometheus.timeout_s: expected a number, got a string 'fast'"),
    ("[prometheus]\ntimeout_s = -1\n",
     "config.toml: prometheus.timeout_s: expected a value >= 0.1, got -1.0"),
    ("[incident]\ndefault_severity = 'SEV9'\n",
     "config.toml: incident.default_severity: expected one of 'SEV1', 'SEV2', 'SEV3', 'SEV4'"),
    ("[actions]\nread_only = 'yes'\n",
     "config.toml: actions.read_only: expected a boolean, got a string 'yes'"),
    ("[[prometheus.panels]]\nname = 'a'\nthreshold = 'high'\n",
     "config.toml: prometheus.panels[0].threshold: expected a number"),
    ("[logs]\nmax_streams = true\n", "config.toml: logs.max_streams: expected an integer"),
    ("bogus = 1\n", "config.toml: bogus: unknown key"),
    ("[prometheus\n", "config.toml: invalid TOML"),
    ("prometheus = 3\n", "config.toml: prometheus: expected a table, got an integer 3"),
])
def test_errors_name_file_key_and_expectation(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_default_template_is_valid_and_every_line_uncommented_is_valid(tmp_path: Path) -> None:
    text = default_config_text()
    assert load_config(write(tmp_path, text)) == Config()
    uncommented = "\n".join(
        line[2:] for line in text.splitlines()
        if line.startswith("# ") and not line.startswith("#   ") and "cockpit configuration" not in
        line and "Unknown keys" not in line and "variable (" not in line
    )
    uncommented = "\n".join(ln for ln in uncommented.splitlines() if not ln.rstrip().endswith("="))
    data = tomllib.loads(uncommented)
    cfg = load_config(write(tmp_path, uncommented))
    assert data["prometheus"]["timeout_s"] == cfg.prometheus.timeout_s


def test_secrets_come_from_env_or_file_never_the_config(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", "sk-123\n")
    assert resolve_secret("MY_KEY", "", what="llm") == "sk-123"
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    assert resolve_secret("", str(secret), what="llm") == "from-file"
    monkeypatch.delenv("MY_KEY")
    with pytest.raises(ConfigError, match="llm: environment variable MY_KEY is not set"):
        resolve_secret("MY_KEY", "", what="llm")
    assert resolve_secret("", "", what="llm") is None
    with pytest.raises(ConfigError, match="cannot read secret file"):
        resolve_secret("", str(tmp_path / "missing"), what="llm")


def test_cli_reports_config_error_in_one_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "[kubernetes]\nnamespace = 7\n")
    result = run_cockpit(tmp_path / "home", "--config", str(bad), "incidents")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"cockpit: {bad}: kubernetes.namespace: expected a string, got an integer 7"
    ]
    # --config after the subcommand and COCKPIT_CONFIG work the same way
    result = run_cockpit(tmp_path / "home", "new", "--title", "x", "--config", str(bad))
    assert result.returncode == 2 and "kubernetes.namespace" in result.stderr
    result = run_cockpit(tmp_path / "home", "new", "--title", "x", COCKPIT_CONFIG=str(bad))
    assert result.returncode == 2 and "kubernetes.namespace" in result.stderr
    missing = run_cockpit(tmp_path / "home", "--config", str(tmp_path / "nope.toml"), "incidents")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_config_path_and_init(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = run_cockpit(home, "config", "path").stdout.strip()
    assert path == str(home / "config" / "config.toml")
    assert run_cockpit(home, "config", "init").returncode == 0
    assert Path(path).stat().st_mode & 0o777 == 0o600
    again = run_cockpit(home, "config", "init")
    assert again.returncode == 2 and "already exists" in again.stderr
    other = tmp_path / "other.toml"
    assert run_cockpit(home, "--config", str(other), "config", "init").returncode == 0
    assert other.exists()
    assert "ok" in run_cockpit(home, "config", "check").stdout
