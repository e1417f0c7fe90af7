-- title: every access by a provider's staff, classified against the provider's authorisation for that client
-- used_by: sql/dashboard/provider_accesses.sql, provider_access_summary.sql, provider_access_days.sql (`-- with:`)
-- params: organisation_id
-- status: inside_service, framework_assessment, tender_phase, never_authorised, never_started, before_start,
--   cancelled, after_end, after_employment (docs/rules.md provider rules)
-- The one definition of the classification: the list, its counts and the chart read these rows in DuckDB.
-- A staff member counts for the provider whose staff row began last on or before the event's date (ASOF
-- join): a former worker whose employment ended still counts for the provider, with status after_employment
-- (seed 000 §4: the provider's right to see the data ends with the access right).
WITH acc AS (
    SELECT a.source_system, a.account, a.staff_id FROM ref_accounts a
    WHERE a.staff_id IN (SELECT staff_id FROM ref_staff WHERE organisation_id = $organisation_id)
), ev AS (
    SELECT e.event_time, e.event_local, e.event_date, e.source_system, e.source_event_id, acc.staff_id,
           e.client_id, e.action, e.document, e.channel,
           e.event_date <= coalesce(s.valid_to, DATE '9999-12-31') AS employed
    FROM events e
    JOIN acc ON acc.source_system = e.source_system AND acc.account = e.account
    ASOF JOIN ref_staff s ON s.staff_id = acc.staff_id AND e.event_date >= s.valid_from
    WHERE s.organisation_id = $organisation_id AND e.client_id IS NOT NULL
), auth AS (
    SELECT client_id, phase, agreement, valid_from,
           least(coalesce(valid_to, DATE '9999-12-31'), coalesce(cancelled_on - 1, DATE '9999-12-31')) AS eff_to,
           coalesce(valid_to, DATE '9999-12-31') AS valid_to, cancelled_on,
           coalesce(cancelled_on <= valid_from, false) AS never_started
    FROM ref_provider_authorisations
    WHERE organisation_id = $organisation_id AND (valid_to IS NULL OR valid_to >= valid_from)
), judged AS (
    SELECT ev.event_time, ev.event_local, ev.event_date, ev.source_system, ev.source_event_id, ev.staff_id,
        ev.client_id, ev.action, ev.document, ev.channel, ev.employed,
        count(a.phase) AS auth_rows,
        coalesce(bool_or(a.phase = 'service' AND ev.event_date BETWEEN a.valid_from AND a.eff_to), false) AS service,
        coalesce(bool_or(a.phase = 'tender' AND a.agreement = 'framework'
                         AND ev.event_date BETWEEN a.valid_from AND a.eff_to), false) AS framework,
        coalesce(bool_or(a.phase = 'tender' AND ev.event_date BETWEEN a.valid_from AND a.eff_to), false) AS tender,
        coalesce(bool_and(a.never_started), false) AS all_never_started,
        coalesce(bool_or(NOT a.never_started AND ev.event_date < a.valid_from), false) AS before_start,
        coalesce(bool_or(NOT a.never_started AND a.cancelled_on IS NOT NULL AND ev.event_date >= a.cancelled_on
                         AND a.cancelled_on <= a.valid_to), false) AS cancelled
    FROM ev LEFT JOIN auth a ON a.client_id = ev.client_id
    GROUP BY ALL
)
SELECT event_time, event_local, event_date, source_system, source_event_id, staff_id, client_id, action, document,
    channel,
    CASE WHEN NOT employed THEN 'after_employment'
         WHEN service THEN 'inside_service'
         WHEN framework THEN 'framework_assessment'
         WHEN tender THEN 'tender_phase'
         WHEN auth_rows = 0 THEN 'never_authorised'
         WHEN all_never_started THEN 'never_started'
         WHEN before_start THEN 'before_start'
         WHEN cancelled THEN 'cancelled'
         ELSE 'after_end' END AS status
FROM judged
