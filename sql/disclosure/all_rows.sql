-- title: every client's events with basis and findings, as the input of the client-sorted copy
-- description: Same columns as client_rows_live.sql, for all events that name a client. A view: the copy's
--   build (client_index.sql, step `enriched`) reads it once (pipelines/disclosure/index.py). finding_ids are
--   the findings that question the access's lawfulness: a log-quality or data-quality finding (a duplicate,
--   clock skew, an unknown account) says nothing about whether the use was lawful, so it never makes a row
--   "under review". A personal identity code logged in lower case is the client's all the same (upper-cased
--   here, as pipelines/identity.py and the ingest normaliser do).
CREATE OR REPLACE TEMP VIEW disclosure_rows AS
WITH fe AS (
    SELECT fe.source_system, fe.source_event_id, list(DISTINCT fe.finding_id ORDER BY fe.finding_id) AS finding_ids
    FROM finding_events fe JOIN findings f USING (finding_id)
    WHERE f.category NOT IN ('data_quality', 'log_completeness')
    GROUP BY ALL
), x AS (
    SELECT source_system, source_event_id, min(basis) AS basis FROM explanations GROUP BY ALL
)
SELECT e.source_system, e.source_event_id, e.event_time, e.event_local, e.event_date, e.account,
    CASE WHEN regexp_full_match(e.client_id, '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
         THEN upper(e.client_id) ELSE e.client_id END AS client_id,
    e.action, e.service_task, e.document, e.purpose, e.emergency, e.channel, e.organisation_id, e.unit_id,
    e.controller_id, e.recipient_organisation_id, e.outcome, e.legal_basis, e.data_description, x.basis,
    fe.finding_ids
FROM events e
LEFT JOIN x USING (source_system, source_event_id)
LEFT JOIN fe USING (source_system, source_event_id)
WHERE e.client_id IS NOT NULL;
