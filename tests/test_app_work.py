"""What the dashboard's daily work rests on, below the pages: review versions that refuse a silent overwrite, the
data's real period despite a few events dated years off, plain words for codes, the case's evidence pack with
its content hash, and the monthly report's own-use section."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from app_pages._data import robust_span
from pipelines import workstore
from pipelines.reports import labels
from pipelines.reports.case_pack import build_case_pack
from pipelines.reports.monitoring import own_use
from pipelines.store import snapshot_path


def test_a_save_on_top_of_an_older_version_is_refused_with_who_changed_it_and_when(tmp_path):
    work = tmp_path / "w.sqlite"
    assert workstore.record_review(work, "F1", "under_review", actor="anna", expected_version=0) == 1
    with pytest.raises(workstore.ReviewConflict) as refused:
        workstore.record_review(work, "F1", "false_positive", actor="ben", expected_version=0)
    assert refused.value.actor == "anna" and refused.value.version == 1 and refused.value.at
    history = workstore.review_history(work, "F1")
    assert history["status"].to_list() == ["under_review"]  # nothing overwritten, nothing lost
    assert workstore.record_review(work, "F1", "false_positive", actor="ben", expected_version=1) == 2


def test_review_rows_written_before_versions_existed_are_numbered_in_the_order_they_were_written(tmp_path):
    work = tmp_path / "old.sqlite"
    con = sqlite3.connect(work)
    con.executescript((Path(__file__).parents[1] / "sql/work/001_work.sql").read_text())
    for status in ("under_review", "explained"):
        con.execute("INSERT INTO review_log (finding_id, status, actor, at) VALUES ('F1', ?, 'anna', '2025-06-01')",
                    [status])
    con.commit()
    con.close()
    assert workstore.review_version(work, "F1") == 2
    assert workstore.record_review(work, "F1", "violation_confirmed", actor="ben", expected_version=2) == 3


def test_the_real_period_ignores_a_few_events_dated_years_off_but_keeps_quiet_edge_days():
    days = [(date(2025, 1, 1) + timedelta(days=i), 1000) for i in range(365)]
    days[0] = (date(2025, 1, 1), 3)  # a quiet first day of real data (New Year) stays in
    days += [(date(2030, 6, 1), 2), (date(1970, 1, 1), 1)]  # clock skew and a zero date
    first, last, outliers = robust_span(pl.DataFrame(days, schema=["event_date", "n"], orient="row"))
    assert (first, last, outliers) == (date(2025, 1, 1), date(2025, 12, 31), 3)


def test_codes_become_plain_words_and_open_ended_periods_are_in_force_never_None_or_9999():
    frame = pl.DataFrame({"status": ["violation_confirmed", None], "valid_to": [date(9999, 12, 31), None],
                          "valid_from": [date(2025, 1, 2), date(2024, 3, 4)], "kind": ["responsible_worker", "unit"],
                          "note": [None, "x"]})
    fi = labels.display_frame(frame, "fi")
    assert fi.columns == ["Tila", "Päättyen", "Alkaen", "Laji", "Muistiinpano"]
    assert fi["Tila"].to_list() == ["rikkomus vahvistettu", ""]
    assert fi["Päättyen"].to_list() == ["voimassa", "voimassa"]
    assert fi["Alkaen"].to_list() == ["2.1.2025", "4.3.2024"]
    sv = labels.display_frame(frame, "sv")
    assert sv["Till"].to_list() == ["gällande", "gällande"] and sv["Typ"][0] == "ansvarig arbetstagare"
    assert not any(v == "None" for c in fi.columns for v in fi[c].cast(pl.Utf8).to_list())


def test_staff_roles_organisation_kinds_and_what_a_finding_was_about_are_words_not_codes():
    """Seen walking every page in the browser: the staff register's roles and organisation kinds, and an access's
    basis "finding: <status or rule>" on the provider chart and the timelines' tables, were codes."""
    frame = pl.DataFrame({"role": ["social_worker", "provider_worker"],
                          "organisation_kind": ["county", "private_provider"],
                          "basis": ["finding: after_end", "finding: involvement_missing"]})
    fi = labels.display_frame(frame, "fi", rename=False)
    assert fi["role"].to_list() == ["sosiaalityöntekijä", "palveluntuottajan työntekijä"]
    assert fi["organisation_kind"].to_list() == ["hyvinvointialue", "yksityinen palveluntuottaja"]
    assert fi["basis"][0] == "havainto: luvituksen päätyttyä"
    assert fi["basis"][1].startswith("havainto: ") and "_" not in fi["basis"][1]  # the rule's title
    assert labels.value_label("finding: after_end", "sv") == "observation: efter tillståndets slut"
    assert labels.value_label("social_worker", "sv") == "socialarbetare"


def test_a_findings_evidence_is_listed_with_named_fields_and_values_in_words():
    """The evidence under a finding's legal basis listed its JSON: field names, codes, ISO dates and, for the
    anomaly model, its drivers and both languages' texts."""
    for field in ("role", "service_task", "action", "unit_id", "peer_group", "aspects", "day_scores", "periods",
                  "distinct_clients", "threshold", "window_minutes", "differing", "missing", "ingested_at"):
        for lang in ("fi", "sv", "en"):
            assert labels.column_label(field, lang) != field.replace("_", " "), (field, lang)
    for code in ("uninvolved", "sustained", "volume", "placement_coordinator", "registry_clerk"):
        assert labels.value_label(code, "sv") != code


def test_a_service_task_is_named_in_words_and_a_county_specific_task_is_shown_as_it_came():
    """DOMAIN.md: role_permissions and events carry a service task; a person reads "lastensuojelu", not the code,
    and a task the label table does not know is shown as the source system wrote it (nothing disappears)."""
    frame = pl.DataFrame({"service_task": ["child_welfare", "placement", "vammaispalvelut"]})
    assert labels.display_frame(frame, "fi", rename=False)["service_task"].to_list() == [
        "lastensuojelu", "sijaishuolto", "vammaispalvelut"]
    assert labels.display_frame(frame, "sv", rename=False)["service_task"][0] == "barnskydd"


def test_a_case_pack_states_the_sha256_of_the_csv_it_comes_with(app_env):
    snap = snapshot_path(Path(app_env["LOKIVAHTI_STORE"]))
    history = pl.DataFrame(schema={"status": pl.Utf8, "actor": pl.Utf8})
    pack = build_case_pack(snap, "S003", person="Testi S003", statuses={}, history=history, lang="sv")
    assert pack.sha256 == hashlib.sha256(pack.csv_bytes).hexdigest()
    assert pack.pdf_bytes[:4] == b"%PDF" and pack.rows >= 1
    lines = pack.csv_bytes.decode().splitlines()
    assert lines[0].startswith("kind,finding_id,rule_id") and all(line.startswith("event,") for line in lines[1:])
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pack.pdf_bytes)).pages).replace("\n", "")
    assert pack.sha256 in text and "Ärendeutredning" in text


def test_the_reports_own_use_section_covers_the_month_or_if_analysed_later_up_to_the_report_day(tmp_path):
    work = tmp_path / "w.sqlite"
    workstore.log_access(work, user_name="anna", role="dpo", action="read", page="findings", staff_id="S1")
    today = date.today()
    table, start, end = own_use(work, date(2025, 5, 1), date(2025, 5, 31), today=today)
    assert (start, end) == (date(2025, 5, 1), today)  # May 2025 analysed later: the use since then
    assert table["lookups"].to_list() == [1]
    table, _s, end = own_use(work, today.replace(day=1), today.replace(day=28) if today.day <= 28 else today,
                             today=today)
    assert table.height == 1
