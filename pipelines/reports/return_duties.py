"""The provider's duty to return or delete a client's documents, and the supervision unit's confirmations.

Seed 000 §4-5: when a service ends, or never starts after the provider received the child's documents, the
provider must return them to the responsible social worker and delete them from its archive and files. Each
ended or never-started authorisation therefore carries an open duty into the provider page and the
investigation pack until the supervision unit records when the return or deletion was confirmed. The
duties come from the reference data (sql/dashboard/provider_return_duties.sql); the confirmations are work
the supervision unit does, so they live in the work store beside the review state.
"""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from ..sqlfiles import read_sql, statement
from ..workstore import connect_work
from .queries import run

_CONFIRMATION_SCHEMA = {"client_id": pl.Utf8, "phase": pl.Utf8, "valid_from": pl.Date, "confirmed_on": pl.Date,
                        "confirmed_by": pl.Utf8, "note": pl.Utf8}


def _connect(work_path: str | Path):
    con = connect_work(work_path)
    con.executescript(read_sql("work/return_confirmations.sql"))
    return con


def record_confirmation(work_path: str | Path, organisation_id: str, client_id: str, phase: str,
                        valid_from: date, confirmed_on: date, actor: str, note: str | None = None) -> None:
    """Record that the provider's return or deletion of one authorisation's documents was confirmed."""
    if confirmed_on > date.today():
        raise ValueError("a confirmation cannot be dated in the future")
    with closing(_connect(work_path)) as con:
        con.execute(
            statement("work/return_duty_queries.sql", "add"),
            [organisation_id, client_id, phase, valid_from.isoformat(), confirmed_on.isoformat(), note, actor,
             datetime.now(UTC).isoformat(timespec="seconds")],
        )


def confirmations(work_path: str | Path | None, organisation_id: str) -> pl.DataFrame:
    """The latest confirmation per authorisation of one provider (none when there is no work store)."""
    if work_path is None or not Path(work_path).exists():
        return pl.DataFrame(schema=_CONFIRMATION_SCHEMA)
    with closing(_connect(work_path)) as con:
        rows = con.execute(statement("work/return_duty_queries.sql", "latest_of_provider"),
                           [organisation_id]).fetchall()
    return pl.DataFrame(
        [(c, p, date.fromisoformat(v), date.fromisoformat(o), a, n) for c, p, v, o, a, n in rows],
        schema=_CONFIRMATION_SCHEMA, orient="row")


def return_duties(db, organisation_id: str, work_path: str | Path | None, as_of: date | None = None) -> pl.DataFrame:
    """Every ended or never-started authorisation of the provider with its duty and confirmation state:
    client_id, agreement, phase, valid_from, effective_to, reason, duty_from, confirmed_on, confirmed_by, note."""
    duties = run(db, "provider_return_duties", organisation_id=organisation_id, as_of=as_of or date.today())
    done = confirmations(work_path, organisation_id)
    return (duties.drop("line_no")
            .join(done, on=["client_id", "phase", "valid_from"], how="left")
            .with_columns(pl.col("confirmed_on").is_not_null().alias("confirmed")))
