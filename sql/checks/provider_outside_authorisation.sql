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
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('subtype', auth_subtype, 'provider', staff_org) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE is_provider AND NOT service_auth AND NOT tender_auth
