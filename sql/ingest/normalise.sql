-- title: validate and normalise staged records of one file into events, quarantine and conflicts
-- description: Runs on the relation `stage` (canonical columns as text + record_no, line_no, raw, file_path)
--   of one file or of a batch of files of the same format (pipelines/ingest/engine.py): `ingest_batch` maps
--   each file_path to its ingest run, so quarantine rows, events and tallies stay per file. Everything "in
--   this file" (record numbers, duplicates, the repeated autumn hour) is per file_path.
--   Parameters: $home_controller. Steps are separated by `-- step:` lines and run in one
--   transaction by pipelines/ingest/engine.py. Each rejected record gets the first reason that applies.
--   The staged records are materialised once, in `checked`, with every value the event needs already
--   computed; the steps after it read that table. A canonical CSV is staged as a view straight over DuckDB's
--   CSV reader, whose record_no is NULL: the record number is then the row's position in `checked` (step
--   `numbered`; the CSV reader and a projection keep the file's order), which costs nothing, where
--   row_number() OVER () over the file cost as much as reading it.

-- step: checked
CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
    SELECT
        -- one case rule for source identities, whatever adapter wrote them (ATNA AuditSourceID, FHIR observer)
        lower(nullif(trim(source_system), ''))      AS source_system,
        nullif(trim(source_event_id), '')           AS source_event_id,
        nullif(trim(event_time), '')                AS event_time_text,
        nullif(trim(account), '')                   AS account,
        -- a personal identity code is matched in upper case whatever case the source wrote it in
        -- (pipelines/identity.py HETU_SHAPE is this pattern; a test runs both)
        CASE WHEN regexp_full_match(trim(client_id), '[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]')
             THEN upper(trim(client_id)) ELSE nullif(trim(client_id), '') END AS client_id,
        lower(nullif(trim(action), ''))             AS action,
        nullif(trim(service_task), '')              AS service_task,
        nullif(trim(document), '')                  AS document,
        lower(nullif(trim(purpose), ''))            AS purpose,
        lower(nullif(trim(emergency), ''))          AS emergency_text,
        lower(nullif(trim(channel), ''))            AS channel,
        nullif(trim(organisation_id), '')           AS organisation_id,
        nullif(trim(controller_id), '')             AS controller_id,
        nullif(trim(recipient_organisation_id), '') AS recipient_organisation_id,
        lower(nullif(trim(outcome), ''))            AS outcome,
        nullif(trim(session_id), '')                AS session_id,
        nullif(search_criteria, '')                 AS search_criteria,
        nullif(trim(record_count), '')              AS record_count_text,
        nullif(trim(legal_basis), '')               AS legal_basis,
        nullif(trim(data_description), '')          AS data_description,
        record_no, line_no, raw, file_path
    FROM stage
), t AS (
    SELECT *,
        regexp_full_match(event_time_text,
            '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|z|[+-]\d{2}(:?\d{2})?)?') AS time_shape_ok,
        -- one regular expression per record, not three (each costs a quarter of a microsecond per record):
        -- when the shape matched, any of Z z + - after the 19th character (the seconds) is the offset
        (contains(substr(event_time_text, 20), '+') OR contains(substr(event_time_text, 20), '-')
            OR contains(substr(event_time_text, 20), 'Z') OR contains(substr(event_time_text, 20), 'z')) AS has_offset
    FROM s
), p AS (
    SELECT *,
        CASE WHEN time_shape_ok AND has_offset THEN try_cast(event_time_text AS TIMESTAMPTZ) END AS time_with_offset,
        CASE WHEN time_shape_ok AND NOT has_offset THEN try_cast(replace(event_time_text, 'T', ' ') AS TIMESTAMP) END AS time_local,
        try_cast(record_count_text AS INTEGER) AS record_count,
        -- an offset is at most ±14:00 with minutes below 60 (ISO 8601 / RFC 3339): +25:00 is refused. String
        -- operations, not a second regular expression: after the seconds and their fraction comes the offset.
        CASE WHEN time_shape_ok AND has_offset THEN
            (try_cast(substr(ltrim(substr(event_time_text, 20), '.0123456789'), 2, 2) AS INTEGER) > 14
             OR try_cast(substr(replace(ltrim(substr(event_time_text, 20), '.0123456789'), ':', ''), 4, 2) AS INTEGER) > 59)
        END IS TRUE AS offset_out_of_range
    FROM t
)
SELECT *,
    coalesce(time_with_offset, hki_local_to_utc(time_local, false)) AS event_time,
    coalesce(controller_id, $home_controller) AS controller_resolved,
    CASE WHEN time_local IS NOT NULL THEN CASE hki_local_kind(time_local)
        WHEN 'ambiguous' THEN 'ambiguous_first' WHEN 'nonexistent' THEN 'nonexistent' END END AS time_flag,
    CASE
        WHEN source_system IS NULL THEN 'source_system'
        WHEN source_event_id IS NULL THEN 'source_event_id'
        WHEN event_time_text IS NULL OR NOT time_shape_ok OR offset_out_of_range
             OR (time_with_offset IS NULL AND time_local IS NULL) THEN 'event_time'
        WHEN coalesce(year(time_local), year(time_with_offset)) NOT BETWEEN 1996 AND 2100 THEN 'event_time'
        WHEN action IS NULL OR action NOT IN ('read', 'search', 'create', 'update', 'delete', 'print', 'export', 'disclose', 'other') THEN 'action'
        WHEN purpose IS NOT NULL AND purpose NOT IN ('client_relationship', 'other_task', 'statutory_right', 'emergency', 'supervision') THEN 'purpose'
        WHEN emergency_text IS NOT NULL AND emergency_text NOT IN ('true', 'false', '1', '0', 'yes', 'no') THEN 'emergency'
        WHEN channel IS NOT NULL AND channel NOT IN ('native', 'portal', 'kanta', 'email') THEN 'channel'
        WHEN outcome IS NOT NULL AND outcome NOT IN ('success', 'failure') THEN 'outcome'
        WHEN record_count_text IS NOT NULL AND record_count IS NULL THEN 'record_count'
    END AS bad_field
FROM p;

-- step: files
-- Each file of the batch with its run and its first row: inside the transaction the rows of a new table have
-- consecutive rowids from a fixed offset in the files' order (the CSV reader and a projection keep it).
CREATE OR REPLACE TEMP TABLE ingest_batch_files AS
SELECT b.file_path, b.run_id, b.path, c.first_row
FROM ingest_batch b
LEFT JOIN (SELECT file_path, min(rowid) AS first_row FROM checked GROUP BY file_path) c USING (file_path);

-- step: numbered
-- Every checked record with its record number: the adapter's, else the position in its file, rowid minus the
-- file's first rowid (tests/test_ingest_canonical.py checks line numbers on a file read in parallel).
CREATE OR REPLACE TEMP VIEW checked_rows AS
SELECT c.* REPLACE (coalesce(c.record_no, c.rowid - f.first_row + 1) AS record_no),
    c.rowid AS row_id, f.run_id, f.path
FROM checked c JOIN ingest_batch_files f USING (file_path);

-- step: quarantine_invalid
INSERT INTO quarantine
SELECT run_id, path, record_no, line_no, bad_field,
    CASE bad_field
        WHEN 'source_system' THEN 'missing source_system'
        WHEN 'source_event_id' THEN 'missing source_event_id'
        WHEN 'event_time' THEN CASE
            WHEN event_time_text IS NULL THEN 'missing event_time'
            WHEN offset_out_of_range THEN 'event_time offset outside -14:00..+14:00'
            WHEN time_shape_ok AND (time_with_offset IS NOT NULL OR time_local IS NOT NULL) THEN 'event_time outside the supported years 1996-2100'
            ELSE 'event_time is not ISO 8601 (expected YYYY-MM-DDThh:mm:ss with an optional offset)' END
        WHEN 'action' THEN CASE WHEN action IS NULL THEN 'missing action' ELSE 'unknown action code' END
        WHEN 'purpose' THEN 'unknown purpose'
        WHEN 'emergency' THEN 'emergency is not true/false'
        WHEN 'channel' THEN 'unknown channel'
        WHEN 'outcome' THEN 'unknown outcome'
        WHEN 'record_count' THEN 'record_count is not an integer'
    END,
    raw, now()
FROM checked_rows WHERE bad_field IS NOT NULL;

-- step: resolved
-- The valid records as events (a view: `checked` is the one copy). Organisation and unit come from the staff
-- member behind the account when the source does not say.
CREATE OR REPLACE TEMP VIEW resolved AS
SELECT
    c.source_system, c.source_event_id, c.event_time,
    -- placeholders systems write where they have no value (dcm4chee's <none>) are a missing value; here,
    -- not in `checked`, whose row order must stay the file's (an IN list there changed DuckDB's plan)
    CASE WHEN lower(c.account) IN ('<none>', 'none', 'unknown', '(null)', 'null', 'n/a', '-', '?')
         THEN NULL ELSE c.account END AS account,
    CASE WHEN lower(c.client_id) IN ('<none>', 'none', 'unknown', '(null)', 'null', 'n/a', '-', '?')
         THEN NULL ELSE c.client_id END AS client_id,
    c.action, c.service_task, c.document,
    CASE WHEN c.purpose IS NULL AND c.emergency_text IN ('true', '1', 'yes') THEN 'emergency' ELSE c.purpose END AS purpose,
    (c.emergency_text IN ('true', '1', 'yes') OR c.purpose = 'emergency') IS TRUE AS emergency,
    c.channel,
    coalesce(c.organisation_id, st.organisation_id) AS organisation_id,
    st.unit_id AS unit_id,
    c.controller_resolved AS controller_id,
    c.controller_id IS NULL AS controller_defaulted,
    c.recipient_organisation_id, c.outcome, c.session_id, c.search_criteria, c.record_count,
    c.legal_basis, c.data_description,
    c.time_flag, c.time_local,
    c.record_no, c.line_no, c.raw, c.row_id, c.run_id, c.path, c.file_path
FROM checked_rows c
LEFT JOIN (
    SELECT lower(a.source_system) AS source_system, a.account, any_value(s.organisation_id) AS organisation_id, any_value(s.unit_id) AS unit_id
    FROM ref_accounts a JOIN ref_staff s USING (staff_id)
    GROUP BY ALL
) st ON st.source_system = c.source_system AND st.account = c.account
WHERE c.bad_field IS NULL;

-- step: second_pass_of_repeated_hour
-- In a file written in time order, a step back inside the repeated autumn hour marks the second pass (EET).
UPDATE checked SET event_time = hki_local_to_utc(checked.time_local, true), time_flag = 'ambiguous_second'
FROM (
    SELECT row_id FROM (
        SELECT row_id,
            max(CASE WHEN time_local < prev THEN 1 ELSE 0 END)
                OVER (PARTITION BY file_path, source_system, CAST(time_local AS DATE) ORDER BY record_no
                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS rewound
        FROM (
            SELECT row_id, record_no, file_path, source_system, time_local,
                lag(time_local) OVER (PARTITION BY file_path, source_system, CAST(time_local AS DATE) ORDER BY record_no) AS prev
            FROM checked_rows WHERE bad_field IS NULL AND time_flag = 'ambiguous_first'
        )
    ) WHERE rewound = 1
) AS second_pass
WHERE checked.rowid = second_pass.row_id;

-- step: duplicates_in_file
-- The same event id twice in one file: the first record is kept, later ones are quarantined. (The same id in
-- two files of one batch: the engine ingests that batch file by file instead, see engine.py.)
CREATE OR REPLACE TEMP TABLE in_file_dupes AS
SELECT row_id, first_record FROM (
    SELECT row_id, record_no, min(record_no) OVER (PARTITION BY file_path, source_system, source_event_id) AS first_record
    FROM checked_rows
    WHERE bad_field IS NULL AND (file_path, source_system, source_event_id) IN (
        SELECT (file_path, source_system, source_event_id) FROM checked WHERE bad_field IS NULL
        GROUP BY ALL HAVING count(*) > 1)
) WHERE record_no <> first_record;

-- step: quarantine_in_file_dupes
INSERT INTO quarantine
SELECT r.run_id, r.path, r.record_no, r.line_no, 'source_event_id',
    'duplicate event id in this file (first seen at record ' || d.first_record || ')', r.raw, now()
FROM checked_rows r JOIN in_file_dupes d USING (row_id);

-- step: kept
-- The events of this file: valid, and not a later copy of an event id seen earlier in the file.
CREATE OR REPLACE TEMP VIEW kept AS
SELECT * FROM resolved WHERE row_id NOT IN (SELECT row_id FROM in_file_dupes);

-- step: existing
-- Event ids already stored: identical content is a harmless re-ingest; different content is a conflict.
CREATE OR REPLACE TEMP TABLE existing AS
SELECT r.row_id, r.run_id, r.path, r.file_path, r.record_no, r.line_no, r.raw, r.source_system, r.source_event_id,
    concat_ws(',',
        CASE WHEN r.event_time IS DISTINCT FROM e.event_time THEN 'event_time' END,
        CASE WHEN r.account IS DISTINCT FROM e.account THEN 'account' END,
        CASE WHEN r.client_id IS DISTINCT FROM e.client_id THEN 'client_id' END,
        CASE WHEN r.action IS DISTINCT FROM e.action THEN 'action' END,
        CASE WHEN r.service_task IS DISTINCT FROM e.service_task THEN 'service_task' END,
        CASE WHEN r.document IS DISTINCT FROM e.document THEN 'document' END,
        CASE WHEN r.purpose IS DISTINCT FROM e.purpose THEN 'purpose' END,
        CASE WHEN r.recipient_organisation_id IS DISTINCT FROM e.recipient_organisation_id THEN 'recipient_organisation_id' END,
        CASE WHEN r.outcome IS DISTINCT FROM e.outcome THEN 'outcome' END,
        CASE WHEN r.legal_basis IS DISTINCT FROM e.legal_basis THEN 'legal_basis' END
    ) AS differing
FROM kept r
JOIN events e ON e.source_system = r.source_system AND e.source_event_id = r.source_event_id;

-- step: record_conflicts
INSERT INTO event_conflicts
SELECT source_system, source_event_id, run_id, record_no, differing, now() FROM existing WHERE differing <> '';

-- step: quarantine_conflicts
INSERT INTO quarantine
SELECT run_id, path, record_no, line_no, split_part(differing, ',', 1),
    'event id already stored with different content (' || differing || '); stored version kept', raw, now()
FROM existing WHERE differing <> '';

-- step: insert_events
INSERT INTO events BY NAME
SELECT r.source_system, r.source_event_id, r.event_time, r.event_local, CAST(r.event_local AS DATE) AS event_date,
    r.account, r.client_id, r.action, r.service_task, r.document, r.purpose, r.emergency, r.channel,
    r.organisation_id, r.unit_id, r.controller_id, r.recipient_organisation_id, r.outcome, r.session_id,
    r.search_criteria, r.record_count, r.time_flag, r.run_id, r.record_no, r.raw,
    r.legal_basis, r.data_description, r.controller_defaulted
FROM (SELECT *, hki_utc_to_local(event_time) AS event_local FROM kept) r
WHERE r.row_id NOT IN (SELECT row_id FROM existing)
ORDER BY r.event_local;  -- stored in date order: a check reading a few days skips other row groups (zone maps)
