"""A log source for the benchmarks: N pods writing kubectl-style lines at a set rate.

Run as ``logs.command`` so lines take the real path (CommandFollower → split →
LogIngest → drain timer → pane). Prints ``--first`` at once, then
``--pods × --rate`` lines per second for ``--seconds`` (or ``--total`` lines as
fast as the pipe takes them), then ``--last``; writes what it sent to
``--report`` (JSON) and idles until its parent (the app) is gone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime

LEVELS = ("INFO", "INFO", "INFO", "DEBUG", "WARN", "INFO", "ERROR", "INFO")
MESSAGES = (
    "GET /api/v1/orders/{n} 200 {ms}ms",
    "POST /api/v1/cart/{n}/items 201 {ms}ms",
    "upstream payments-svc responded 503 after {ms}ms (attempt {a})",
    "connection pool exhausted: 50/50 in use, waiting {ms}ms",
    "cache miss for key user:{n}:profile",
    "retrying request id={n} attempt={a}",
)


def pod_names(count: int) -> list[str]:
    return [f"api-gateway-7d9f8c6b5-p{index:04d}" for index in range(count)]


def make_line(number: int, pods: list[str]) -> str:
    pod = pods[number % len(pods)]
    level = LEVELS[number % len(LEVELS)]
    message = MESSAGES[number % len(MESSAGES)].format(n=number, ms=number % 997, a=number % 5)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{stamp} {level} [{pod}] {message}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pods", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200.0, help="lines/s per pod")
    parser.add_argument("--seconds", type=float, default=0.0)
    parser.add_argument("--total", type=int, default=0, help="lines, as fast as possible")
    parser.add_argument("--first", default="BENCH-FIRST-LINE")
    parser.add_argument("--last", default="BENCH-LAST-LINE")
    parser.add_argument("--report", default="")
    args = parser.parse_args(argv)
    parent = os.getppid()
    out = sys.stdout
    pods = pod_names(args.pods)
    out.write(f"{args.first}\n")
    out.flush()
    sent = 0
    started = time.perf_counter()
    try:
        if args.total:
            while sent < args.total:
                count = min(500, args.total - sent)
                out.write("".join(make_line(sent + i, pods) for i in range(count)))
                sent += count
        elif args.seconds and args.rate:
            per_second = args.pods * args.rate
            planned = int(args.seconds * per_second)
            tick = 0.01
            while sent < planned:
                elapsed = time.perf_counter() - started
                due = min(int(elapsed * per_second) + 1, planned)
                if due > sent:
                    out.write("".join(make_line(sent + i, pods) for i in range(due - sent)))
                    out.flush()
                    sent = due
                time.sleep(tick)
        out.write(f"{args.last} sent={sent}\n")
        out.flush()
    except BrokenPipeError:
        return 0
    elapsed = time.perf_counter() - started
    if args.report:
        with open(args.report, "w") as report:
            json.dump({"sent": sent, "seconds": elapsed}, report)
    while os.getppid() == parent:  # the app still runs: stay, so the source stays "up"
        time.sleep(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
