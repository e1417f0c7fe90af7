"""The audit of the auditors cannot be switched off or forged.

703/2023 10 §: every use of client data is logged — Lokivahti's own look-ups, exports and answers too.
The trail is imported as events of the reserved source `lokivahti` by its own sequence, hash-chained,
verified by `lokivahti status`, and its users are staff like any other system's users.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.config import load_config
from pipelines.errors import LokivahtiError
from pipelines.ingest.applog import import_app_access_log, last_imported_id, log_own_use, verify_chain
from pipelines.store import connect
from pipelines.workstore import access_log, log_access, work_path_for

runner = CliRunner()
HETU = "010180-9015"


def staff(con, *users: str) -> None:
    for i, user in enumerate(users, start=1):
        con.execute("INSERT INTO ref_staff (staff_id, full_name, organisation_id, unit_id, role) "
                    "VALUES (?, ?, 'HVA', 'TSV', 'dpo')", [f"S{i}", user])
        con.execute("INSERT INTO ref_accounts VALUES ('lokivahti', ?, ?, NULL)", [user, f"S{i}"])


def test_the_own_log_is_imported_by_its_own_sequence_not_by_the_largest_event_id(tmp_store):
    """An old store may hold a `lokivahti` event with a huge id (planted before the name was reserved):
    the import still takes every row of the log, and only once."""
    con = connect(tmp_store)
    staff(con, "dpo_maija")
    con.execute("INSERT INTO events BY NAME SELECT 'lokivahti' AS source_system, '999999' AS source_event_id, "
                "TIMESTAMPTZ '2024-01-01 00:00:00+00' AS event_time, TIMESTAMP '2024-01-01 02:00:00' AS event_local, "
                "DATE '2024-01-01' AS event_date, 'read' AS action, false AS emergency, 'HVA' AS controller_id, "
                "0 AS run_id, 1 AS record_no")
    work = work_path_for(tmp_store)
    for client in ("C1", "C2"):
        log_access(work, user_name="dpo_maija", role="dpo", action="read", page="client", client_id=client)
    first = import_app_access_log(con, work, load_config())
    again = import_app_access_log(con, work, load_config())
    assert (first.rows, first.unknown_users, again.rows) == (2, [], 0)
    assert last_imported_id(con) == 2
    assert con.execute("SELECT source_event_id, client_id FROM events WHERE source_system = 'lokivahti' "
                       "AND run_id > 0 ORDER BY 1").fetchall() == [("1", "C1"), ("2", "C2")]
    con.close()


def test_a_dashboard_user_who_is_no_staff_member_is_named_as_a_configuration_error(tmp_store):
    con = connect(tmp_store)
    staff(con, "dpo_maija")
    work = work_path_for(tmp_store)
    log_access(work, user_name="dpo_maija", role="dpo", action="read", page="client", client_id="C1")
    log_access(work, user_name="temp_admin", role="dpo", action="read", page="client", client_id="C1")
    assert import_app_access_log(con, work, load_config()).unknown_users == ["temp_admin"]
    con.close()


def test_the_chain_finds_an_edited_row_and_status_says_where(tmp_store):
    con = connect(tmp_store)
    con.close()
    work = work_path_for(tmp_store)
    for client in ("C1", "C2", "C3"):
        log_access(work, user_name="dpo_maija", role="dpo", action="read", page="client", client_id=client)
    assert verify_chain(work).intact
    ok = runner.invoke(app, ["--store", str(tmp_store), "status"])
    assert ok.exit_code == 0 and "hash chain intact" in ok.output
    with closing(sqlite3.connect(work)) as raw:  # someone hides who was looked up
        raw.execute("UPDATE app_access_log SET client_id = 'C9' WHERE id = 2")
        raw.commit()
    report = verify_chain(work)
    assert (report.intact, report.broken_at) == (False, 2)
    bad = runner.invoke(app, ["--store", str(tmp_store), "status"])
    assert bad.exit_code == 5 and "broken at row 2" in bad.output


def test_a_deleted_row_breaks_the_chain_and_a_cut_tail_shows_against_the_store(tmp_store):
    con = connect(tmp_store)
    staff(con, "dpo_maija")
    work = work_path_for(tmp_store)
    for client in ("C1", "C2", "C3"):
        log_access(work, user_name="dpo_maija", role="dpo", action="read", page="client", client_id=client)
    import_app_access_log(con, work, load_config())
    with closing(sqlite3.connect(work)) as raw:
        raw.execute("DELETE FROM app_access_log WHERE id = 3")  # the tail: the chain itself still holds
        raw.commit()
    report = verify_chain(work, con)
    assert report.broken_at is None and report.missing_imported == 1 and not report.intact
    with closing(sqlite3.connect(work)) as raw:
        raw.execute("DELETE FROM app_access_log WHERE id = 1")
        raw.commit()
    assert verify_chain(work, con).broken_at == 2
    con.close()


def test_cli_findings_exports_are_logged_and_owner_only(tmp_store, tmp_path):
    con = connect(tmp_store)
    con.close()
    out = tmp_path / "exports" / "findings.csv"
    missing = runner.invoke(app, ["--store", str(tmp_store), "findings", "--out", str(out)])
    # a LokivahtiError: `lokivahti` prints it as one line and exits 2, never a traceback
    assert isinstance(missing.exception, LokivahtiError) and "does not exist" in str(missing.exception)
    assert not out.parent.exists()
    out.parent.mkdir()
    done = runner.invoke(app, ["--store", str(tmp_store), "findings", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert out.stat().st_mode & 0o777 == 0o600
    log = access_log(work_path_for(tmp_store))
    assert log.filter(log["page"] == "cli_findings")["action"].to_list() == ["export"]


def test_a_purge_or_export_by_the_cli_names_the_operating_system_user(tmp_store):
    work = work_path_for(tmp_store)
    log_own_use(work, action="export", page="cli_findings", detail="3 findings (csv)")
    row = access_log(work).row(0, named=True)
    assert row["user_name"] and row["role"] == "cli" and row["detail"] == "3 findings (csv)"
