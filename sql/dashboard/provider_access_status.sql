-- title: each account-client-day of a provider's staff classified against the provider's authorisation for that
--   client
-- used_by: sql/dashboard/provider_access_rows.sql, provider_access_summary.sql (`-- with:`)
-- with: provider_access_keys
-- params: organisation_id, summarised (see provider_access_keys.sql)
-- status: inside_service, framework_assessment, tender_phase, never_authorised, never_started, before_start,
--   cancelled, after_end, after_employment (docs/rules.md provider rules)
-- The one definition of the classification: the list, its counts and the chart read its keys in DuckDB. An
-- access's status depends only on its account, client and day, so every event of a key has the key's status.
WITH auth AS (
    SELECT client_id, phase, agreement, valid_from,
           least(coalesce(valid_to, DATE '9999-12-31'), coalesce(cancelled_on - 1, DATE '9999-12-31')) AS eff_to,
           coalesce(valid_to, DATE '9999-12-31') AS valid_to, cancelled_on,
           coalesce(cancelled_on <= valid_from, false) AS never_started
    FROM ref_provider_authorisations
    WHERE organisation_id = $organisation_id AND (valid_to IS NULL OR valid_to >= valid_from)
), judged AS (
    SELECT k.source_system, k.account, k.staff_id, k.client_id, k.event_date, k.employed, k.events,
        count(a.phase) AS auth_rows,
        coalesce(bool_or(a.phase = 'service' AND k.event_date BETWEEN a.valid_from AND a.eff_to), false) AS service,
        coalesce(bool_or(a.phase = 'tender' AND a.agreement = 'framework'
                         AND k.event_date BETWEEN a.valid_from AND a.eff_to), false) AS framework,
        coalesce(bool_or(a.phase = 'tender' AND k.event_date BETWEEN a.valid_from AND a.eff_to), false) AS tender,
        coalesce(bool_and(a.never_started), false) AS all_never_started,
        coalesce(bool_or(NOT a.never_started AND k.event_date < a.valid_from), false) AS before_start,
        coalesce(bool_or(NOT a.never_started AND a.cancelled_on IS NOT NULL AND k.event_date >= a.cancelled_on
                         AND a.cancelled_on <= a.valid_to), false) AS cancelled
    FROM provider_access_keys k LEFT JOIN auth a ON a.client_id = k.client_id
    GROUP BY ALL
)
SELECT source_system, account, staff_id, client_id, event_date, events,
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
