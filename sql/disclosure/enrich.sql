-- title: the answer to "who viewed my data": events with who, where, what and the basis
-- description: Reads the temp relation disclosure_rows (one client's events, client_rows_live.sql, or every
--   client's, all_rows.sql when the client-sorted copy is built) and adds the
--   worker's name and title (ref_accounts -> the ref_staff row in force on the event's Helsinki date; staff
--   rows are first cut into non-overlapping date segments, where the row that started last is in force, so
--   each event joins at most one row without a per-event window), the organisation and unit names, and the
--   disclosure recipient.
--   The organisation is the event's acting organisation, else the staff row's; the unit likewise.
--   A person who has left (or had not yet started) on the event's date is still that person: with no row in
--   force, the name and title come from their latest row before the event, else their first row after it —
--   a former employee is named, never left as a bare account id.
--   Only the rows of disclosure_rows are read: for an answer, the client's own events and nothing else.
--   No ORDER BY and no trailing semicolon: callers wrap this query (pipelines/disclosure/answer.py, index.py).
WITH acc AS (
    SELECT source_system, account, min(staff_id) AS staff_id FROM ref_accounts GROUP BY ALL
), org AS (
    SELECT organisation_id, any_value(name) AS name, any_value(kind) AS kind FROM ref_organisations GROUP BY ALL
), unit AS (
    SELECT unit_id, any_value(name) AS name, any_value(service_task) AS service_task FROM ref_units GROUP BY ALL
), bounds AS (
    SELECT staff_id, valid_from AS b FROM ref_staff
    UNION
    SELECT staff_id, valid_to + 1 FROM ref_staff WHERE valid_to IS NOT NULL
), seg AS (
    SELECT staff_id, b AS seg_from,
        coalesce(lead(b) OVER (PARTITION BY staff_id ORDER BY b) - 1, DATE '9999-12-31') AS seg_to
    FROM bounds
), in_force AS (
    SELECT seg.staff_id, seg.seg_from, seg.seg_to,
        arg_max(s.full_name, s.valid_from) AS worker_name, arg_max(s.title, s.valid_from) AS worker_title,
        arg_max(s.organisation_id, s.valid_from) AS staff_org, arg_max(s.unit_id, s.valid_from) AS staff_unit
    FROM seg JOIN ref_staff s
      ON s.staff_id = seg.staff_id AND s.valid_from <= seg.seg_from
     AND coalesce(s.valid_to, DATE '9999-12-31') >= seg.seg_from
    GROUP BY ALL
), ever AS (
    SELECT staff_id, min(valid_from) AS first_from,
        arg_max(full_name, valid_from) AS last_name, arg_max(title, valid_from) AS last_title,
        arg_min(full_name, valid_from) AS first_name, arg_min(title, valid_from) AS first_title,
        arg_max(organisation_id, valid_from) AS last_org, arg_max(unit_id, valid_from) AS last_unit
    FROM ref_staff GROUP BY staff_id
), staffed AS (
    SELECT r.*, a.staff_id,
        coalesce(f.worker_name, CASE WHEN r.event_date < ev.first_from THEN ev.first_name ELSE ev.last_name END)
            AS worker_name,
        CASE WHEN f.staff_id IS NOT NULL THEN f.worker_title
             WHEN r.event_date < ev.first_from THEN ev.first_title ELSE ev.last_title END AS worker_title,
        coalesce(f.staff_org, ev.last_org) AS staff_org, coalesce(f.staff_unit, ev.last_unit) AS staff_unit
    FROM disclosure_rows r
    LEFT JOIN acc a ON a.source_system = r.source_system AND a.account = r.account
    LEFT JOIN in_force f ON f.staff_id = a.staff_id AND r.event_date BETWEEN f.seg_from AND f.seg_to
    LEFT JOIN ever ev ON ev.staff_id = a.staff_id
)
SELECT st.source_system, st.source_event_id, st.event_time, st.event_local, st.event_date, st.client_id,
    st.account, st.action, st.service_task, st.document, st.purpose, st.emergency, st.channel, st.outcome,
    coalesce(st.organisation_id, st.staff_org) AS organisation_id,
    o.name AS organisation_name, o.kind AS organisation_kind,
    coalesce(st.unit_id, st.staff_unit) AS unit_id, u.name AS unit_name, u.service_task AS unit_service_task,
    st.staff_id, st.worker_name, st.worker_title,
    st.recipient_organisation_id, ro.name AS recipient_name, ro.kind AS recipient_kind,
    st.legal_basis, st.data_description,
    st.basis, coalesce(st.finding_ids, []) AS finding_ids
FROM staffed st
LEFT JOIN org o ON o.organisation_id = coalesce(st.organisation_id, st.staff_org)
LEFT JOIN unit u ON u.unit_id = coalesce(st.unit_id, st.staff_unit)
LEFT JOIN org ro ON ro.organisation_id = st.recipient_organisation_id
