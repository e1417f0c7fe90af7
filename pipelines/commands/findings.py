"""`lokivahti findings`: export findings as CSV or JSON, with review status and source event ids."""

from pathlib import Path

import typer

from ..checks.export import findings_frame, to_csv, to_json
from ..cli import app
from ..errors import LokivahtiError
from ..ingest.applog import log_own_use
from ..safe_files import output_file, write_owner_only
from ..workstore import REVIEW_STATUSES, current_reviews, work_path_for
from ._common import err, open_ro, out, store


@app.command("findings")
def findings_command(
    format: str = typer.Option("csv", "--format", help="csv or json."),
    status: str | None = typer.Option(None, "--status", help="Only this review status (new, under_review, ...)."),
    category: str | None = typer.Option(None, "--category", help="Only this category (involvement, role, ...)."),
    rule: str | None = typer.Option(None, "--rule", help="Only this rule id."),
    out_file: Path | None = typer.Option(None, "--out", help="Write to this file (owner-only) instead of stdout."),
):
    """Findings to a file: rule, category, severity, review status, user, client, time and the
    (source_system, source_event_id) of every event. CSV cells are neutralised against formula injection."""
    if format not in ("csv", "json"):
        raise LokivahtiError(f"--format must be csv or json, not {format!r}")
    if status and status not in REVIEW_STATUSES:
        raise LokivahtiError(f"--status must be one of {', '.join(REVIEW_STATUSES)}")
    if out_file:
        output_file(out_file)  # before any work: a missing folder is one clear line
    con = open_ro()
    try:
        frame = findings_frame(con, current_reviews(work_path_for(store())),
                               status=status, category=category, rule=rule)
    finally:
        con.close()
    text = to_csv(frame) if format == "csv" else to_json(frame)
    if out_file:
        write_owner_only(out_file, text)
        log_own_use(work_path_for(store()), action="export", page="cli_findings",
                    detail=f"{frame.height} findings ({format})")
        err.print(f"{frame.height} findings written to {out_file}")
    else:
        out.file.write(text if text.endswith("\n") else text + "\n")
