-- title: the explained share: of the legitimate access events, the share the catalogue explained
-- description: One measure for `lokivahti check` and `lokivahti evaluate`. An access event counts as explained
--   when it has an explanation (checks/explanations.sql) and is in no rule finding. The denominator is the
--   legitimate access events: with labels ($labelled, the generator's event labels registered as `labels`),
--   those no label marks as a violation, so a rule that flags legitimate work lowers the share; without
--   labels, those in no rule finding (the findings stand for the violations until they are reviewed).
--   The anomaly model's findings (type machine_learning) do not count as rule findings: they are leads
--   that attach every event of an unusual case, explained or not, not a rule's verdict; nor do findings about
--   the log's content (log_completeness), which say nothing of whether the access was lawful.
WITH acc AS (
    SELECT source_system, source_event_id, run_id, record_no FROM events
    WHERE client_id IS NOT NULL AND action <> 'other' AND coalesce(outcome, 'success') = 'success'
), flagged AS (
    SELECT DISTINCT fe.source_system, fe.source_event_id FROM finding_events fe
    JOIN findings fi USING (finding_id) WHERE fi.category NOT IN ('model', 'log_completeness')
), explained AS (
    -- an explanation names its event by ingest run and record (sql/schema/015_explanations_by_record.sql)
    SELECT DISTINCT run_id, record_no FROM explanations
), violations AS (
    SELECT DISTINCT source_system, source_event_id FROM labels WHERE kind = 'violation'
), judged AS (
    SELECT a.source_system,
        f.source_event_id IS NOT NULL AS in_finding,
        x.record_no IS NOT NULL AND f.source_event_id IS NULL AS explained,
        CASE WHEN $labelled THEN v.source_event_id IS NULL ELSE f.source_event_id IS NULL END AS legitimate
    FROM acc a
    LEFT JOIN flagged f USING (source_system, source_event_id)
    LEFT JOIN explained x USING (run_id, record_no)
    LEFT JOIN violations v USING (source_system, source_event_id)
)
SELECT source_system,
    count(*) AS access_events,
    count(*) FILTER (WHERE in_finding) AS in_findings,
    count(*) FILTER (WHERE legitimate) AS legitimate,
    count(*) FILTER (WHERE legitimate AND explained) AS explained,
    CASE WHEN count(*) FILTER (WHERE legitimate) = 0 THEN NULL
         ELSE count(*) FILTER (WHERE legitimate AND explained) / count(*) FILTER (WHERE legitimate)
    END AS explained_share
FROM judged
GROUP BY ALL ORDER BY 1;
