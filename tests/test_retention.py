"""Retention: log data is kept 12 years from the event (703/2023 annex) and special-category data no
longer. Counted from the end of the event's year; reported by default, deleted only with --apply, and
the purge itself is logged.
"""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.config import load_config
from pipelines.retention import purge, report
from pipelines.store import connect
from pipelines.workstore import access_log, record_review, work_path_for

runner = CliRunner()


def event(con, eid: str, local: str) -> None:
    con.execute("INSERT INTO events BY NAME SELECT 'effica' AS source_system, ? AS source_event_id, "
                "CAST(? AS TIMESTAMP) AT TIME ZONE 'Europe/Helsinki' AS event_time, CAST(? AS TIMESTAMP) AS event_local, "
                "CAST(? AS DATE) AS event_date, 'read' AS action, false AS emergency, 'HVA' AS controller_id, "
                "0 AS run_id, 1 AS record_no, 'raw' AS raw", [eid, local, local, local[:10]])


def test_an_event_goes_on_the_first_day_after_twelve_full_years_from_the_end_of_its_year(tmp_store):
    con = connect(tmp_store)
    event(con, "old", "2013-12-31 23:59:00")   # kept to the end of 2025
    event(con, "kept", "2014-01-01 00:01:00")  # kept to the end of 2026
    work = work_path_for(tmp_store)
    on = {line.what: line for line in report(con, work, load_config(), today=date(2026, 1, 1))}
    assert on["events"].past_period == 1 and on["events"].kept_from == date(2014, 1, 1)
    assert report(con, work, load_config(), today=date(2025, 12, 31))[0].past_period == 0
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 2  # a report deletes nothing
    con.close()


def test_apply_deletes_only_what_is_past_and_logs_the_purge(tmp_store):
    con = connect(tmp_store)
    event(con, "old", "2010-06-01 10:00:00")
    event(con, "new", "2024-06-01 10:00:00")
    work = work_path_for(tmp_store)
    record_review(work, "f-old", "explained", actor="dpo")
    config = load_config() | {"retention": {"events_years": 12, "requests_years": 12, "reviews_years": 0}}
    purge(con, work, config, actor="tsv", today=date(2026, 12, 1))
    assert con.execute("SELECT source_event_id FROM events").fetchall() == [("new",)]
    log = access_log(work)
    assert log["action"].to_list() == ["delete"] and "events 1" in log["detail"][0]
    assert log["page"][0] == "retention" and log["user_name"][0] == "tsv"
    con.close()


def test_the_command_reports_without_apply(tmp_store):
    con = connect(tmp_store)
    event(con, "old", "2001-06-01 10:00:00")
    con.close()
    result = runner.invoke(app, ["--store", str(tmp_store), "retention"])
    assert result.exit_code == 0, result.output
    assert "nothing deleted" in result.output
    con = connect(tmp_store)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    con.close()
