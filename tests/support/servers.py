"""Start real Prometheus, Alertmanager and VictoriaMetrics on 127.0.0.1 for tests.

Each server gets a free port and a temporary storage dir, and is stopped (its
whole process group) when the context exits. A missing binary is a test
failure with the install command, not a skip: CI installs them (.ci/run).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(
            f"{name} is not installed; run: sudo apt-get install -y "
            "prometheus prometheus-alertmanager victoria-metrics"
        )
    return path


@dataclass
class Server:
    name: str
    url: str
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} not ready after {timeout}s: {log.read_text()[-2000:]}")


def _spawn(name: str, argv: list[str], workdir: Path, port: int, ready_path: str) -> Server:
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, cwd=workdir, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    server = Server(name, url, port, process, workdir, log)
    try:
        wait_ready(url + ready_path, process, log)
    except BaseException:
        server.stop()
        raise
    return server


def start_prometheus(workdir: Path, config_yaml: str, *, data_dir: Path | None = None,
                     rules_yaml: str | None = None, port: int | None = None) -> Server:
    """Prometheus with ``config_yaml`` (``rule_files`` may name ``rules.yml``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "prometheus.yml").write_text(config_yaml)
    if rules_yaml is not None:
        (workdir / "rules.yml").write_text(rules_yaml)
    port = port or free_port()
    data = data_dir or workdir / "data"
    argv = [
        require_binary("prometheus"),
        f"--config.file={workdir / 'prometheus.yml'}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--storage.tsdb.retention.time=3650d",
        "--web.enable-lifecycle",
    ]
    return _spawn("prometheus", argv, workdir, port, "/-/ready")


def start_alertmanager(workdir: Path, config_yaml: str | None = None) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    cfg = workdir / "alertmanager.yml"
    cfg.write_text(config_yaml or "route:\n  receiver: default\nreceivers:\n  - name: default\n")
    port = free_port()
    argv = [
        require_binary("prometheus-alertmanager"),
        f"--config.file={cfg}",
        f"--storage.path={workdir / 'am-data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    return _spawn("alertmanager", argv, workdir, port, "/-/ready")


def start_victoria_metrics(workdir: Path) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [
        require_binary("victoria-metrics"),
        f"-storageDataPath={workdir / 'vm-data'}",
        f"-httpListenAddr=127.0.0.1:{port}",
        "-retentionPeriod=100y",
        "-search.latencyOffset=0s",
    ]
    return _spawn("victoria-metrics", argv, workdir, port, "/health")


def backfill_openmetrics(openmetrics_text: str, data_dir: Path, workdir: Path) -> None:
    """Write history into a TSDB dir with promtool before Prometheus starts (visible at once)."""
    src = workdir / "backfill.om"
    src.write_text(openmetrics_text)
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [require_binary("promtool"), "tsdb", "create-blocks-from", "openmetrics",
         str(src), str(data_dir)],
        check=True, capture_output=True, timeout=120,
    )


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()
