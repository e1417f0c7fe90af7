-- id: family_or_neighbour
-- category: family
-- level: event
-- scope: events
-- severity: high
-- title_fi: Perheenjäsenen tai naapurin tietojen katselu
-- title_en: Family member or neighbour
-- legal_basis: asiakastietolaki 703/2023 9 §; hallintolaki 434/2003 28 § (esteellisyys)
-- description: The staff member's address equals the client's (lower case, trimmed, inner whitespace
--   collapsed; both non-empty; not self-access). Evidence same_surname tells whether the last words of the
--   names match.
--   (same_address, same_surname, same_person: sql/checks/_access_context.sql, resolved once per
--   account-client-day.)
-- false_positives: Large buildings or care homes sharing one street address; the worker is the client's
--   responsible worker and lives in the same building. Check the apartment and the involvement.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('same_surname', same_surname) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE same_address AND NOT same_person
