-- id: protected_client
-- category: protected
-- level: event
-- scope: events
-- severity: high
-- title_fi: Turvakieltoisen tai salaisen sijoituksen asiakkaan tietojen katselu
-- title_en: Protected client without involvement
-- legal_basis: lastensuojelulaki 417/2007 62–63 §; asiakastietolaki 703/2023 9 §
-- description: County staff accessed a protected client (security prohibition, or placement secret in
--   force on the date) with no personal involvement; not an emergency.
-- false_positives: A unit worker covering the responsible worker's absence (unit involvement is not enough
--   for protected clients by design).
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('security_prohibition_or_secret_placement', true) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE NOT is_provider AND client_protected AND NOT explained AND NOT is_emergency
