-- id: tender_phase_identifiable_access
-- category: tender_phase
-- level: event
-- scope: events
-- severity: high
-- title_fi: Tunnistettavien tietojen käsittely tarjousvaiheessa
-- title_en: Identifiable access in the tender phase
-- legal_basis: julkisuuslaki 621/1999 26 § 3 mom (vain välttämättömät tiedot); asiakastietolaki 703/2023 4 § 3 mom
-- description: Staff of a private provider accessed an identified client while only a tender authorisation
--   covers the date (no service authorisation).
-- false_positives: The service decision was made but its start date was entered late.
-- Two disjoint branches (a provider's own access; a county-side disclosure), each a plain filter of the context.
WITH hits AS (
    SELECT * FROM chk_judged WHERE is_provider AND tender_direct AND NOT service_auth AND NOT tender_framework
    UNION ALL
    SELECT * FROM chk_judged WHERE NOT is_provider AND is_disclosure AND recipient_in_direct_tender
)
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('subtype', CASE WHEN is_provider THEN 'provider_access' ELSE 'county_disclosure' END,
                'provider', CASE WHEN is_provider THEN staff_org ELSE disclosed_to END) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM hits
