"""The tiny county of the dashboard tests (tests/app_county.py) is what the pages expect."""

from __future__ import annotations

from pathlib import Path

from app_county import C1, C2, C3

from pipelines.store import snapshot_path


def test_the_tiny_county_has_findings_events_and_scores_in_its_published_snapshot(app_env):
    from pipelines.reports.queries import run

    snap = snapshot_path(Path(app_env["LOKIVAHTI_STORE"]))
    assert snap.exists()
    brief = run(snap, "findings_brief", provider_only=False)
    assert set(brief["rule_id"]) == {"involvement_missing", "provider_outside_authorisation"}
    provider = run(snap, "findings_brief", provider_only=True)
    assert set(provider["organisation_id"]) == {"PRV1"}
    assert run(snap, "events_per_source_day")["events"].sum() > 40


def test_synthetic_identity_codes_use_never_issued_individual_numbers_and_a_valid_check_character():
    from stdnum.fi import hetu

    for code in (C1, C2, C3):
        assert hetu.is_valid(code, allow_temporary=True)
        assert 900 <= int(code[7:10]) <= 999
