"""Run one check from :mod:`tests.reliability.fuzz.paths` under atheris (coverage-guided).

``python -m tests.reliability.fuzz.log_lines -atheris_runs=N [libFuzzer flags] [CORPUS_DIR]``:
cockpit's modules are instrumented as they are imported, the hostile samples seed
the corpus when no corpus directory is given, and a failing input is written as a
``crash-…`` file (``-artifact_prefix=DIR/``) and exits non-zero.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def fuzz(check_name: str) -> None:
    atheris: Any = importlib.import_module("atheris")  # optional, and ships no type hints

    with atheris.instrument_imports(include=["cockpit"]):
        paths = importlib.import_module("tests.reliability.fuzz.paths")
    check: Callable[[bytes], int] = getattr(paths, check_name)

    def one_input(data: bytes) -> None:
        check(data)

    argv = list(sys.argv)
    for flag, default in (("-max_len=", "4096"), ("-len_control=", "10")):
        if not any(arg.startswith(flag) for arg in argv):
            argv.append(flag + default)  # long lines and notes from the first runs on
    if not any(not arg.startswith("-") for arg in argv[1:]):
        seeds = Path(tempfile.mkdtemp(prefix="cockpit-fuzz-seeds-"))
        for i, sample in enumerate(paths.SAMPLES):
            raw = sample.encode("utf-8", "surrogateescape")
            (seeds / f"sample-{i}").write_bytes(  # shaped for both targets' field splitting
                b"api-7f9c\n" + raw + b"\n2024-01-15T10:30:00Z ERROR " + raw +
                b"\x00\x00" + raw + b"\x00\x00note " + raw + b"\n")
        argv.append(str(seeds))
    atheris.Setup(argv, one_input)
    atheris.Fuzz()
