-- title: the vectorised county's files: one query per reference file and the event file query
-- description: Each step is the SELECT whose rows pipelines/generate/vectorised.py writes to the file of the
--   step's name (reference/<name>.csv, header row, YYYY-MM-DD, true/false, NULL as an empty field), in the
--   DOMAIN.md reference contract and in a fixed row order, so the bytes depend on the seed only. The step
--   `events` is the canonical event CSV of one source and month ($source), its ids numbered in file order.

-- step: organisations
SELECT organisation_id, name, kind FROM gen_organisations ORDER BY ord;

-- step: units
SELECT unit_id, organisation_id, name, service_task FROM gen_units ORDER BY ord;

-- step: staff
SELECT s.staff_id, s.full_name, s.personal_id, s.address, s.organisation_id, s.unit_id, s.role, t.title,
    s.valid_from, s.valid_to
FROM g_staff s LEFT JOIN gen_titles t USING (role)
ORDER BY s.staff_no;

-- step: accounts
SELECT source_system, account, staff_id FROM g_accounts ORDER BY staff_no, pos;

-- step: role_permissions
SELECT role, service_task, action, requires_involvement FROM gen_role_permissions ORDER BY ord;

-- step: involvement
SELECT client_id, staff_id, unit_id, kind, valid_from, valid_to FROM g_involvement
ORDER BY client_no, valid_from, kind, staff_id NULLS FIRST, unit_id NULLS FIRST, valid_to NULLS LAST;

-- step: provider_authorisations
SELECT organisation_id, client_id, agreement, phase, valid_from, valid_to, cancelled_on FROM g_authorisations
ORDER BY client_no, organisation_id, valid_from, phase;

-- step: clients
SELECT client_id, full_name, birth_date, address, deceased_on, security_prohibition, false AS placement_secret,
    NULL::DATE AS placement_secret_until,
    CASE WHEN date_diff('year', birth_date, getvariable('gen_end')) BETWEEN 12 AND 17
         THEN ['not_capable', 'allows_guardians', 'allows_guardians', 'prohibits_guardians'][1 + gen_pick('capacity', client_no, 0, 0, 4)]
    END AS minor_capacity
FROM g_clients ORDER BY client_no;

-- step: disclosure_prohibitions
SELECT client_id,
    ['controller', 'service_task', 'document'][1 + gen_pick('prohibition', client_no, 0, 0, 3)] AS scope,
    ['KAUP', 'adult_social_work', 'päätös'][1 + gen_pick('prohibition', client_no, 0, 0, 3)] AS target,
    CAST(getvariable('gen_start') - INTERVAL (1 + gen_pick('prohibited_from', client_no, 0, 0, 300)) DAY AS DATE) AS valid_from,
    NULL::DATE AS valid_to
FROM g_clients WHERE gen_u('consent', client_no, 0, 0) < 0.02 ORDER BY client_no;

-- step: disclosure_permissions
SELECT client_id, 'social_care' AS scope,
    CAST(getvariable('gen_start') - INTERVAL (1 + gen_pick('permitted_from', client_no, 0, 0, 500)) DAY AS DATE) AS valid_from,
    NULL::DATE AS valid_to
FROM g_clients WHERE gen_u('consent', client_no, 0, 0) >= 0.02 AND gen_u('consent', client_no, 0, 0) < 0.12
ORDER BY client_no;

-- step: events
SELECT e.source_system,
    p.prefix || strftime(getvariable('gen_month_start'), '%Y%m')
        || lpad(CAST(e.n AS VARCHAR), 8, '0') AS source_event_id,  -- n: the event's number in its source's month
    strftime(CAST(e.day AS TIMESTAMP) + to_seconds(e.t_s), '%Y-%m-%dT%H:%M:%S') AS event_time,
    a.account, c.client_id, e.action, e.task AS service_task, e.document, e.purpose, false AS emergency,
    CASE WHEN e.source_system = 'portal' THEN 'portal' ELSE 'native' END AS channel,
    s.organisation_id, 'HVA' AS controller_id,
    CASE WHEN e.action = 'disclose' THEN 'KELA' END AS recipient_organisation_id, 'success' AS outcome,
    substr(e.source_system, 1, 3) || '-' || strftime(e.day, '%Y%m%d') || '-' || s.staff_id AS session_id,
    CASE WHEN e.action = 'search' THEN 'hetu' END AS search_criteria,
    CASE WHEN e.action = 'search' THEN 1 END AS record_count,
    -- a disclosure log names the provision it rests on (asiakastietolaki 703/2023 10 § 3 mom)
    CASE WHEN e.action = 'disclose' THEN 'lakisääteinen tiedonsaantioikeus' END AS legal_basis,
    NULL::VARCHAR AS data_description
FROM g_events e
JOIN g_staff s USING (staff_no)
JOIN g_accounts a ON a.staff_no = e.staff_no AND a.source_system = e.source_system
LEFT JOIN g_clients c ON c.client_no = e.client_no
JOIN gen_prefixes p ON p.source_system = e.source_system
WHERE e.source_system = $source
ORDER BY e.day, e.t_s, e.staff_no;
