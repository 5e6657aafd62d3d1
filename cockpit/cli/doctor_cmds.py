"""``cockpit doctor``: is every configured integration reachable and sane, and what to fix."""

from __future__ import annotations

import json

import click

from cockpit.cli.common import config_option, load

ICONS = {"ok": "✅", "warn": "⚠ ", "fail": "❌", "not configured": "–"}


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check Prometheus, Alertmanager and the other integrations; exit 1 unless all green."""
    from cockpit.doctor import all_green, run_checks

    cfg = load(ctx)
    rows = run_checks(cfg)
    green = all_green(rows)
    if as_json:
        click.echo(json.dumps({"ok": green, "checks": [
            {"check": r.check, "status": str(r.status), "detail": r.detail,
             "next_step": r.next_step} for r in rows]}, indent=2))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="cockpit doctor", title_justify="left")
        for column in ("Check", "Status", "Detail", "Next step"):
            table.add_column(column, overflow="fold")
        for r in rows:
            table.add_row(r.check, f"{ICONS[str(r.status)]} {r.status}", r.detail, r.next_step)
        Console().print(table)
    ctx.exit(0 if green else 1)
