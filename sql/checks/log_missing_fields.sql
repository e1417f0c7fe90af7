-- id: log_missing_fields
-- category: log_completeness
-- level: event
-- scope: events
-- severity: medium
-- title_fi: Lokitapahtumasta puuttuu pakollinen tieto
-- title_en: Log event missing a required field
-- legal_basis: asiakastietolaki 703/2023 10 § 2 mom (käyttöloki: käytetyt tiedot, palvelunantaja, käyttäjä,
--   käyttötarkoitus, aika) ja 3 mom (luovutusloki: tietojen kuvaus, vastaanottaja, tarkoitus, säännös tai
--   lupa)
-- description: Any stored event with no account; an access event (read, create, update, delete, print,
--   export) with no purpose, or with neither a document nor a description of the data used; a disclosure with
--   no recipient organisation, no purpose, no description of the data disclosed (document or
--   data_description) or no legal basis. Evidence `missing` lists what is absent. (A controller the source
--   does not name is a property of the source, reported once per source by log_controller_not_named.)
-- false_positives: A source whose mapping file does not yet translate its purpose, document or legal-basis
--   column; a source that writes only one controller and leaves it implicit.
-- The context's one read of the partition marks the events that may miss something (chk_ctx_rows.log_suspect);
-- their columns are fetched from the partition's events by row id, and their staff row comes from their
-- account-client-day (chk_acd).
SELECT m.source_system || '|' || m.source_event_id AS finding_key, m.source_system, m.account, a.staff_id, m.client_id,
    coalesce(a.staff_org, m.event_org) AS organisation_id, coalesce(a.staff_unit, m.event_unit) AS unit_id,
    m.event_time AS first_time, m.event_time AS last_time, m.event_date,
    json_object('missing', m.missing) AS evidence,
    [{'source_system': m.source_system, 'source_event_id': m.source_event_id}] AS events
FROM (
    SELECT *, list_filter([
        CASE WHEN account IS NULL THEN 'account' END,
        CASE WHEN purpose IS NULL AND NOT is_emergency
              AND (action = 'disclose' OR (is_access AND action IN ('read', 'create', 'update', 'delete', 'print', 'export')))
             THEN 'purpose' END,
        CASE WHEN document IS NULL AND data_description IS NULL
              AND (action = 'disclose' OR (is_access AND action IN ('read', 'create', 'update', 'delete', 'print', 'export')))
             THEN CASE WHEN action = 'disclose' THEN 'data_description' ELSE 'document' END END,
        CASE WHEN action = 'disclose' AND recipient_organisation_id IS NULL THEN 'recipient_organisation_id' END,
        CASE WHEN action = 'disclose' AND legal_basis IS NULL THEN 'legal_basis' END
    ], lambda x: x IS NOT NULL) AS missing
    -- only the events the context marked (chk_ctx_rows.log_suspect: these conditions or a clock skew, computed in
    -- the context's one read of the partition) get a list, and only their own columns are fetched, by row id
    FROM (SELECT s.source_system, e.source_event_id, s.event_time, s.event_date, s.client_id, s.action,
              s.is_emergency, s.is_access, s.legal_basis, e.account, e.purpose, e.document, e.data_description,
              e.recipient_organisation_id, e.organisation_id AS event_org, e.unit_id AS event_unit
          FROM chk_ctx_rows s JOIN chk_scope_events e ON e.event_row = s.event_row
          WHERE s.log_suspect)
) m
LEFT JOIN chk_acd a
  ON a.source_system = m.source_system AND a.account IS NOT DISTINCT FROM m.account
 AND a.client_id IS NOT DISTINCT FROM m.client_id AND a.event_date = m.event_date
WHERE len(m.missing) > 0
