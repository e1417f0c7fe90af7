"""Client systems' own exports (pro_consona, effica, portal) are read through mapping files alone."""

from __future__ import annotations

import shutil
import tomllib

import pytest
from ingest_helpers import BAD, FIXTURES, assert_balanced, bad_cases, check_bad_case

from pipelines.config import load_config
from pipelines.errors import InputError
from pipelines.ingest import mapping
from pipelines.ingest.engine import ingest_file
from pipelines.ingest.formats import detect_adapter
from pipelines.ingest.records import ACTIONS, CANONICAL_COLUMNS, OUTCOMES, PURPOSES

SERVICE_TASKS = {"child_welfare", "family_social_work", "adult_social_work", "home_care", "placement"}


def event(con, source_system, event_id):
    cols = ["event_time", "event_local", "account", "client_id", "action", "service_task", "document", "purpose",
            "emergency", "channel", "organisation_id", "controller_id", "recipient_organisation_id", "outcome",
            "session_id", "search_criteria", "record_count", "time_flag"]
    row = con.execute(f"SELECT {', '.join(cols)} FROM events WHERE source_system = ? AND source_event_id = ?",
                      [source_system, event_id]).fetchone()
    return dict(zip(cols, row)) if row else None


@pytest.mark.parametrize("name, fmt", [("pro_consona.csv", "mapping:pro_consona"), ("effica.csv", "mapping:effica"),
                                       ("portal.jsonl", "mapping:portal")])
def test_each_client_system_export_is_recognised_by_its_header_or_keys(name, fmt):
    path = FIXTURES / name
    assert detect_adapter(path, config=load_config()).format_name == fmt


def test_pro_consona_finnish_words_become_canonical_values_and_local_time_becomes_utc(store_con):
    tally = ingest_file(store_con, FIXTURES / "pro_consona.csv")
    assert_balanced(store_con, tally)
    assert tally.normalised_new == 5
    e = event(store_con, "pro_consona", "PC-4")
    assert (e["action"], e["service_task"], e["purpose"], e["recipient_organisation_id"]) == (
        "disclose", "placement", "statutory_right", "YKS1")
    assert e["event_time"].isoformat() == "2024-03-05T11:00:00+00:00"  # 13:00 EET
    assert str(e["event_local"]) == "2024-03-05 13:00:00"
    search = event(store_con, "pro_consona", "PC-3")
    assert (search["action"], search["search_criteria"], search["record_count"]) == ("search", "sukunimi=*", 12)
    emergency = event(store_con, "pro_consona", "PC-5")
    assert emergency["emergency"] is True and emergency["purpose"] == "emergency"
    assert emergency["outcome"] == "failure"


def test_effica_windows_1252_crlf_and_finnish_dates_are_read(store_con):
    tally = ingest_file(store_con, FIXTURES / "effica.csv")
    assert tally.normalised_new == 4 and tally.quarantined == 0
    e = event(store_con, "effica", "EF-1")
    assert e["document"] == "Päätös"  # decoded from Windows-1252
    assert e["event_time"].isoformat() == "2024-03-04T06:01:02+00:00"
    assert e["channel"] == "native" and e["controller_id"] == "HVA"
    # HÄ is the emergency basis; 27.10.2024 03:30 falls in the repeated autumn hour (first pass)
    late = event(store_con, "effica", "EF-4")
    assert late["purpose"] == "emergency" and late["emergency"] is True
    assert late["time_flag"] == "ambiguous_first"


def test_portal_times_are_utc_and_the_channel_and_provider_come_from_the_mapping(store_con):
    ingest_file(store_con, FIXTURES / "portal.jsonl")
    e = event(store_con, "portal", "P-2")
    assert e["event_time"].isoformat() == "2024-03-04T07:16:10+00:00"
    assert (e["channel"], e["organisation_id"], e["action"], e["service_task"]) == (
        "portal", "YKS1", "export", "placement")
    login = event(store_con, "portal", "P-3")
    assert login["action"] == "other" and login["client_id"] is None


@pytest.mark.parametrize("name", bad_cases("pro_consona", "effica", "portal", "empty", "header"))
def test_every_bad_client_system_export_gives_its_reason(store_con, name):
    check_bad_case(store_con, name)


def test_a_quarantine_reason_never_repeats_the_personal_identity_code(store_con):
    for name in bad_cases("pro_consona", "effica", "portal"):
        if (BAD / name).stat().st_size:
            try:
                ingest_file(store_con, BAD / name)
            except InputError as exc:
                assert "A90" not in str(exc)
    reasons = [r[0] for r in store_con.execute("SELECT reason FROM quarantine").fetchall()]
    assert reasons and not any("A901" in r or "A902" in r or "-903" in r for r in reasons)


def test_a_missing_column_without_source_is_an_unrecognised_format_with_a_hint(store_con):
    with pytest.raises(InputError) as caught:
        ingest_file(store_con, BAD / "effica_missing_column.csv")
    assert "--source" in caught.value.reason


def test_an_unknown_source_name_lists_the_known_mappings(store_con):
    with pytest.raises(InputError) as caught:
        ingest_file(store_con, FIXTURES / "effica.csv", source="nosuch")
    assert "effica" in caught.value.reason and "pro_consona" in caught.value.reason


@pytest.mark.parametrize("name", ["pro_consona", "effica", "portal"])
def test_every_mapping_translates_only_into_canonical_vocabularies(name):
    m = mapping.load_mapping(name)
    allowed = {"action": set(ACTIONS), "purpose": set(PURPOSES), "service_task": SERVICE_TASKS,
               "outcome": set(OUTCOMES), "emergency": {"true", "false"}}
    for field, words in m.values.items():
        assert set(words.values()) <= allowed[field], field
    assert set(m.columns) <= set(CANONICAL_COLUMNS)
    assert set(m.detect_columns) <= set(m.columns.values())


def test_adding_a_client_system_needs_only_a_mapping_file(tmp_path, monkeypatch, store_con):
    folder = tmp_path / "mappings"
    shutil.copytree(mapping.MAPPINGS_DIR, folder)
    (folder / "hilkka.toml").write_text(
        'source_system = "hilkka"\nkind = "csv"\nencoding = "utf-8"\ndelimiter = "|"\n'
        '[detect]\ncolumns = ["id", "when", "who", "what"]\n'
        '[time]\nformat = "%d/%m/%Y %H.%M"\nzone = "Europe/Helsinki"\n'
        '[columns]\nsource_event_id = "id"\nevent_time = "when"\naccount = "who"\naction = "what"\n'
        '[values.action]\nopen = "read"\n', encoding="utf-8")
    monkeypatch.setattr(mapping, "MAPPINGS_DIR", folder)
    mapping.load_mapping.cache_clear()
    try:
        export = tmp_path / "hilkka.txt"
        export.write_text("id|when|who|what\nH1|01/07/2024 10.00|nurse1|open\n", encoding="utf-8")
        tally = ingest_file(store_con, export)
        assert tally.format == "mapping:hilkka" and tally.normalised_new == 1
        row = store_con.execute("SELECT event_time, action FROM events WHERE source_system = 'hilkka'").fetchone()
        assert row[0].isoformat() == "2024-07-01T07:00:00+00:00" and row[1] == "read"  # EEST
    finally:
        mapping.load_mapping.cache_clear()


def test_the_adapter_streams_records_one_at_a_time():
    adapter = mapping.load_mapping("pro_consona").adapter(load_config())
    records = adapter.records(FIXTURES / "pro_consona.csv")
    first = next(records)
    assert first.record_no == 1 and first.line_no == 2
    assert first.fields["source_system"] == "pro_consona"


def test_mapping_files_are_valid_toml_documented_in_docs():
    from pipelines import PROJECT_ROOT

    doc = (PROJECT_ROOT / "docs" / "mappings.md").read_text(encoding="utf-8")
    for path in mapping.MAPPINGS_DIR.glob("*.toml"):
        with open(path, "rb") as fh:
            keys = set(tomllib.load(fh))
        for key in keys:
            assert f"`{key}`" in doc or f"`[{key}]`" in doc or f"`[{key}." in doc, f"{key} of {path.name} is not documented in docs/mappings.md"
