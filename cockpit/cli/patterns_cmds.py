"""``cockpit patterns``: the log-template miner of the log pane, on any log file or stdin.

Useful on its own ("what is this 2 GB log full of?") and for judging grouping quality:
``--assign`` prints each line's template id, to compare with labelled corpora.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from cockpit.cli.common import CockpitUsageError, config_option
from cockpit.safe_text import inert

if TYPE_CHECKING:
    from cockpit.analysis.pattern_sampling import Row
    from cockpit.analysis.pattern_snapshot import TemplateStats

_SNIFF = 8192


def _open(source: str) -> tuple[IO[bytes], str]:
    if source == "-":
        return sys.stdin.buffer, "stdin"
    path = Path(source)
    if path.is_dir():
        raise CockpitUsageError(f"{source} is a directory; give a log file or - for stdin")
    try:
        return path.open("rb"), path.name
    except OSError as exc:
        raise CockpitUsageError(f"cannot read {source}: {exc.strerror or exc}") from None


def _lines(stream: IO[bytes], name: str) -> Iterator[str]:
    head = stream.read(_SNIFF)
    nul = head.find(b"\x00")
    if nul >= 0:
        raise CockpitUsageError(
            f"{inert(name)} looks binary (a NUL byte at offset {nul}), not a text log; "
            "decompress or decode it first (e.g. zcat FILE | cockpit patterns -)")
    rest = stream.readline() if head and not head.endswith(b"\n") else b""
    for raw in (head + rest).splitlines():
        yield raw.decode("utf-8", "surrogateescape")
    for raw in stream:
        yield raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape")


@click.command("patterns")
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--assign", is_flag=True, help="Print each input line's template id, in order.")
@click.option("--top", "top", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many templates to list (0: all).")
@config_option
def patterns(source: str, as_json: bool, assign: bool, top: int) -> None:
    """Group the lines of a log FILE (or stdin) into templates and count them."""
    from cockpit.analysis.patterns import PatternMiner
    from cockpit.sources.logs.ingest import split_timestamp
    from cockpit.sources.logs.levels import LevelTagger

    stream, name = _open(source)
    miner = PatternMiner()
    tagger = LevelTagger()
    ids: list[int] = []
    fallback = datetime.now(UTC).timestamp()
    stream_key = (name, "")
    rows: list[Row] = []

    def mine() -> None:  # in batches, as the screen's worker does
        mined = miner.add_rows(rows)
        if assign:
            ids.extend(mined)
        rows.clear()

    try:
        for text in _lines(stream, name):
            stamp, _ = split_timestamp(text)
            ts = stamp.timestamp() if stamp is not None else fallback
            rows.append((ts, name, text, tagger.tag(stream_key, text)))
            if len(rows) == 2000:
                mine()
        mine()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    snapshot = miner.snapshot(limit=None if assign or not top else top)
    if assign:
        _print_assign(ids, snapshot.templates, as_json)
    elif as_json:
        click.echo(json.dumps(_json(snapshot.to_dict(), name), indent=2))
    else:
        _print_table(snapshot.templates, snapshot.lines, len(miner.drain.id_to_cluster), name)


def _json(data: dict[str, Any], name: str) -> dict[str, Any]:
    data["source"] = inert(name)
    for t in data["templates"]:
        t.pop("buckets", None)  # per-10 s counts make no sense for a file read at once
    return data


def _print_assign(ids: list[int], templates: Sequence[TemplateStats], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"ids": ids, "templates": {
            str(t.id): t.template for t in templates}}))
        return
    click.echo("".join(f"{i}\n" for i in ids), nl=False)


def _print_table(templates: Sequence[TemplateStats], lines: int, total: int, name: str) -> None:
    if not lines:
        click.echo(f"{inert(name)}: no lines, no templates")
        return
    click.echo(f"{inert(name)}: {lines} lines, {total} templates")
    click.echo(f"{'COUNT':>8}  {'ID':>5}  {'LEVEL':<5}  TEMPLATE")
    for t in templates:
        click.echo(f"{t.count:>8}  {t.id:>5}  {t.level or '-':<5}  {t.template}")
