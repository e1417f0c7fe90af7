"""What a check left in the store, as comparable sets: the equality tests (incremental == full, partitioned ==
one pass) hold two checks' results against each other through this one reader."""

from __future__ import annotations


def stored_results(con) -> tuple[set, set]:
    """(findings with their events, explanations) as sets of tuples. An explanation is shown by its event's source
    key (it is stored by the event's ingest run and record), so two stores ingested differently compare equal."""
    findings = {(r, k, d, tuple(e or [])) for r, k, d, e in con.execute(
        "SELECT f.rule_id, f.finding_key, f.event_date, list(fe.source_event_id ORDER BY fe.source_event_id) "
        "FROM findings f LEFT JOIN finding_events fe USING (finding_id) GROUP BY ALL").fetchall()}
    explanations = set(con.execute(
        "SELECT e.source_system, e.source_event_id, x.basis FROM explanations x LEFT JOIN events e USING (run_id, record_no)"
    ).fetchall())
    return findings, explanations


def stored_columns(con) -> tuple[set, set]:
    """Every column a check writes, but its time stamps and review status: (findings, explanations). What a
    finding shows (the staff member, organisation, unit, evidence) and what an explanation names (the client,
    the date) come from columns the context fetches late, so the equality tests compare them too."""
    findings = set(con.execute(
        "SELECT finding_id, rule_id, category, severity, finding_key, source_system, account, staff_id, client_id, "
        "organisation_id, unit_id, first_time, last_time, event_date, event_count, CAST(evidence AS VARCHAR) "
        "FROM findings").fetchall())
    explanations = set(con.execute(
        "SELECT e.source_system, e.source_event_id, x.client_id, x.event_date, x.basis "
        "FROM explanations x LEFT JOIN events e USING (run_id, record_no)").fetchall())
    return findings, explanations
