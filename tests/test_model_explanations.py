"""The anomaly model's explanations in the dashboard's three languages (Finnish, Swedish, English).

Bilingual municipalities serve their residents in Finnish and Swedish (kielilaki 423/2003 10 §), and a data
protection officer reading a finding must see why it was raised in the language they work in. What is stored is
structured (drivers of a day; period, aspects and figures of a case); sql/features/explanation_texts.toml holds
the words, and `explanation_text(row, lang)` is the one renderer.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from pipelines.config import load_config
from pipelines.scoring import explanation_text, score
from pipelines.scoring.explain import LANGS, texts
from pipelines.scoring.toy import ANOMALY, load_toy_county

CASE = {"first_day": "2026-03-03", "last_day": "2026-03-28", "days": 15, "peer_group": "role+unit:sw|U1",
        "aspects": ["uninvolved", "hours"],
        "figures": [{"aspect": "uninvolved", "feature": "clients_uncovered", "value": 81.0, "peers": 20.0},
                    {"aspect": "hours", "feature": "out_of_hours_clients", "value": 6.0, "peers": 0.0}]}


def test_every_text_exists_in_finnish_swedish_and_english():
    table = texts()
    entries = [*table["lead"].values(), *table["peers"].values(), *table["aspect"].values()]
    entries += [spec[part] for spec in table["feature"].values() for part in ("day", "case") if part in spec]
    assert entries and all(set(entry) == set(LANGS) and all(entry.values()) for entry in entries)


def test_a_slow_case_is_told_with_its_period_and_its_clients_against_the_peers_in_each_language():
    fi, sv, en = (explanation_text({"evidence": json.dumps(CASE)}, lang) for lang in ("fi", "sv", "en"))
    assert en.startswith("From 3 March 2026 to 28 March 2026 (15 days flagged)")
    assert "opened 81 clients outside their caseload, 4× their peers (same role and unit)" in en
    assert "peers (same role and unit) typically none" in en
    assert sv.startswith("Från 3 mars 2026 till 28 mars 2026 (15 dagar flaggade)")
    assert "81 klienters uppgifter utanför den egna klientkretsen, 4× kollegerna (samma roll och enhet)" in sv
    assert fi.startswith("3.3.2026–28.3.2026 (15 päivää)")
    assert "4× vertaisiin (sama rooli ja yksikkö) nähden" in fi


def test_ratios_use_the_decimal_comma_in_finnish_and_swedish():
    case = {**CASE, "figures": [{"aspect": "volume", "feature": "clients", "value": 25.0, "peers": 10.0}]}
    assert "2,5×" in explanation_text(case, "fi") and "2,5×" in explanation_text(case, "sv")
    assert "2.5×" in explanation_text(case, "en")


def test_review_feedback_is_said_in_the_chosen_language():
    case = {**CASE, "feedback": {"explained_aspects": ["uninvolved"], "confirmed": 1}}
    sv = explanation_text(case, "sv")
    assert "förklarat (uninvolved)" in sv and "1 tidigare fall" in sv


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="fi, sv, en"):
        explanation_text(CASE, "de")


def test_stored_findings_and_scores_render_in_swedish(store_con):
    load_toy_county(store_con)
    score(store_con, load_config())
    staff, day = ANOMALY
    evidence, fi_stored = store_con.execute(
        "SELECT CAST(evidence AS VARCHAR), evidence->>'$.explanation_fi' FROM findings "
        "WHERE rule_id = 'model_anomaly' AND staff_id = ? AND event_date = ?", [staff, day]).fetchone()
    assert explanation_text({"evidence": evidence}, "fi") == fi_stored   # the stored text is the same renderer's
    sv = explanation_text({"evidence": evidence}, "sv")
    assert sv.startswith(f"Den {day.day} mars {day.year}") and "45 klienters uppgifter" in sv
    drivers, en_stored = store_con.execute(
        "SELECT CAST(drivers AS VARCHAR), explanation_en FROM scores WHERE staff_id = ? AND day = ?",
        [staff, day]).fetchone()
    assert explanation_text({"drivers": drivers}, "en") == en_stored
    assert "45 klienter utanför den egna klientkretsen" in explanation_text({"drivers": drivers}, "sv")


def test_the_case_dates_accept_dates_and_iso_text():
    assert explanation_text({**CASE, "first_day": date(2026, 3, 3), "last_day": date(2026, 3, 3)}, "en").startswith(
        "On 3 March 2026")
