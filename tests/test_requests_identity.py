"""One rule for the personal identity code, wherever it is read: the request, the dashboard and the ingest."""

from __future__ import annotations

import duckdb
import pytest
from disclosure_county import synthetic_hetu

from pipelines import identity
from pipelines.disclosure import register_request
from pipelines.sqlfiles import read_sql

CODE = synthetic_hetu("010190", "-", 999)      # ends in a letter: the case matters


def test_a_code_is_matched_in_upper_case_whatever_case_it_was_written_in():
    assert identity.normalise(" " + CODE.lower() + " ") == CODE
    assert identity.validate(CODE.lower()) == CODE


@pytest.mark.parametrize("text, why", [
    ("9" * 3000, "characters"),                           # garbage is refused before it is parsed
    (CODE[:-1] + ("A" if CODE[-1] != "A" else "B"), "check character"),
    ("310290-999A", "check character"),                    # no 31st of February
    ("not a code", "DDMMYYCZZZQ"),
    ("", "empty"),
])
def test_what_is_not_a_valid_code_is_refused_without_repeating_it(text, why):
    with pytest.raises(identity.InvalidIdentityCode) as caught:
        identity.validate(text)
    assert why in str(caught.value)
    assert not text or text not in str(caught.value)


def test_the_register_refuses_an_invalid_code_and_stores_the_normalised_one(tmp_path):
    with pytest.raises(identity.InvalidIdentityCode):
        register_request(tmp_path / "w.sqlite", client_id="x" * 3000, relation="self", period_from="2026-01-01",
                         period_to="2026-01-31")
    made = register_request(tmp_path / "w.sqlite", client_id=CODE.lower(), relation="self",
                            period_from="2026-01-01", period_to="2026-01-31")
    assert made.client_id == CODE


def test_the_ingest_normaliser_upper_cases_exactly_what_the_library_does():
    """sql/ingest/normalise.sql carries the same pattern as pipelines/identity.py HETU_SHAPE."""
    assert identity.HETU_SHAPE in read_sql("ingest/normalise.sql")
    samples = [CODE.lower(), CODE, "patient/abc-1", "  " + CODE.lower(), "urn:x:010190-999w-extra", "ab"]
    con = duckdb.connect()
    try:
        for text in samples:
            sql = ("SELECT CASE WHEN regexp_full_match(trim($t), '" + identity.HETU_SHAPE + "') "
                   "THEN upper(trim($t)) ELSE nullif(trim($t), '') END")
            assert con.execute(sql, {"t": text}).fetchone()[0] == identity.normalise(text), text
    finally:
        con.close()


def test_a_mapping_file_carries_a_disclosures_legal_basis_into_the_event(tmp_path):
    """asiakastietolaki 703/2023 10 § 3 mom: the disclosure log holds the provision the disclosure rests on."""
    from pipelines.ingest.engine import ingest_file
    from pipelines.store import connect

    export = tmp_path / "pro_consona_export.csv"
    export.write_text(
        "tapahtuma_id,aikaleima,käyttäjätunnus,asiakkaan_hetu,toimenpide,luovutuksen_saaja,luovutuksen_peruste,"
        "luovutetut_tiedot\n"
        f"d1,2026-03-05 10:00:00,anna,{CODE.lower()},luovutus,POLICE,ETL 812/2000 20 §,yhteystiedot\n",
        encoding="utf-8")
    con = connect(tmp_path / "s.duckdb")
    try:
        ingest_file(con, export)
        row = con.execute("SELECT client_id, legal_basis, data_description FROM events").fetchone()
    finally:
        con.close()
    assert row == (CODE, "ETL 812/2000 20 §", "yhteystiedot")   # and the lower-case code is stored normalised
