-- id: disclosure_prohibited
-- category: prohibition
-- level: event
-- scope: events
-- severity: high
-- title_fi: Luovutus luovutuskiellon vastaisesti
-- title_en: Disclosure against a prohibition
-- legal_basis: asiakastietolaki 703/2023 (asiakkaan luovutuskielto sosiaalihuollon tietoihin; viranomaisen lakisääteinen
--   tiedonsaantioikeus ohittaa kiellon)
-- description: A disclosure matched a prohibition of the client valid on the date (controller = recipient,
--   service task, or document), its purpose was not a statutory right, and the recipient holds no
--   service authorisation for the client on the date.
-- false_positives: The officer's statutory right was real but logged with another purpose; the
--   prohibition was revoked in OmaKanta before the reference snapshot.
SELECT source_system || '|' || source_event_id AS finding_key, source_system, account, staff_id, client_id,
    staff_org AS organisation_id, staff_unit AS unit_id, event_time AS first_time, event_time AS last_time, event_date,
    json_object('recipient', disclosed_to, 'controller', controller_id, 'channel', channel, 'action', action,
                'service_task', service_task, 'document', document) AS evidence,
    [{'source_system': source_system, 'source_event_id': source_event_id}] AS events
FROM chk_judged
WHERE is_disclosure AND prohibited AND NOT statutory AND NOT recipient_authorised
