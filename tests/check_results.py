"""What a check left in the store, as comparable sets: the equality tests (incremental == full, partitioned ==
one pass) hold two checks' results against each other through this one reader."""

from __future__ import annotations


def stored_results(con) -> tuple[set, set]:
    """(findings with their events, explanations) as sets of tuples."""
    findings = {(r, k, d, tuple(e or [])) for r, k, d, e in con.execute(
        "SELECT f.rule_id, f.finding_key, f.event_date, list(fe.source_event_id ORDER BY fe.source_event_id) "
        "FROM findings f LEFT JOIN finding_events fe USING (finding_id) GROUP BY ALL").fetchall()}
    explanations = set(con.execute("SELECT source_system, source_event_id, basis FROM explanations").fetchall())
    return findings, explanations
