"""``cockpit postmortem`` and ``cockpit stats``: what the journals add up to."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from cockpit.cli.common import CockpitUsageError, config_option, load
from cockpit.cli.incidents import open_incident, store
from cockpit.config import TargetsConfig
from cockpit.incident.journal import JournalError
from cockpit.incident.metrics import METRIC_NAMES, aggregate, format_duration, window_start
from cockpit.incident.model import Event, EventKind, utcnow
from cockpit.incident.postmortem import render_json, render_markdown
from cockpit.incident.store import default_actor


def targets_of(cfg: TargetsConfig) -> dict[str, float]:
    return {"ttd": cfg.ttd_minutes, "tta": cfg.tta_minutes, "ttm": cfg.ttm_minutes,
            "ttr": cfg.ttr_minutes}


def write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically (temp file + rename) with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@click.command()
@config_option
@click.argument("incident_id", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write ('-': stdout).")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.pass_context
def postmortem(ctx: click.Context, incident_id: str | None, output: str | None, fmt: str) -> None:
    """Write the post-mortem draft (default: the newest incident, into its folder)."""
    config = load(ctx)
    ids = store().ids()
    if not incident_id and not ids:
        raise CockpitUsageError("no incidents yet; start one with `cockpit new --title ...`")
    loaded = open_incident(incident_id or ids[-1])
    targets = targets_of(config.targets)
    render = render_markdown if fmt == "md" else render_json
    text = render(loaded.incident, targets)
    if output == "-":
        click.echo(text, nl=False)
        return
    path = Path(output) if output else loaded.folder / f"postmortem.{fmt}"
    try:
        write_private(path, text)
        loaded.journal.append(Event(
            utcnow(), EventKind.POSTMORTEM_WRITTEN, default_actor(config.engineer.name),
            f"Post-mortem draft written to {path}", {"path": str(path), "format": fmt},
        ))
    except (OSError, JournalError) as exc:
        raise CockpitUsageError(f"cannot write {path}: {exc}") from None
    click.echo(str(path))


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Mean time to acknowledge / mitigate / resolve, over all incidents and recent ones."""
    config = load(ctx)
    targets = targets_of(config.targets)
    incidents = [item.incident for item in store().all()]
    now = utcnow()
    windows = {"all": None, "30d": window_start(now, 30), "7d": window_start(now, 7)}
    results = {name: aggregate(incidents, since=since) for name, since in windows.items()}
    if as_json:
        click.echo(json.dumps({
            "targets_s": {k: v * 60 for k, v in targets.items()},
            "windows": {name: {"count": agg.count, "open": agg.open,
                               **{f"m{k}_s": agg.means[k] for k in METRIC_NAMES}}
                        for name, agg in results.items()},
        }, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Incident response times", caption="✅ mean within target, ❌ over it")
    table.add_column("Window")
    table.add_column("Incidents", justify="right")
    table.add_column("Open", justify="right")
    for name in METRIC_NAMES:
        table.add_column(f"M{name.upper()} (target {format_duration(targets[name] * 60)})",
                         justify="right")
    for label, agg in results.items():
        cells = []
        for name in METRIC_NAMES:
            mean = agg.means[name]
            mark = "" if mean is None else (" ✅" if mean <= targets[name] * 60 else " ❌")
            cells.append(format_duration(mean) + mark)
        table.add_row(label, str(agg.count), str(agg.open), *cells)
    Console().print(table)

