"""The supervision unit's provider page classifies each access against the provider's authorisation for its client
(sql/dashboard/provider_access_status.sql). An access's status depends only on its account, client and day, so the
page judges the ingest's account-client-day summary (sql/schema/010_event_summaries.sql) rather than every event
when that summary adds up to the events: the counts, the chart's markers and the list must read exactly as
classified from the events."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.checks.summaries import summaries_current
from pipelines.reports.queries import run


@pytest.fixture(scope="module")
def small(small_store):
    con = duckdb.connect(str(small_store), read_only=True)
    yield con
    con.close()


def providers(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT s.organisation_id FROM ref_staff s JOIN ref_provider_authorisations a USING (organisation_id)"
        " ORDER BY 1").fetchall()]


def test_the_ingest_keeps_a_summary_that_adds_up_to_the_events(small):
    assert summaries_current(small)


def test_every_providers_counts_read_the_same_from_the_summary_as_from_the_events(small):
    seen = 0
    for org in providers(small):
        from_summary = run(small, "provider_access_summary", organisation_id=org, summarised=True)
        from_events = run(small, "provider_access_summary", organisation_id=org, summarised=False)
        assert from_summary.equals(from_events), org
        seen += from_summary["accesses"].sum() or 0
    assert seen > 0  # the county's providers have accesses to classify


def test_every_providers_accesses_and_chart_markers_read_the_same_from_the_summary_as_from_the_events(small):
    clients = [r[0] for r in small.execute("SELECT DISTINCT client_id FROM events WHERE client_id IS NOT NULL"
                                           " ORDER BY 1").fetchall()]
    for org in providers(small):
        for name, params in (("provider_accesses", {"outside_only": False, "max_rows": 10**6, "row_offset": 0}),
                             ("provider_accesses", {"outside_only": True, "max_rows": 10**6, "row_offset": 0}),
                             ("provider_access_days", {"client_ids": clients})):
            from_summary = run(small, name, organisation_id=org, summarised=True, **params)
            from_events = run(small, name, organisation_id=org, summarised=False, **params)
            assert from_summary.equals(from_events), (org, name)
