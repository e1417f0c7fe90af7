"""`lokivahti check`: run the rule catalogue (sql/checks/) over the store, incrementally."""

import typer
from rich.markup import escape
from rich.table import Table

from .. import steps
from ..cli import app
from ._common import config, err, out, store


@app.command("check")
def check_command(
    full: bool = typer.Option(False, "--full", help="Re-check every event, not only dates touched since the last check."),
    quiet: bool = typer.Option(False, "--quiet", help="Print only the summary line."),
):
    """Check every access against the rules and store findings and explanations.

    Imports the dashboard's own access log first (source `lokivahti`), then re-checks only event dates
    touched by new ingest runs, unless the reference data changed (then everything). Publishes the
    snapshot the dashboard reads.
    """
    checked = steps.check(store(), config=config(), full=full).detail
    result, shares, imported = checked.run, checked.shares, checked.own_use
    if imported.rows:
        out.print(f"imported {imported.rows} rows of Lokivahti's own access log as source `lokivahti`")
    out.print(f"check run {result.check_run_id}: scope {result.scope.kind} ({result.scope.reason}); "
              f"findings {result.findings_total:,} ({result.findings_new:,} new) in {result.seconds:.1f} s")
    if quiet or result.scope.kind == "none":
        _unknown_dashboard_users(imported.unknown_users)
        return
    t = Table(title="findings per rule")
    t.add_column("rule", no_wrap=True, min_width=32)
    t.add_column("findings", justify="right")
    t.add_column("seconds", justify="right")
    for rule_id, seconds in sorted(result.rule_seconds.items()):
        t.add_row(rule_id, f"{result.per_rule.get(rule_id, 0):,}", f"{seconds:.2f}")
    out.print(t)
    s = Table("source system", "access events", "in findings", "explained", "explained share",
              title="explanations of the events this check examined")
    for r in shares.iter_rows(named=True):
        share = "-" if r["explained_share"] is None else f"{100 * r['explained_share']:.1f} %"
        s.add_row(r["source_system"], f"{r['access_events']:,}", f"{r['in_findings']:,}",
                  f"{r['explained']:,}", share)
    out.print(s)
    _unknown_dashboard_users(imported.unknown_users)


def _unknown_dashboard_users(users: list[str]) -> None:
    """A dashboard user who is nobody in the staff register is a configuration error (docs/dashboard.md)."""
    if users:
        err.print(f"[red]configuration error:[/red] dashboard user(s) {escape(', '.join(users))} have no row in "
                  "accounts.csv with source_system `lokivahti` and a staff_id in staff.csv; their use of "
                  "Lokivahti is stored but cannot be attributed (add them and re-run `lokivahti reference`)",
                  highlight=False)
        raise typer.Exit(code=4)
