-- title: shared per-event context that every rule of the catalogue reads (built once per check run)
-- description: Steps separated by `-- step:` lines, run in order by pipelines/checks/runner.py.
--   Inputs: the temp table chk_scope_dates(d DATE) and the parameter $full (true = every event date).
--   Reference look-ups are reduced first to small keyed tables (staff row in force per date segment,
--   accounts, clients, permission combinations). Per partition, everything that depends only on an event's
--   (source system, account, client, date) is resolved once per such account-client-day (chk_acd: the staff
--   row per account-day, the client, involvement, the acting provider's authorisation, packed flags), and the
--   events are materialised once and narrow (chk_ctx_rows: each event's row id, its flags and the few columns
--   the rules filter on and the explanations store) with one hash join to it and one to the permission
--   combinations; the wide columns a finding shows are fetched late, by row id, for a rule's hits only (chk_ctx):
--   the cost stays linear in the number of events, and what is per-event is only what must be.
--   docs/rules.md §Shared definitions is the contract for every column below.
--   The steps before `partition_from` read reference data only and run once per check; from it on they run
--   once per partition of the events (pipelines/checks/partitions.py), reading chk_scope_events.
-- partition_from: scope_dates

-- step: action_vocabulary
-- What each action word of role_permissions.csv grants (docs/rules.md §Action vocabulary). Every action
-- grants itself; `write` grants create, update and delete (changing the record in any way); `read` grants
-- search too (a search shows the found clients' identifying data, which is reading them); print, export and
-- disclose take data out of the system and are granted only by name (or `*`): the work must need them.
CREATE OR REPLACE TEMP TABLE chk_action_covers AS
WITH actions(action) AS (VALUES ('read'), ('search'), ('create'), ('update'), ('delete'), ('print'), ('export'),
                                ('disclose'), ('other'))
SELECT action AS granted, action FROM actions
UNION ALL SELECT '*', action FROM actions
UNION ALL SELECT 'write', unnest(['create', 'update', 'delete'])
UNION ALL SELECT 'read', 'search';

-- step: accounts
-- One staff_id per (source_system, account) (the file should not map an account twice), and whether
-- that staff_id is in staff.csv at all (gate 1).
-- last_org / last_unit: the organisation of the staff member's latest row, so that a former worker's access
-- (after the employment ended) still names the organisation it was made for (a provider's page lists it).
CREATE OR REPLACE TEMP TABLE chk_accounts AS
SELECT a.source_system, a.account, a.staff_id,
    l.staff_id IS NOT NULL AS staff_registered, l.last_org, l.last_unit,
    coalesce(o.kind = 'private_provider', false) AS last_org_is_provider
FROM (SELECT source_system, account, min(staff_id) AS staff_id FROM ref_accounts GROUP BY ALL) a
LEFT JOIN (SELECT staff_id, arg_max(organisation_id, valid_from) AS last_org, arg_max(unit_id, valid_from) AS last_unit
           FROM ref_staff GROUP BY ALL) l USING (staff_id)
LEFT JOIN (SELECT organisation_id, any_value(kind) AS kind FROM ref_organisations GROUP BY ALL) o
    ON o.organisation_id = l.last_org;

-- step: staff_rows
-- Staff rows usable as "in force" (a reversed period is never in force; it is a data-quality finding).
CREATE OR REPLACE TEMP TABLE chk_staff_rows AS
SELECT s.line_no, s.staff_id, s.organisation_id, s.unit_id, s.role, s.personal_id,
    nullif(lower(regexp_replace(trim(coalesce(s.address, '')), '\s+', ' ', 'g')), '') AS addr_norm,
    lower(regexp_extract(trim(coalesce(s.full_name, '')), '(\S+)$', 1)) AS surname,
    s.valid_from, coalesce(s.valid_to, DATE '9999-12-31') AS valid_to,
    o.kind AS org_kind
FROM ref_staff s
LEFT JOIN (SELECT organisation_id, any_value(kind) AS kind FROM ref_organisations GROUP BY ALL) o
    USING (organisation_id)
WHERE s.valid_to IS NULL OR s.valid_to >= s.valid_from;

-- step: staff_in_force
-- Elementary date segments per staff_id, from 0001-01-01 on; in each, the covering row that started last is
-- the row in force (line_no NULL in a gap: no row covers the segment). Overlapping rows (a data-quality
-- finding) therefore never make one event match two staff rows.
CREATE OR REPLACE TEMP TABLE chk_staff_in_force AS
WITH b AS (
    SELECT staff_id, valid_from AS b FROM chk_staff_rows
    UNION
    SELECT staff_id, valid_to + 1 FROM chk_staff_rows WHERE valid_to < DATE '9999-12-31'
    UNION
    SELECT staff_id, DATE '0001-01-01' FROM chk_staff_rows
), seg AS (
    SELECT staff_id, b AS seg_from, coalesce(lead(b) OVER (PARTITION BY staff_id ORDER BY b) - 1, DATE '9999-12-31') AS seg_to
    FROM b
)
SELECT seg.staff_id, seg.seg_from, seg.seg_to, arg_max(s.line_no, s.valid_from) AS line_no
FROM seg LEFT JOIN chk_staff_rows s
  ON s.staff_id = seg.staff_id AND s.valid_from <= seg.seg_from AND s.valid_to >= seg.seg_from
GROUP BY ALL;

-- step: account_in_force
-- Per (source_system, account) and date segment: the staff row in force and its attributes, so that an
-- event needs one range join (account + date) instead of three. Every date of an account is covered by
-- exactly one segment; an account whose staff_id has no usable row gets one all-time segment without a row.
CREATE OR REPLACE TEMP TABLE chk_account_in_force AS
SELECT a.source_system, a.account, a.staff_id, a.staff_registered, a.last_org, a.last_unit, a.last_org_is_provider,
    coalesce(sf.seg_from, DATE '0001-01-01') AS seg_from, coalesce(sf.seg_to, DATE '9999-12-31') AS seg_to,
    sf.line_no AS staff_line,
    s.organisation_id AS staff_org, s.unit_id AS staff_unit, s.role, s.personal_id AS staff_personal_id,
    s.addr_norm AS staff_addr, s.surname AS staff_surname,
    coalesce(s.org_kind = 'private_provider', false) AS is_provider
FROM chk_accounts a
LEFT JOIN chk_staff_in_force sf ON sf.staff_id = a.staff_id
LEFT JOIN chk_staff_rows s ON s.line_no = sf.line_no;

-- step: clients
-- One row per client, with the lowest and highest staff_id holding the client's personal identity code
-- (co-worker rule: a client who is also staff).
CREATE OR REPLACE TEMP TABLE chk_clients AS
WITH c AS (
    SELECT client_id,
        any_value(deceased_on) AS deceased_on,
        bool_or(security_prohibition) AS security_prohibition,
        bool_or(placement_secret) AS placement_secret,
        max(placement_secret_until) AS placement_secret_until,
        any_value(nullif(lower(regexp_replace(trim(coalesce(address, '')), '\s+', ' ', 'g')), '')) AS addr_norm,
        any_value(lower(regexp_extract(trim(coalesce(full_name, '')), '(\S+)$', 1))) AS surname
    FROM ref_clients GROUP BY ALL
), p AS (
    SELECT personal_id, min(staff_id) AS min_staff, max(staff_id) AS max_staff
    FROM ref_staff WHERE personal_id IS NOT NULL AND personal_id <> '' GROUP BY ALL
)
SELECT c.*, p.min_staff, p.max_staff FROM c LEFT JOIN p ON p.personal_id = c.client_id;

-- step: involvement_rows
-- The usable involvement rows. A row counts for the person it names and for the unit it names: a personal
-- kind (responsible_worker, work_pair) names a person; unit, referral and supervision_case name a unit, a
-- person (a referral or a supervision case assigned to one officer) or both. rnk: 1 responsible_worker,
-- 2 work_pair, 3 unit, 4 referral, 5 supervision_case. A row naming nobody usable, a personal kind naming
-- only a unit, an unknown kind or a reversed period explains nothing: dq_involvement_row and
-- dq_reversed_period report it.
CREATE OR REPLACE TEMP TABLE chk_inv_rows AS
SELECT * FROM (
    SELECT client_id, nullif(trim(staff_id), '') AS staff_id, nullif(trim(unit_id), '') AS unit_id,
        CASE kind WHEN 'responsible_worker' THEN 1 WHEN 'work_pair' THEN 2 WHEN 'unit' THEN 3
                  WHEN 'referral' THEN 4 WHEN 'supervision_case' THEN 5 END AS rnk,
        valid_from, coalesce(valid_to, DATE '9999-12-31') AS valid_to
    FROM ref_involvement
) WHERE rnk IS NOT NULL AND valid_to >= valid_from;

-- step: provider_authorisations
-- Effective period of each authorisation: [valid_from, min(valid_to, cancelled_on - 1)]. A row cancelled on
-- or before its first day never started (seed 000 §4-5: "palvelun tuottaminen ... ei toteudu"); its
-- effective period is empty. agreement: framework (a framework-agreement provider being assessed may receive
-- the necessary identifiable data, §4) or direct (direct procurement: a third party in the tender phase, §5).
CREATE OR REPLACE TEMP TABLE chk_auth_rows AS
SELECT organisation_id, client_id, phase, lower(trim(agreement)) AS agreement, valid_from,
    least(coalesce(valid_to, DATE '9999-12-31'), coalesce(cancelled_on - 1, DATE '9999-12-31')) AS eff_to,
    coalesce(valid_to, DATE '9999-12-31') AS valid_to, cancelled_on,
    coalesce(cancelled_on <= valid_from, false) AS never_started
FROM ref_provider_authorisations
WHERE valid_to IS NULL OR valid_to >= valid_from;

-- step: authorisation_status_macro
-- The authorisation status of an (organisation, client, date) table `od`: used for the acting provider
-- (per account-client-day, chk_auth) and for the recipient of a disclosure (per disclosure, chk_disclosure).
-- tender_framework / tender_direct: a tender-phase row of that agreement covers the date. The subtype of an
-- access outside every authorisation, first that applies: never_authorised (no row), never_started (every
-- row was cancelled before it began), before_start (a row begins later), cancelled (a row was cut short by its
-- cancellation), after_end.
CREATE OR REPLACE TEMP MACRO chk_authorisation_status(od_table) AS TABLE
SELECT od.organisation_id, od.client_id, od.event_date,
    coalesce(bool_or(a.phase = 'service' AND od.event_date BETWEEN a.valid_from AND a.eff_to), false) AS service_auth,
    coalesce(bool_or(a.phase = 'tender' AND od.event_date BETWEEN a.valid_from AND a.eff_to), false) AS tender_auth,
    coalesce(bool_or(a.phase = 'tender' AND a.agreement = 'framework'
                     AND od.event_date BETWEEN a.valid_from AND a.eff_to), false) AS tender_framework,
    coalesce(bool_or(a.phase = 'tender' AND a.agreement IS DISTINCT FROM 'framework'
                     AND od.event_date BETWEEN a.valid_from AND a.eff_to), false) AS tender_direct,
    CASE WHEN count(a.phase) = 0 THEN 'never_authorised'
         WHEN bool_and(a.never_started) THEN 'never_started'
         WHEN bool_or(NOT a.never_started AND od.event_date < a.valid_from) THEN 'before_start'
         WHEN bool_or(NOT a.never_started AND a.cancelled_on IS NOT NULL AND od.event_date >= a.cancelled_on
                      AND a.cancelled_on <= a.valid_to) THEN 'cancelled'
         ELSE 'after_end' END AS auth_subtype
FROM query_table(od_table) od
LEFT JOIN chk_auth_rows a ON a.organisation_id = od.organisation_id AND a.client_id = od.client_id
GROUP BY ALL;

-- step: flag_macro
-- One flag of an account-client-day's packed `bits` (chk_acd, step account_client_day_flags).
CREATE OR REPLACE TEMP MACRO chk_flag(bits, n) AS ((bits >> n) & 1) = 1;

-- step: event_key_macros
-- An event's ingest run and record number, the explanations' key (sql/schema/015_explanations_by_record.sql),
-- packed into the one integer the context carries per event (chk_ctx_rows.event_key) and unpacked when stored:
-- one 8-byte column instead of two (and of the source's event id, a unique string the context no longer copies).
CREATE OR REPLACE TEMP MACRO chk_event_key(run_id, record_no) AS run_id * 4294967296 + record_no;
CREATE OR REPLACE TEMP MACRO chk_key_run(event_key) AS event_key // 4294967296;
CREATE OR REPLACE TEMP MACRO chk_key_record(event_key) AS event_key % 4294967296;

-- step: event_keys_fit
-- The packing holds while record numbers stay under 2^32 and runs under 2^31 (a file of four billion records, two
-- billion ingest runs): checked, not assumed, from the column statistics (a few milliseconds at 100 M events).
SELECT CASE WHEN max(record_no) >= 4294967296 OR max(run_id) >= 2147483648 OR min(record_no) < 0 OR min(run_id) < 0
            THEN error('events: a run_id or record_no outside the range the check packs into one key') END
FROM events;

-- step: scope_dates
-- A full check scopes every date that has events; the runner fills chk_scope_dates otherwise.
INSERT INTO chk_scope_dates SELECT DISTINCT event_date FROM events WHERE $full;

-- step: events_in_scope
-- A view, not a copy: the partition's events (sql/checks/_partition.sql), with the per-event gates that need no
-- reference data. chk_ctx_rows below is the one (narrow) materialisation of them; the rules about the log's own
-- content read this view again only for the events chk_ctx_rows marks (log_suspect). event_row: the event's row
-- id in `events`.
CREATE OR REPLACE TEMP VIEW chk_ev AS
SELECT e.event_row, e.source_system, e.source_event_id, e.event_time, e.event_date, e.account, e.client_id, e.action,
    e.service_task, e.document, e.purpose, (e.emergency OR coalesce(e.purpose = 'emergency', false)) AS is_emergency,
    e.organisation_id AS event_org, e.unit_id AS event_unit, e.controller_id, e.recipient_organisation_id,
    e.outcome, e.run_id, e.record_no, e.time_flag, e.channel, e.legal_basis, e.data_description,
    coalesce(e.controller_defaulted, false) AS controller_defaulted,
    (e.client_id IS NOT NULL AND e.action <> 'other' AND coalesce(e.outcome, 'success') = 'success') AS is_access
FROM chk_scope_events e;

-- step: account_client_days
-- Everything that depends only on (source system, account, client, date) is resolved once per such combination
-- instead of once per event, and everything that depends only on (source system, account, date) once per
-- account-day: a worker opens a client several times a day and many clients a day, so there are several times
-- fewer account-client-days than events and many times fewer account-days. h: the combination's hash, the key
-- the events are joined on in chk_ctx (one 8-byte key instead of four strings; see acd_join).
CREATE OR REPLACE TEMP TABLE chk_acd_keys AS
SELECT hash(source_system, account, client_id, event_date) AS h, source_system, account, client_id, event_date
FROM (SELECT DISTINCT source_system, account, client_id, event_date FROM chk_scope_events);

-- step: account_days
-- Per account-day: the account's staff row in force on the date (one range join on the small account table).
CREATE OR REPLACE TEMP TABLE chk_ad AS
SELECT k.source_system, k.account, k.event_date, a.staff_id, coalesce(a.staff_registered, false) AS staff_registered,
    a.staff_line, a.staff_org, a.staff_unit, a.role, a.staff_personal_id, a.staff_addr, a.staff_surname,
    coalesce(a.is_provider, false) AS is_provider, a.last_org, a.last_unit
FROM (SELECT DISTINCT source_system, account, event_date FROM chk_acd_keys) k
LEFT JOIN chk_account_in_force a
    ON a.source_system = k.source_system AND a.account = k.account
   AND k.event_date BETWEEN a.seg_from AND a.seg_to;

-- step: permissions
-- Permission flags per (role, service task, action) combination that can occur: a small table.
-- An event without service task matches on action alone (docs/rules.md: action = the event's or `*`).
CREATE OR REPLACE TEMP TABLE chk_perm AS
WITH combos AS (
    SELECT r.role, t.service_task, t.action
    FROM (SELECT DISTINCT role FROM chk_ad WHERE role IS NOT NULL) r,
         (SELECT DISTINCT service_task, action FROM chk_scope_events) t
)
SELECT c.role, c.service_task, c.action,
    count(r.role) > 0 AS perm_any,
    coalesce(bool_or(r.requires_involvement), false) AS perm_requires,
    coalesce(bool_or(NOT r.requires_involvement), false) AS perm_free
FROM combos c
LEFT JOIN ref_role_permissions r
  ON r.role = c.role
 AND (c.service_task IS NULL OR r.service_task = c.service_task OR r.service_task = '*')
 AND EXISTS (SELECT 1 FROM chk_action_covers v WHERE v.granted = lower(trim(r.action)) AND v.action = c.action)
GROUP BY ALL;

-- step: involvement
-- Involvement per account-client-day (acd: its row in chk_acd_keys) whose account has a staff row in force: the
-- best rank of a row naming the staff member, or (non-personal kinds) the unit of the staff row in force, valid
-- on the date. Two equi-joins (by person, by unit) rather than one join on an OR, which would not hash.
-- followup_any: any involvement on a day of [d, d + emergency_followup_days] (what an emergency access on d
-- needs; chk_ctx applies it to emergencies only). Only the judged events read it (a known client, too).
CREATE OR REPLACE TEMP TABLE chk_inv AS
WITH pd AS (
    SELECT k.rowid AS acd, k.client_id, d.staff_id, d.staff_unit, k.event_date
    FROM chk_acd_keys k
    JOIN chk_ad d
      ON d.source_system = k.source_system AND d.account IS NOT DISTINCT FROM k.account AND d.event_date = k.event_date
    WHERE d.staff_line IS NOT NULL AND k.client_id IS NOT NULL
), rows_for AS (
    SELECT pd.acd, i.rnk, i.valid_from, i.valid_to
    FROM pd JOIN chk_inv_rows i ON i.client_id = pd.client_id AND i.staff_id = pd.staff_id
    UNION ALL
    SELECT pd.acd, i.rnk, i.valid_from, i.valid_to
    FROM pd JOIN chk_inv_rows i ON i.client_id = pd.client_id AND i.unit_id = pd.staff_unit AND i.rnk >= 3
)
SELECT pd.acd,
    min(r.rnk) FILTER (WHERE pd.event_date BETWEEN r.valid_from AND r.valid_to) AS inv_rank,
    coalesce(bool_or(r.valid_from <= pd.event_date + CAST($emergency_followup_days AS INTEGER)
                     AND r.valid_to >= pd.event_date), false) AS followup_any
FROM pd JOIN rows_for r USING (acd)
GROUP BY ALL;

-- step: authorisation_status
-- Per (organisation, client, date) on which a private provider's staff acted.
CREATE OR REPLACE TEMP TABLE chk_auth_od AS
SELECT DISTINCT d.staff_org AS organisation_id, k.client_id, k.event_date
FROM chk_acd_keys k
JOIN chk_ad d
  ON d.source_system = k.source_system AND d.account IS NOT DISTINCT FROM k.account AND d.event_date = k.event_date
WHERE d.is_provider AND d.staff_line IS NOT NULL AND k.client_id IS NOT NULL;

-- step: authorisation_status_of_providers
CREATE OR REPLACE TEMP TABLE chk_auth AS SELECT * FROM chk_authorisation_status('chk_auth_od');

-- step: account_client_day_flags
-- Per account-client-day (acd: its row in chk_acd_keys): its account-day's staff row and the client, what compares
-- the two (the same person, the same address, another staff member), the involvement and the acting provider's
-- authorisation: what chk_ctx joins to every event. The yes/no facts and the involvement rank travel to the events
-- packed in one integer, `bits` (chk_flag below reads one back): a hash join's cost grows with the columns it
-- carries from the build side to every event, and fourteen flags as fourteen columns cost more than the join
-- itself. Bit 0 staff_registered, 1 a staff row in force, 2 client_known, 3 is_provider, 4 client_protected,
-- 5 client_is_other_staff, 6 same_person, 7 same_address, 8 same_surname, 9 followup_any, 10 service_auth,
-- 11 tender_auth, 12 tender_framework, 13 tender_direct; bits 16-18 the involvement rank (0 = none).
CREATE OR REPLACE TEMP TABLE chk_acd AS
WITH x AS (
    SELECT k.rowid AS acd, k.h, k.source_system, k.account, k.client_id, k.event_date,
        d.staff_id, coalesce(d.staff_registered, false) AS staff_registered, d.staff_line, d.staff_org, d.staff_unit,
        d.role, coalesce(d.is_provider, false) AS is_provider, d.last_org, d.last_unit,
        c.client_id IS NOT NULL AS client_known,
        c.deceased_on,
        coalesce(c.security_prohibition
            OR (c.placement_secret AND (c.placement_secret_until IS NULL OR k.event_date <= c.placement_secret_until)),
            false) AS client_protected,
        coalesce(c.min_staff <> d.staff_id OR c.max_staff <> d.staff_id, false) AS client_is_other_staff,
        -- the staff member is the client (personal identity codes match)
        coalesce(d.staff_personal_id = k.client_id, false) AS same_person,
        -- the staff member's address is the client's (both normalised, both non-empty)
        coalesce(d.staff_addr = c.addr_norm, false) AS same_address,
        coalesce(d.staff_surname <> '' AND d.staff_surname = c.surname, false) AS same_surname
    FROM chk_acd_keys k
    LEFT JOIN chk_ad d
      ON d.source_system = k.source_system AND d.account IS NOT DISTINCT FROM k.account AND d.event_date = k.event_date
    LEFT JOIN chk_clients c ON c.client_id = k.client_id
)
SELECT x.acd, x.h, x.source_system, x.account, x.client_id, x.event_date,
    x.staff_id, x.staff_org, x.staff_unit, x.role, x.deceased_on, x.last_org, x.last_unit,
    CASE WHEN x.is_provider THEN coalesce(au.auth_subtype, 'never_authorised') END AS auth_subtype,
    CAST(x.staff_registered AS INTEGER)
    | (CAST(x.staff_line IS NOT NULL AS INTEGER) << 1)
    | (CAST(x.client_known AS INTEGER) << 2)
    | (CAST(x.is_provider AS INTEGER) << 3)
    | (CAST(x.client_protected AS INTEGER) << 4)
    | (CAST(x.client_is_other_staff AS INTEGER) << 5)
    | (CAST(x.same_person AS INTEGER) << 6)
    | (CAST(x.same_address AS INTEGER) << 7)
    | (CAST(x.same_surname AS INTEGER) << 8)
    | (CAST(coalesce(i.followup_any, false) AS INTEGER) << 9)
    | (CAST(coalesce(au.service_auth, false) AS INTEGER) << 10)
    | (CAST(coalesce(au.tender_auth, false) AS INTEGER) << 11)
    | (CAST(coalesce(au.tender_framework, false) AS INTEGER) << 12)
    | (CAST(coalesce(au.tender_direct, false) AS INTEGER) << 13)
    | (coalesce(i.inv_rank, 0) << 16) AS bits
FROM x
LEFT JOIN chk_inv i ON i.acd = x.acd
LEFT JOIN chk_auth au
  ON x.is_provider AND au.organisation_id = x.staff_org AND au.client_id = x.client_id AND au.event_date = x.event_date;

-- step: context
-- The one materialisation of the events in scope, and a narrow one: per event its row in `events` (event_row), its
-- account-client-day (acd), the flags that account-client-day packs (one hash join), its permission (a join to a
-- small table), and the few columns the rules filter on and the explanations store. The other wide columns (the
-- account, the document, the staff row's strings, ...) are not copied: chk_ctx below fetches them late, by row
-- id and acd, for the events a rule actually shows (a copy of every event's strings cost more than the joins).
-- Nor is the source's event id, a string unique to each event: the explanations store the event's ingest run and
-- record, carried here packed in one integer (event_key; 0.48 s against 0.56 s for a partition of 1.95 M events
-- with the id and the two numbers), and a rule's finding takes the id from chk_ctx.
--   involved: any lawful involvement of the person or their unit on the date (personal, unit, referral,
--     supervision case). statutory: the event states an officer's statutory right to the data.
--   explained: involved, statutory, or a provider inside its service authorisation or a framework tender.
--     What is unusual about an explained access (hour, volume, a protected client) is the model's matter.
--   disclosed_to / is_disclosure: a disclosure between controllers (docs/rules.md §Disclosure): a `disclose`
--     event's recipient, or, for any other action, the acting county-side organisation when it is not the
--     controller whose data it is (a Kanta read by another county's worker). A private provider working for
--     the controller processes the data inside the controller's own register (its authorisation rules judge
--     it), so it is no recipient.
--   The disclosure flags (recipient_authorised, recipient_in_direct_tender, prohibited, permitted) are false
--   here and set for the few disclosures by the disclosure steps below.
--   dup_h / log_suspect: what the three rules about the log's own content need from every event, computed in
--     this one read of the partition so that none of them reads the partition's events again: dup_h the hash of
--     the columns log_duplicate_events compares, log_suspect true for every event that may miss a required
--     field (log_missing_fields) or be stamped too far ahead of its ingest run or in the spring DST gap
--     (log_clock_skew). Each of those rules applies its own exact condition to the marked events only.
CREATE OR REPLACE TEMP TABLE chk_ctx_rows AS
WITH j AS (
    SELECT e.event_row, e.source_system, chk_event_key(e.run_id, e.record_no) AS event_key, e.event_time,
        e.event_date, e.client_id, e.action,
        e.service_task, e.is_emergency, e.controller_id, e.legal_basis, e.recipient_organisation_id, e.is_access,
        coalesce(e.purpose = 'statutory_right', false) AS statutory, coalesce(a.staff_org, e.event_org) AS acting_org,
        a.acd, a.role, a.deceased_on, a.bits,
        hash(e.source_system, e.account, e.client_id, e.action, e.document, e.event_time) AS dup_h,
        coalesce(e.account IS NULL
            OR ((e.purpose IS NULL AND NOT e.is_emergency OR e.document IS NULL AND e.data_description IS NULL)
                AND (e.action = 'disclose'
                     OR (e.is_access AND e.action IN ('read', 'create', 'update', 'delete', 'print', 'export'))))
            OR (e.action = 'disclose' AND (e.recipient_organisation_id IS NULL OR e.legal_basis IS NULL))
            OR e.time_flag = 'nonexistent'
            OR epoch_us(e.event_time) > epoch_us(r.started_at) + CAST($clock_skew_future_minutes AS BIGINT) * 60000000,
            false) AS log_suspect
    FROM chk_ev e
    JOIN chk_acd a ON /*acd_join*/
    LEFT JOIN ingest_runs r ON r.run_id = e.run_id
), f AS (
    SELECT event_row, source_system, event_key, event_time, event_date, client_id, action, service_task,
        is_emergency, controller_id, legal_basis, is_access, statutory, acd, role, deceased_on, dup_h, log_suspect,
        chk_flag(bits, 3) AS is_provider,
        chk_flag(bits, 4) AS client_protected,
        chk_flag(bits, 5) AS client_is_other_staff,
        chk_flag(bits, 6) AS same_person,
        chk_flag(bits, 7) AS same_address,
        chk_flag(bits, 8) AS same_surname,
        is_emergency AND chk_flag(bits, 9) AS followed_up,
        chk_flag(bits, 10) AS service_auth,
        chk_flag(bits, 11) AS tender_auth,
        chk_flag(bits, 12) AS tender_framework,
        chk_flag(bits, 13) AS tender_direct,
        CAST(nullif((bits >> 16), 0) AS INTEGER) AS inv_rank,
        (is_access AND NOT chk_flag(bits, 0)) AS gate_unknown_account,
        (is_access AND chk_flag(bits, 0) AND NOT chk_flag(bits, 1)) AS gate_outside_employment,
        (is_access AND NOT chk_flag(bits, 2) AND chk_flag(bits, 0) AND chk_flag(bits, 1)) AS gate_unknown_client,
        (is_access AND chk_flag(bits, 1) AND chk_flag(bits, 2)) AS judged,
        CASE WHEN action = 'disclose' THEN recipient_organisation_id
             WHEN NOT chk_flag(bits, 3) AND controller_id IS NOT NULL AND acting_org <> controller_id
                 THEN acting_org END AS disclosed_to
    FROM j
)
SELECT f.* EXCLUDE (service_task, controller_id, role),
    (f.disclosed_to IS NOT NULL AND f.disclosed_to IS DISTINCT FROM f.controller_id) AS is_disclosure,
    coalesce(pm.perm_any, false) AS perm_any,
    coalesce(pm.perm_requires, false) AS perm_requires,
    coalesce(pm.perm_free, false) AS perm_free,
    f.inv_rank IS NOT NULL AS involved,
    false AS recipient_authorised, false AS recipient_in_direct_tender, false AS prohibited, false AS permitted,
    (f.inv_rank IS NOT NULL OR f.statutory OR (f.is_provider AND (f.service_auth OR f.tender_framework))) AS explained
FROM f
LEFT JOIN chk_perm pm
  ON pm.role = f.role AND pm.service_task IS NOT DISTINCT FROM f.service_task AND pm.action = f.action;

-- step: context_view
-- Every event in scope with every column a rule may show: the context's own columns, the rest of the event's
-- fetched by row id and the staff row's by acd. Rules about the log itself read chk_ctx; access rules read
-- chk_judged; a rule's filter on the context's columns is applied before the fetch, so a rule reads the wide
-- columns of its own hits only. What reads every event (the explanations, the explained share, mass access's
-- account-days) reads chk_ctx_rows. A column only a finding shows (the staff row's last organisation and unit for
-- an access outside employment, the provider's authorisation subtype) is fetched from chk_acd through acd by the
-- rule that shows it. The row ids are read within the partition's own statements, never across a commit.
CREATE OR REPLACE TEMP VIEW chk_ctx AS
SELECT c.*, e.source_event_id, e.account, e.service_task, e.document, e.organisation_id AS event_org,
    e.unit_id AS event_unit, e.controller_id, e.channel, a.staff_id, a.staff_org, a.staff_unit, a.role
FROM chk_ctx_rows c
JOIN events e ON e.rowid = c.event_row
JOIN chk_acd a ON a.acd = c.acd;

-- step: disclosure_status
-- Per judged disclosure between controllers (few events): the recipient's authorisation for the client on the
-- date, and the client's prohibition and permission. Seed 004: a prohibition targets one document, a service
-- task, or a controller's data ("tiettyyn rekisterinpitäjään, kuten hyvinvointialueeseen"): a
-- controller-scoped prohibition matches the controller whose data it is.
CREATE OR REPLACE TEMP TABLE chk_disclosure_od AS
SELECT DISTINCT disclosed_to AS organisation_id, client_id, event_date FROM chk_ctx WHERE judged AND is_disclosure;

-- step: disclosure_status_of_events
CREATE OR REPLACE TEMP TABLE chk_disclosure AS
WITH d AS (
    SELECT event_row, client_id, event_date, controller_id, service_task, document, disclosed_to
    FROM chk_ctx WHERE judged AND is_disclosure
), ra AS (SELECT * FROM chk_authorisation_status('chk_disclosure_od'))
SELECT d.event_row,
    coalesce(ra.service_auth OR ra.tender_framework, false) AS recipient_authorised,
    coalesce(ra.tender_direct AND NOT ra.service_auth AND NOT ra.tender_framework, false) AS recipient_in_direct_tender,
    EXISTS (SELECT 1 FROM ref_disclosure_prohibitions p
            WHERE p.client_id = d.client_id
              AND d.event_date BETWEEN p.valid_from AND coalesce(p.valid_to, DATE '9999-12-31')
              AND ((p.scope = 'controller' AND p.target = d.controller_id)
                OR (p.scope = 'service_task' AND p.target = d.service_task)
                OR (p.scope = 'document' AND p.target = d.document))) AS prohibited,
    EXISTS (SELECT 1 FROM ref_disclosure_permissions q
            WHERE q.client_id = d.client_id
              AND d.event_date BETWEEN q.valid_from AND coalesce(q.valid_to, DATE '9999-12-31')) AS permitted
FROM d LEFT JOIN ra
  ON ra.organisation_id = d.disclosed_to AND ra.client_id = d.client_id AND ra.event_date = d.event_date;

-- step: disclosure_flags
UPDATE chk_ctx_rows SET recipient_authorised = d.recipient_authorised,
    recipient_in_direct_tender = d.recipient_in_direct_tender, prohibited = d.prohibited, permitted = d.permitted
FROM chk_disclosure d
WHERE d.event_row = chk_ctx_rows.event_row;

-- step: judged_context
-- The events every access rule filters: judged events with all flags resolved (a view over chk_ctx).
CREATE OR REPLACE TEMP VIEW chk_judged AS SELECT * FROM chk_ctx WHERE judged;
