"""Lines/s and grouping accuracy: cockpit's PatternMiner vs Drain3's TemplateMiner, same run.

    PYTHONPATH=. /work/venv/bin/python bench/patterns_bench.py [--lines N]
    PYTHONPATH=. python bench/patterns_bench.py --interleaved --corpus mixed|k8s [--lines N]
        (both miners taking turns in a fresh process: prints the seconds of each as JSON,
        for bench/patterns.py)

Corpora (generated, deterministic, labelled with the template that produced each line):
  mixed  twelve real-world formats (HDFS, sshd, nginx, Java, Python, Go, JSON, logfmt, klog,
         syslog, Postgres, Kafka) with random ids, addresses, numbers, durations
  k8s    the five built-in incident scenarios' pod logs (what `kubectl logs` shows), which
         repeat the same events with other trace ids, paths and numbers
Drain3 runs with its example masking config (examples/drain3.ini: ID, IP, SEQ, HEX, NUM, CMD
regexes, profiling off, no persistence). Grouping accuracy is Loghub's: a line counts
as correct when its cluster holds exactly the lines of its true template.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

from cockpit.analysis.pattern_sampling import Row
from cockpit.analysis.patterns import PatternMiner

_B = r"((?<=[^A-Za-z0-9])|^)"
_E = r"((?=[^A-Za-z0-9])|$)"
DRAIN3_EXAMPLE_MASKING = [
    (_B + r"(([0-9a-f]{2,}:){3,}([0-9a-f]{2,}))" + _E, "ID"),
    (_B + r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})" + _E, "IP"),
    (_B + r"([0-9a-f]{6,} ?){3,}" + _E, "SEQ"),
    (_B + r"([0-9A-F]{4} ?){4,}" + _E, "SEQ"),
    (_B + r"(0x[a-f0-9A-F]+)" + _E, "HEX"),
    (_B + r"([\-\+]?\d+)" + _E, "NUM"),
    (r"(?<=executed cmd )(\".+?\")", "CMD"),
]

Gen = Callable[[random.Random], str]


def _ip(r: random.Random) -> str:
    return ".".join(str(r.randrange(1, 255)) for _ in range(4))


def _hex(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def _uuid(r: random.Random) -> str:
    h = _hex(r, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _ts(r: random.Random) -> str:
    return f"2024-01-15T{r.randrange(24):02}:{r.randrange(60):02}:{r.randrange(60):02}." \
           f"{r.randrange(1000):03}Z"


MIXED: list[Gen] = [
    lambda r: f"081109 {r.randrange(200000, 235959)} {r.randrange(1, 9999)} INFO "
              f"dfs.DataNode$PacketResponder: PacketResponder {r.randrange(3)} for block "
              f"blk_{r.randrange(10**18)} terminating",
    lambda r: f"081109 {r.randrange(200000, 235959)} {r.randrange(1, 9999)} INFO "
              f"dfs.DataNode$DataXceiver: Receiving block blk_-{r.randrange(10**18)} src: "
              f"/{_ip(r)}:{r.randrange(1024, 65535)} dest: /{_ip(r)}:50010",
    lambda r: f"Jan 15 10:{r.randrange(60):02}:{r.randrange(60):02} host{r.randrange(9)} "
              f"sshd[{r.randrange(1000, 99999)}]: Failed password for invalid user "
              f"{r.choice(['admin', 'test', 'oracle', 'guest'])} from {_ip(r)} port "
              f"{r.randrange(1024, 65535)} ssh2",
    lambda r: f"Jan 15 10:{r.randrange(60):02}:{r.randrange(60):02} host{r.randrange(9)} "
              f"sshd[{r.randrange(1000, 99999)}]: Accepted publickey for deploy from {_ip(r)} "
              f"port {r.randrange(1024, 65535)} ssh2: RSA SHA256:{_hex(r, 43)}",
    lambda r: f'{_ip(r)} - - [15/Jan/2024:10:{r.randrange(60):02}:{r.randrange(60):02} +0000] '
              f'"GET /static/{_hex(r, 8)}.js HTTP/1.1" 200 {r.randrange(100, 99999)} "-" '
              f'"Mozilla/5.0 (X11; Linux x86_64)"',
    lambda r: f"{_ts(r)} ERROR [pool-{r.randrange(9)}-thread-{r.randrange(99)}] "
              f"o.a.k.clients.NetworkClient - Connection to node {r.randrange(9)} "
              f"({_ip(r)}:9092) could not be established. Broker may not be available.",
    lambda r: f"{_ts(r)} WARN  [main] c.e.cache.Evictor - evicted {r.randrange(9999)} entries "
              f"in {r.randrange(999)}ms, heap {r.randrange(99)}%",
    lambda r: f"Traceback: KeyError: 'user_{r.randrange(9999)}' in handler "
              f"/app/api/views.py line {r.randrange(999)}",
    lambda r: f'{{"level":"info","ts":"{_ts(r)}","msg":"order placed","order_id":"{_uuid(r)}",'
              f'"amount":{r.randrange(1, 999)}.{r.randrange(99):02},'
              f'"latency_ms":{r.randrange(999)}}}',
    lambda r: f'level=warn ts={_ts(r)} caller=scrape.go:{r.randrange(999)} msg="scrape failed" '
              f'target=http://{_ip(r)}:9100/metrics err="context deadline exceeded"',
    lambda r: f"E0115 10:{r.randrange(60):02}:{r.randrange(60):02}.{r.randrange(999999):06} "
              f"{r.randrange(9999)} pod_workers.go:{r.randrange(9999)}] Error syncing pod "
              f"{_hex(r, 8)}-{_hex(r, 4)}: CrashLoopBackOff",
    lambda r: f"{_ts(r)} [{r.randrange(99999)}] LOG:  duration: "
              f"{r.randrange(999)}.{r.randrange(999)} ms  statement: SELECT * FROM orders "
              f"WHERE id = {r.randrange(10**6)}",
]


def mixed_corpus(n: int) -> list[tuple[str, int]]:
    r = random.Random(7)
    out = []
    for _ in range(n):
        label = r.randrange(len(MIXED))
        out.append((MIXED[label](r), label))
    return out


def k8s_corpus(n: int) -> list[str]:
    from cockpit.scenario import ScenarioWorld, builtin_names, load_scenario

    lines: list[str] = []
    for name in builtin_names():
        s = load_scenario(name)
        world = ScenarioWorld(s)
        for pod in world.pods(s.demo_start + 300):
            lines += [t for _, t in world.log_lines(pod.name, s.demo_start, s.demo_start + 900)]
    return (lines * (n // max(1, len(lines)) + 1))[:n]


# A miner's two halves: what turns a chunk of the corpus into its input, off the clock (the
# screen's worker receives rows ready-made), and what mines that input, on the clock.
Feeder = tuple[Callable[[list[str], int], Any], Callable[[Any], list[int]]]


def cockpit_feeder() -> Feeder:
    """Rows (ts from the line's index in the corpus, pod, text, level) to a new
    PatternMiner's ``add_rows``, a chunk at a time, as the worker mines them."""
    def rows(texts: list[str], first: int) -> list[Row]:
        return [(1705312800.0 + (first + i) * 0.001, "pod", t, "") for i, t in enumerate(texts)]
    return rows, PatternMiner().add_rows


def drain3_feeder() -> Feeder:
    """Lines to a new Drain3 TemplateMiner with its example masking config."""
    config = TemplateMinerConfig()
    config.masking_instructions = [MaskingInstruction(p, m) for p, m in DRAIN3_EXAMPLE_MASKING]
    config.mask_prefix, config.mask_suffix = "<:", ":>"
    config.drain_max_clusters = 1024
    config.drain_extra_delimiters = ["_"]
    add = TemplateMiner(config=config).add_log_message
    return (lambda texts, _first: texts), lambda texts: [add(t)["cluster_id"] for t in texts]


def _timed(feeder: Feeder, texts: list[str]) -> tuple[float, list[int]]:
    prepare, mine = feeder
    given = prepare(texts, 0)
    began = time.perf_counter()
    ids = mine(given)
    return time.perf_counter() - began, ids


def run_cockpit(texts: list[str]) -> tuple[float, list[int]]:
    return _timed(cockpit_feeder(), texts)


def run_drain3(texts: list[str]) -> tuple[float, list[int]]:
    return _timed(drain3_feeder(), texts)


def interleaved(texts: list[str], chunk: int = 2000) -> tuple[float, float]:
    """Seconds each miner spent on the whole corpus, the two taking turns every ``chunk``
    lines (which goes first alternating), so that both meet the same machine.

    Why: run one after the other, each for seconds, the two met different machines: on
    the shared VM the same miner in a fresh process took 2.5 s one minute and 4 s the
    next. The miners keep their own state; only the clock is shared.
    """
    feeds = {"cockpit": cockpit_feeder(), "drain3": drain3_feeder()}
    spent = dict.fromkeys(feeds, 0.0)
    for turn, first in enumerate(range(0, len(texts), chunk)):
        part = texts[first:first + chunk]
        for name in ("cockpit", "drain3") if turn % 2 == 0 else ("drain3", "cockpit"):
            prepare, mine = feeds[name]
            given = prepare(part, first)
            began = time.perf_counter()
            mine(given)
            spent[name] += time.perf_counter() - began
    return spent["cockpit"], spent["drain3"]


def grouping_accuracy(predicted: list[int], truth: list[int]) -> float:
    """Loghub: a line is right when its predicted group equals its true group, line for line."""
    by_pred: dict[int, set[int]] = defaultdict(set)
    by_true: dict[int, set[int]] = defaultdict(set)
    for i, (p, t) in enumerate(zip(predicted, truth, strict=True)):
        by_pred[p].add(i)
        by_true[t].add(i)
    right = sum(len(lines) for lines in by_pred.values()
                if by_true[truth[next(iter(lines))]] == lines)
    return right / len(truth)


def corpus(name: str, n: int) -> list[str]:
    return [t for t, _ in mixed_corpus(n)] if name == "mixed" else k8s_corpus(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--interleaved", action="store_true")
    parser.add_argument("--corpus", choices=["mixed", "k8s"], default="mixed")
    args = parser.parse_args()
    n = args.lines
    if args.interleaved:
        logging.getLogger("drain3").setLevel(logging.WARNING)
        ours, theirs = interleaved(corpus(args.corpus, n))
        print(json.dumps({"cockpit": ours, "drain3": theirs}))
        return
    mixed = mixed_corpus(n)
    corpora = {"mixed": [t for t, _ in mixed], "k8s": k8s_corpus(n)}
    for name, texts in corpora.items():
        ours, our_ids = run_cockpit(texts)
        theirs, their_ids = run_drain3(texts)
        line = (f"{name:6} {len(texts):>7} lines  cockpit {len(texts) / ours:>9,.0f} lines/s  "
                f"drain3 {len(texts) / theirs:>8,.0f} lines/s  ratio {theirs / ours:4.1f}x  "
                f"templates {len(set(our_ids))} vs {len(set(their_ids))}")
        if name == "mixed":
            truth = [label for _, label in mixed]
            line += (f"  grouping accuracy {grouping_accuracy(our_ids, truth):.3f}"
                     f" vs {grouping_accuracy(their_ids, truth):.3f}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
