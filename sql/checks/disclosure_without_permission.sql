-- id: disclosure_without_permission
-- category: permission
-- level: event
-- scope: events
-- severity: medium
-- title_fi: Luovutus ilman luovutuslupaa
-- title_en: Disclosure without permission
-- legal_basis: asiakastietolaki 703/2023 (luovutus toiselle rekisterinpitäjälle edellyttää asiakkaan lupaa tai lakiin
--   perustuvaa oikeutta) ja 10 § 3 mom (luovutuksen peruste kirjataan)
-- description: A disclosure to another controller (recipient set and different from the controller) with
--   no matching prohibition, no statutory right, no service authorisation of the recipient, and no
--   disclosure permission of the client valid on the date.
-- false_positives: A written consent kept on paper and not entered as a disclosure permission.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('recipient', disclosed_to, 'controller', controller_id, 'channel', channel, 'action', action) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE is_disclosure AND NOT prohibited AND NOT statutory AND NOT recipient_authorised AND NOT recipient_in_direct_tender
  AND NOT permitted AND legal_basis IS NULL
