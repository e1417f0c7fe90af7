-- title: the vectorised county written straight into a store: one month's events as ingest would store them
-- description: For counties too large to pass through CSV files on one disk (xlarge: ~100 M events, ~15 GB of
--   CSV), pipelines/generate/vectorised.py can write each month's events into a Lokivahti store instead of
--   files. It then runs the generator on the store's own connection (its UTC session and the time macros of
--   sql/ingest/helsinki_time.sql), every generator table temporary, and step `insert_events` runs after
--   sql/generate/events.sql: the rows the canonical CSV files of the month would hold (sql/generate/files.sql
--   `events`, the same ids and record numbers per source, the wall-clock time as a TIMESTAMP instead of its
--   text), stored exactly as sql/ingest/normalise.sql stores the same file's records: the instant from the
--   Helsinki wall-clock time, the unit from the staff member behind the account, one ingest run per
--   (source, month) file with its tally. tests/test_generate_store.py compares the two events tables row for row.

-- step: next_run
SELECT nextval('ingest_run_seq');

-- step: insert_events
-- gen_month_runs maps each source to the month's ingest run of it. The rows go in time order, as ingest
-- stores a batch of files (a check reading a few days skips other row groups): g_events is made in that order
-- (sql/generate/events.sql), and the scan, the probes of the joins with the small tables and the insert keep it
-- in practice (preserve_insertion_order). DuckDB does not promise order through a join, but the order decides
-- only speed, never a result: each month is one statement, so its rows lie together whatever happens inside
-- it (tests/test_generate_store.py), and no sort of the wide rows is paid for here.
INSERT INTO events BY NAME
WITH month_rows AS (
    SELECT e.source_system,
        p.prefix || strftime(getvariable('gen_month_start'), '%Y%m') || lpad(CAST(e.n AS VARCHAR), 8, '0')
            AS source_event_id,
        e.n AS record_no,
        CAST(e.day AS TIMESTAMP) + to_seconds(e.t_s) AS local_time,
        a.account, c.client_id, e.action, e.task AS service_task, e.document, e.purpose,
        CASE WHEN e.source_system = 'portal' THEN 'portal' ELSE 'native' END AS channel,
        s.organisation_id, s.unit_id, 'HVA' AS controller_id,
        CASE WHEN e.action = 'disclose' THEN 'KELA' END AS recipient_organisation_id, 'success' AS outcome,
        substr(e.source_system, 1, 3) || '-' || strftime(e.day, '%Y%m%d') || '-' || s.staff_id AS session_id,
        CASE WHEN e.action = 'search' THEN 'hetu' END AS search_criteria,
        CASE WHEN e.action = 'search' THEN 1 END::INTEGER AS record_count,
        CASE WHEN e.action = 'disclose' THEN 'lakisääteinen tiedonsaantioikeus' END AS legal_basis
    FROM g_events e
    JOIN g_staff s USING (staff_no)
    JOIN g_accounts a ON a.staff_no = e.staff_no AND a.source_system = e.source_system
    LEFT JOIN g_clients c ON c.client_no = e.client_no
    JOIN gen_prefixes p ON p.source_system = e.source_system
)
SELECT r.source_system, r.source_event_id, r.event_time, hki_utc_to_local(r.event_time) AS event_local,
    CAST(hki_utc_to_local(r.event_time) AS DATE) AS event_date,
    r.account, r.client_id, r.action, r.service_task, r.document, r.purpose, false AS emergency, r.channel,
    r.organisation_id, r.unit_id, r.controller_id, r.recipient_organisation_id, r.outcome, r.session_id,
    r.search_criteria, r.record_count,
    CASE hki_local_kind(r.local_time) WHEN 'ambiguous' THEN 'ambiguous_first' WHEN 'nonexistent' THEN 'nonexistent' END
        AS time_flag,
    m.run_id, r.record_no, NULL AS raw, r.legal_basis, NULL AS data_description, false AS controller_defaulted
FROM (SELECT *, hki_local_to_utc(local_time, false) AS event_time FROM month_rows) r
JOIN gen_month_runs m USING (source_system);
