-- title: every client's events with basis and findings, as the input of the client-sorted copy
-- description: Same columns as client_rows_live.sql, for all events that name a client. A view: the copy's
--   build (client_index.sql, step `enriched`) reads it once (pipelines/disclosure/index.py).
CREATE OR REPLACE TEMP VIEW disclosure_rows AS
WITH fe AS (
    SELECT source_system, source_event_id, list(DISTINCT finding_id ORDER BY finding_id) AS finding_ids
    FROM finding_events GROUP BY ALL
), x AS (
    SELECT source_system, source_event_id, min(basis) AS basis FROM explanations GROUP BY ALL
)
SELECT e.source_system, e.source_event_id, e.event_time, e.event_local, e.event_date, e.account, e.client_id,
    e.action, e.service_task, e.document, e.purpose, e.emergency, e.channel, e.organisation_id, e.unit_id,
    e.controller_id, e.recipient_organisation_id, e.outcome, x.basis, fe.finding_ids
FROM events e
LEFT JOIN x USING (source_system, source_event_id)
LEFT JOIN fe USING (source_system, source_event_id)
WHERE e.client_id IS NOT NULL;
