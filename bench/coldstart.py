"""Benchmark 3, cold start: process spawn → first full frame, and → first log line.

``python -m cockpit`` (not the instrumented wrapper) in a pty with a private
home; the log command prints one line at once. A frame is full when the header
and every pane's title are on the terminal (the panes' contents and the footer
mount right after it; when that is done is reported too, without a target).
Baseline: a bare Textual app's first frame.

Each round starts both, one right after the other, the first of the pair alternating
from round to round; the ratio is the median of the rounds' own ratios. Why: a start
is half a second and this VM's speed drifts by a third between minutes, so the two
sides of one round share the machine's state, and rounds that do not are outvoted
(the ratio of the two medians, which mixes rounds, is in the details too).
"""

from __future__ import annotations

import compileall
import tempfile
from pathlib import Path

from bench.common import PYTHON, REPO, Check, Result, child_env, median
from bench.ptyterm import PtyProcess
from bench.session import FILLED_MARK, PANE_TITLES, start_cockpit


def bare_first_frame() -> float | None:
    proc = PtyProcess([PYTHON, str(REPO / "bench" / "bare_app.py")], child_env(), cwd=str(REPO))
    try:
        seen = proc.wait_for("BARE-READY", 0, 30)
        return None if seen is None else seen[0] - proc.started
    finally:
        proc.stop()


def cockpit_start(home: Path) -> tuple[float | None, float | None, float | None]:
    """Seconds from spawn to the first full frame, to the filled panes, to the first line."""
    proc = start_cockpit(home, ["--seconds", "0"], instrumented=False)
    try:
        frame = proc.wait_all(PANE_TITLES, 0, 30)
        filled = proc.wait_for(FILLED_MARK, 0, 30)
        line = proc.wait_for("BENCH-FIRST-LINE", 0, 30)
        return (None if frame is None else frame - proc.started,
                None if filled is None else filled[0] - proc.started,
                None if line is None else line[0] - proc.started)
    finally:
        proc.stop()


def compile_cockpit() -> None:
    """Byte-compile cockpit once, as ``pip install`` does for any installed package.

    Textual's modules in site-packages were compiled at install; an editable checkout's
    are not, and with ``PYTHONDONTWRITEBYTECODE`` set (as on the CI machines) every start
    would recompile cockpit's ~150 modules, about 150 ms the bare app never pays.
    """
    compileall.compile_dir(str(REPO / "cockpit"), quiet=1)


def run(quick: bool) -> Result:
    rounds = 3 if quick else 15  # 15: the median of 9 still moved by ±0.04 between runs
    compile_cockpit()
    base = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    frames: list[float] = []
    fills: list[float] = []
    lines: list[float] = []
    bare: list[float] = []
    for number in range(rounds):
        home = base / f"home{number}"
        if number % 2:  # alternate which of the pair starts first
            frame_s, fill_s, line_s = cockpit_start(home)
            bare_s = bare_first_frame()
        else:
            bare_s = bare_first_frame()
            frame_s, fill_s, line_s = cockpit_start(home)
        if bare_s is None or frame_s is None or fill_s is None or line_s is None:
            return Result("cold-start", error=f"round {number}: no frame or no log line in 30 s")
        bare.append(bare_s * 1000)
        frames.append(frame_s * 1000)
        fills.append(fill_s * 1000)
        lines.append(line_s * 1000)
    frame, bare_frame = median(frames), median(bare)
    ratio = median([ours / theirs for ours, theirs in zip(frames, bare, strict=True)])
    return Result("cold-start", checks=[
        Check("first full frame (header, every pane titled)", frame, 700.0, "ms",
              baseline=bare_frame, ratio=ratio),
        Check("ratio cockpit/bare (median of rounds)", ratio, 1.2, "x"),
        Check("panes filled (footer on screen)", median(fills), None, "ms",
              baseline=bare_frame, ratio=median(fills) / bare_frame),
        Check("first log line", median(lines), 2500.0, "ms"),
    ], details={"rounds": rounds, "frames_ms": frames, "fills_ms": fills, "lines_ms": lines,
                "bare_ms": bare, "ratio_of_medians": frame / bare_frame})
