-- id: provider_outside_authorisation
-- category: provider_authorisation
-- level: event
-- scope: events
-- severity: high
-- title_fi: Palveluntuottaja luvituksen ulkopuolella
-- title_en: Provider outside its authorisation
-- legal_basis: asiakastietolaki 703/2023 4 § 3 mom; julkisuuslaki 621/1999 26 § 3 mom (vain toimeksiannon kannalta
--   välttämättömät tiedot erikseen luvitetulle tuottajalle)
-- description: Staff of a private provider accessed a client for whom the provider holds neither a service
--   nor a tender authorisation on the date. Evidence subtype: never_authorised, before_start, after_end,
--   cancelled (an authorisation's effective end is min(valid_to, cancelled_on - 1 day)).
-- false_positives: An authorisation extended by a decision not yet in provider_authorisations.csv; a
--   provider staff member also employed by the county under a different account.
-- The authorisation subtype comes from the account-client-day (chk_acd), fetched for the findings only.
SELECT c.source_system || '|' || c.source_event_id AS finding_key, c.source_system, c.account, c.staff_id, c.client_id,
    c.staff_org AS organisation_id, c.staff_unit AS unit_id, c.event_time AS first_time, c.event_time AS last_time,
    c.event_date,
    json_object('subtype', a.auth_subtype, 'provider', c.staff_org) AS evidence,
    [{'source_system': c.source_system, 'source_event_id': c.source_event_id}] AS events
FROM (SELECT * FROM chk_judged WHERE is_provider AND NOT service_auth AND NOT tender_auth) c
JOIN chk_acd a ON a.acd = c.acd
