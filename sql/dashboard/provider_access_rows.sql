-- title: every access by a provider's staff, classified against the provider's authorisation for that client
-- used_by: sql/dashboard/provider_accesses.sql, provider_access_summary.sql, provider_access_days.sql (`-- with:`)
-- params: organisation_id
-- status: inside_service, tender_phase, never_authorised, before_start, after_end (docs/rules.md provider rules)
-- The one definition of the classification: the list, its counts and the chart read these rows in DuckDB.
WITH ev AS (
    SELECT e.event_time, e.event_local, e.event_date, e.source_system, e.source_event_id, a.staff_id,
           e.client_id, e.action, e.document, e.channel
    FROM events e
    JOIN ref_accounts a ON a.source_system = e.source_system AND a.account = e.account
    JOIN ref_staff s ON s.staff_id = a.staff_id
     AND e.event_date BETWEEN s.valid_from AND coalesce(s.valid_to, DATE '9999-12-31')
    WHERE s.organisation_id = $organisation_id AND e.client_id IS NOT NULL
), auth AS (
    SELECT client_id, phase, valid_from,
           least(coalesce(valid_to, DATE '9999-12-31'), coalesce(cancelled_on - 1, DATE '9999-12-31')) AS eff_to
    FROM ref_provider_authorisations WHERE organisation_id = $organisation_id
)
SELECT ev.event_time, ev.event_local, ev.event_date, ev.source_system, ev.source_event_id, ev.staff_id,
       ev.client_id, ev.action, ev.document, ev.channel,
       CASE WHEN EXISTS (SELECT 1 FROM auth WHERE auth.client_id = ev.client_id AND auth.phase = 'service'
                         AND ev.event_date BETWEEN auth.valid_from AND auth.eff_to) THEN 'inside_service'
            WHEN EXISTS (SELECT 1 FROM auth WHERE auth.client_id = ev.client_id AND auth.phase = 'tender'
                         AND ev.event_date BETWEEN auth.valid_from AND auth.eff_to) THEN 'tender_phase'
            WHEN NOT EXISTS (SELECT 1 FROM auth WHERE auth.client_id = ev.client_id) THEN 'never_authorised'
            WHEN ev.event_date < (SELECT min(valid_from) FROM auth WHERE auth.client_id = ev.client_id)
                 THEN 'before_start'
            ELSE 'after_end' END AS status
FROM ev
