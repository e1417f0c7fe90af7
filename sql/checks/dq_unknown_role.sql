-- id: dq_unknown_role
-- category: data_quality
-- level: key
-- scope: full
-- severity: medium
-- title_fi: Tuntematon rooli
-- title_en: Unknown role
-- legal_basis: asiakastietolaki 703/2023 9 § 3 mom; STM:n asetus 825/2022
-- description: A staff row whose role has no row in role_permissions.csv, so every access of that person is
--   unpermitted. Key: staff + line number.
-- false_positives: A role renamed in HR but not in the permission table.
SELECT 'staff|' || line_no AS finding_key, NULL AS source_system, NULL AS account, staff_id,
    NULL AS client_id, organisation_id, unit_id, NULL::TIMESTAMPTZ AS first_time,
    NULL::TIMESTAMPTZ AS last_time, NULL::DATE AS event_date,
    json_object('role', role) AS evidence,
    []::STRUCT(source_system VARCHAR, source_event_id VARCHAR)[] AS events
FROM ref_staff
WHERE role NOT IN (SELECT role FROM ref_role_permissions)
