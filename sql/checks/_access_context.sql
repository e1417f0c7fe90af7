-- title: shared per-event context that every rule of the catalogue reads (built once per check run)
-- description: Steps separated by `-- step:` lines, run in order by pipelines/checks/runner.py.
--   Inputs: the temp table chk_scope_dates(d DATE) and the parameter $full (true = every event date).
--   Reference look-ups are reduced first to small keyed tables (staff row in force per date segment,
--   accounts, clients, permission combinations, involvement per client-staff-day), then hash-joined to the
--   events, so the cost stays linear in the number of events: no per-event correlated subqueries.
--   docs/rules.md §Shared definitions is the contract for every column below.
--   The steps before `partition_from` read reference data only and run once per check; from it on they run
--   once per partition of the events (pipelines/checks/partitions.py), reading chk_scope_events.
-- partition_from: scope_dates

-- step: accounts
-- One staff_id per (source_system, account) (the file should not map an account twice), and whether
-- that staff_id is in staff.csv at all (gate 1).
CREATE OR REPLACE TEMP TABLE chk_accounts AS
SELECT a.source_system, a.account, a.staff_id,
    a.staff_id IN (SELECT staff_id FROM ref_staff) AS staff_registered
FROM (SELECT source_system, account, min(staff_id) AS staff_id FROM ref_accounts GROUP BY ALL) a;

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
SELECT a.source_system, a.account, a.staff_id, a.staff_registered,
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

-- step: scope_dates
-- A full check scopes every date that has events; the runner fills chk_scope_dates otherwise.
INSERT INTO chk_scope_dates SELECT DISTINCT event_date FROM events WHERE $full;

-- step: events_in_scope
-- A view, not a copy: chk_ctx below is the one materialisation of the events.
CREATE OR REPLACE TEMP VIEW chk_ev AS
SELECT e.source_system, e.source_event_id, e.event_time, e.event_date, e.account, e.client_id, e.action,
    e.service_task, e.document, e.purpose, (e.emergency OR coalesce(e.purpose = 'emergency', false)) AS is_emergency,
    e.organisation_id AS event_org, e.unit_id AS event_unit, e.controller_id, e.recipient_organisation_id,
    e.outcome, e.run_id, e.time_flag
FROM chk_scope_events e;  -- the partition's events (sql/checks/_partition.sql)

-- step: base
-- Per event: the account's staff row in force on the event's date and the client (two hash joins), and the
-- gates. A view: the keyed tables below read only the key columns of it, and chk_ctx materialises it once.
CREATE OR REPLACE TEMP VIEW chk_base AS
WITH base AS (
    SELECT e.*,
        (e.client_id IS NOT NULL AND e.action <> 'other' AND coalesce(e.outcome, 'success') = 'success') AS is_access,
        a.staff_id, coalesce(a.staff_registered, false) AS staff_registered, a.staff_line,
        a.staff_org, a.staff_unit, a.role, a.staff_personal_id, a.staff_addr, a.staff_surname,
        coalesce(a.is_provider, false) AS is_provider
    FROM chk_ev e
    LEFT JOIN chk_account_in_force a
        ON a.source_system = e.source_system AND a.account = e.account
       AND e.event_date BETWEEN a.seg_from AND a.seg_to
), ctx AS (
SELECT b.*,
    c.client_id IS NOT NULL AS client_known,
    c.deceased_on, c.addr_norm AS client_addr, c.surname AS client_surname,
    coalesce(c.security_prohibition
        OR (c.placement_secret AND (c.placement_secret_until IS NULL OR b.event_date <= c.placement_secret_until)),
        false) AS client_protected,
    coalesce(c.min_staff <> b.staff_id OR c.max_staff <> b.staff_id, false) AS client_is_other_staff,
    -- gates (docs/rules.md §Gates): an event gated by one is judged by nothing else
    (b.is_access AND NOT b.staff_registered) AS gate_unknown_account,
    (b.is_access AND b.staff_registered AND b.staff_line IS NULL) AS gate_outside_employment
FROM base b
LEFT JOIN chk_clients c ON c.client_id = b.client_id
), gated AS (
    SELECT *,
        (is_access AND NOT client_known AND NOT gate_unknown_account AND NOT gate_outside_employment)
            AS gate_unknown_client
    FROM ctx
)
SELECT *,
    (is_access AND staff_line IS NOT NULL AND NOT gate_unknown_account AND NOT gate_outside_employment
        AND NOT gate_unknown_client) AS judged
FROM gated;

-- step: keys
-- The distinct key combinations of judged events: every keyed table below is built from this (small) table,
-- so the events are materialised once, in chk_ctx, with all flags already joined.
CREATE OR REPLACE TEMP TABLE chk_keys AS
SELECT DISTINCT role, service_task, action, client_id, staff_id, staff_unit, staff_org, is_provider, event_date,
    is_emergency, CASE WHEN action = 'disclose' THEN recipient_organisation_id END AS recipient_organisation_id
FROM chk_base WHERE judged;

-- step: permissions
-- Permission flags per (role, service task, action) combination that occurs: a small table.
-- An event without service task matches on action alone (docs/rules.md: action = the event's or `*`).
CREATE OR REPLACE TEMP TABLE chk_perm AS
WITH combos AS (SELECT DISTINCT role, service_task, action FROM chk_keys)
SELECT c.role, c.service_task, c.action,
    count(r.role) > 0 AS perm_any,
    coalesce(bool_or(r.requires_involvement), false) AS perm_requires,
    coalesce(bool_or(NOT r.requires_involvement), false) AS perm_free
FROM combos c
LEFT JOIN ref_role_permissions r
  ON r.role = c.role
 AND (c.service_task IS NULL OR r.service_task = c.service_task OR r.service_task = '*')
 AND (r.action = c.action OR r.action = '*')
GROUP BY ALL;

-- step: involvement
-- Involvement per (client, staff, unit, date) that occurs among judged events. rank: 1 responsible_worker,
-- 2 work_pair (personal), 3 unit, 4 referral, 5 supervision_case (unit of the staff row in force).
CREATE OR REPLACE TEMP TABLE chk_inv AS
WITH pd AS (
    SELECT DISTINCT client_id, staff_id, staff_unit, event_date, is_emergency FROM chk_keys
), hits AS (
    SELECT pd.client_id, pd.staff_id, pd.staff_unit, pd.event_date,
        CASE i.kind WHEN 'responsible_worker' THEN 1 WHEN 'work_pair' THEN 2 END AS rnk
    FROM pd JOIN ref_involvement i
      ON i.client_id = pd.client_id AND i.staff_id = pd.staff_id
     AND i.kind IN ('responsible_worker', 'work_pair')
     AND pd.event_date BETWEEN i.valid_from AND coalesce(i.valid_to, DATE '9999-12-31')
    UNION ALL
    SELECT pd.client_id, pd.staff_id, pd.staff_unit, pd.event_date,
        CASE i.kind WHEN 'unit' THEN 3 WHEN 'referral' THEN 4 WHEN 'supervision_case' THEN 5 END
    FROM pd JOIN ref_involvement i
      ON i.client_id = pd.client_id AND i.unit_id = pd.staff_unit
     AND i.kind IN ('unit', 'referral', 'supervision_case')
     AND pd.event_date BETWEEN i.valid_from AND coalesce(i.valid_to, DATE '9999-12-31')
), followup AS (
    -- emergencies: any involvement on a day of [d, d + emergency_followup_days]
    SELECT DISTINCT pd.client_id, pd.staff_id, pd.staff_unit, pd.event_date
    FROM (SELECT * FROM pd WHERE is_emergency) pd JOIN ref_involvement i
      ON i.client_id = pd.client_id
     AND ((i.kind IN ('responsible_worker', 'work_pair') AND i.staff_id = pd.staff_id)
          OR (i.kind IN ('unit', 'referral', 'supervision_case') AND i.unit_id = pd.staff_unit))
     AND i.valid_from <= pd.event_date + CAST($emergency_followup_days AS INTEGER)
     AND coalesce(i.valid_to, DATE '9999-12-31') >= pd.event_date
)
SELECT pd.client_id, pd.staff_id, pd.staff_unit, pd.event_date,
    min(h.rnk) AS inv_rank,
    bool_or(f.client_id IS NOT NULL) AS followed_up
FROM (SELECT DISTINCT client_id, staff_id, staff_unit, event_date FROM pd) pd
LEFT JOIN hits h USING (client_id, staff_id, staff_unit, event_date)
LEFT JOIN followup f USING (client_id, staff_id, staff_unit, event_date)
GROUP BY ALL;

-- step: provider_authorisations
-- Effective period of each authorisation: [valid_from, min(valid_to, cancelled_on - 1)].
CREATE OR REPLACE TEMP TABLE chk_auth_rows AS
SELECT organisation_id, client_id, phase, valid_from,
    least(coalesce(valid_to, DATE '9999-12-31'), coalesce(cancelled_on - 1, DATE '9999-12-31')) AS eff_to,
    coalesce(valid_to, DATE '9999-12-31') AS valid_to, cancelled_on
FROM ref_provider_authorisations;

-- step: authorisation_status
-- Per (organisation, client, date) occurring as the acting provider or as a disclosure's recipient.
CREATE OR REPLACE TEMP TABLE chk_auth AS
WITH od AS (
    SELECT DISTINCT staff_org AS organisation_id, client_id, event_date FROM chk_keys WHERE is_provider
    UNION
    SELECT DISTINCT recipient_organisation_id, client_id, event_date FROM chk_keys
    WHERE action = 'disclose' AND recipient_organisation_id IS NOT NULL
)
SELECT od.organisation_id, od.client_id, od.event_date,
    coalesce(bool_or(a.phase = 'service' AND od.event_date BETWEEN a.valid_from AND a.eff_to), false) AS service_auth,
    coalesce(bool_or(a.phase = 'tender' AND od.event_date BETWEEN a.valid_from AND a.eff_to), false) AS tender_auth,
    count(a.phase) > 0 AS any_auth,
    coalesce(bool_or(a.cancelled_on IS NOT NULL
        AND (a.cancelled_on <= a.valid_from OR od.event_date >= a.cancelled_on)), false) AS was_cancelled,
    coalesce(bool_or(od.event_date > a.valid_to), false) AS after_end,
    coalesce(bool_or(od.event_date < a.valid_from), false) AS before_start
FROM od LEFT JOIN chk_auth_rows a ON a.organisation_id = od.organisation_id AND a.client_id = od.client_id
GROUP BY ALL;

-- step: disclosure_status
-- Prohibition and permission per disclosure event (few events; keyed by the event).
CREATE OR REPLACE TEMP TABLE chk_disclosure AS
WITH d AS (
    SELECT source_system, source_event_id, client_id, event_date, recipient_organisation_id, service_task, document
    FROM chk_base WHERE judged AND action = 'disclose'
)
SELECT d.source_system, d.source_event_id,
    EXISTS (SELECT 1 FROM ref_disclosure_prohibitions p
            WHERE p.client_id = d.client_id
              AND d.event_date BETWEEN p.valid_from AND coalesce(p.valid_to, DATE '9999-12-31')
              AND ((p.scope = 'controller' AND p.target = d.recipient_organisation_id)
                OR (p.scope = 'service_task' AND p.target = d.service_task)
                OR (p.scope = 'document' AND p.target = d.document))) AS prohibited,
    EXISTS (SELECT 1 FROM ref_disclosure_permissions q
            WHERE q.client_id = d.client_id
              AND d.event_date BETWEEN q.valid_from AND coalesce(q.valid_to, DATE '9999-12-31')) AS permitted
FROM d;

-- step: context
-- The one materialisation of the events in scope: every event with its context and, for judged events, all
-- flags resolved. Rules about the log itself read chk_ctx; access rules read chk_judged.
CREATE OR REPLACE TEMP TABLE chk_ctx AS
SELECT x.*,
    coalesce(pm.perm_any, false) AS perm_any,
    coalesce(pm.perm_requires, false) AS perm_requires,
    coalesce(pm.perm_free, false) AS perm_free,
    i.inv_rank,
    coalesce(i.inv_rank <= 2, false) AS personal_involvement,
    i.inv_rank IS NOT NULL AS involved,
    coalesce(i.followed_up, false) AS followed_up,
    coalesce(au.service_auth, false) AS service_auth,
    coalesce(au.tender_auth, false) AS tender_auth,
    CASE WHEN NOT coalesce(au.any_auth, false) THEN 'never_authorised'
         WHEN au.was_cancelled THEN 'cancelled'
         WHEN au.after_end THEN 'after_end'
         WHEN au.before_start THEN 'before_start'
         ELSE 'never_authorised' END AS auth_subtype,
    coalesce(ra.service_auth, false) AS recipient_authorised,
    coalesce(ds.prohibited, false) AS prohibited,
    coalesce(ds.permitted, false) AS permitted
FROM chk_base x
LEFT JOIN chk_perm pm
  ON pm.role = x.role AND pm.service_task IS NOT DISTINCT FROM x.service_task AND pm.action = x.action
LEFT JOIN chk_inv i
  ON i.client_id = x.client_id AND i.staff_id = x.staff_id
 AND i.staff_unit IS NOT DISTINCT FROM x.staff_unit AND i.event_date = x.event_date
LEFT JOIN chk_auth au
  ON x.is_provider AND au.organisation_id = x.staff_org AND au.client_id = x.client_id AND au.event_date = x.event_date
LEFT JOIN chk_auth ra
  ON ra.organisation_id = x.recipient_organisation_id AND ra.client_id = x.client_id AND ra.event_date = x.event_date
LEFT JOIN chk_disclosure ds
  ON x.action = 'disclose' AND ds.source_system = x.source_system AND ds.source_event_id = x.source_event_id;

-- step: judged_context
-- The events every access rule filters: judged events with all flags resolved (a view over chk_ctx).
CREATE OR REPLACE TEMP VIEW chk_judged AS SELECT * FROM chk_ctx WHERE judged;
