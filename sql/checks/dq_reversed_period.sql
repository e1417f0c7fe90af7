-- id: dq_reversed_period
-- category: data_quality
-- level: key
-- scope: full
-- severity: medium
-- title_fi: Päättymispäivä ennen alkamispäivää
-- title_en: Reversed period in reference data
-- legal_basis: asiakastietolaki 703/2023 9 § 3 mom
-- description: A reference row (staff, involvement, provider_authorisations, disclosure_prohibitions,
--   disclosure_permissions) whose valid_to is before its valid_from. Key: table + line number.
-- false_positives: None: the row is wrong; it is ignored by the rules until corrected.
WITH r AS (
    SELECT 'staff' AS tbl, line_no, staff_id, NULL AS client_id, valid_from, valid_to FROM ref_staff
    UNION ALL SELECT 'involvement', line_no, staff_id, client_id, valid_from, valid_to FROM ref_involvement
    UNION ALL SELECT 'provider_authorisations', line_no, NULL, client_id, valid_from, valid_to FROM ref_provider_authorisations
    UNION ALL SELECT 'disclosure_prohibitions', line_no, NULL, client_id, valid_from, valid_to FROM ref_disclosure_prohibitions
    UNION ALL SELECT 'disclosure_permissions', line_no, NULL, client_id, valid_from, valid_to FROM ref_disclosure_permissions
)
SELECT tbl || '|' || line_no AS finding_key, NULL AS source_system, NULL AS account, staff_id, client_id,
    NULL AS organisation_id, NULL AS unit_id, NULL::TIMESTAMPTZ AS first_time, NULL::TIMESTAMPTZ AS last_time,
    NULL::DATE AS event_date,
    json_object('table', tbl, 'line_no', line_no, 'valid_from', valid_from, 'valid_to', valid_to) AS evidence,
    []::STRUCT(source_system VARCHAR, source_event_id VARCHAR)[] AS events
FROM r WHERE valid_to < valid_from
