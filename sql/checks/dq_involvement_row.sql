-- id: dq_involvement_row
-- category: data_quality
-- level: key
-- scope: full
-- severity: medium
-- title_fi: Asiakkuusrivi ei kelpaa
-- title_en: Unusable involvement row
-- legal_basis: asiakastietolaki 703/2023 9 § (tietoteknisesti todennettu asiakassuhde)
-- description: An involvement row that can explain no access: its kind is not one of responsible_worker,
--   work_pair, unit, referral, supervision_case; it names neither a staff member nor a unit; or it is a
--   personal kind (responsible_worker, work_pair) that names only a unit. Such a row is ignored by the rules,
--   so the accesses it was meant to explain are judged without it. Key: involvement + line number.
-- false_positives: None: the row must be corrected in the client system's export.
SELECT 'involvement|' || line_no AS finding_key, NULL AS source_system, NULL AS account,
    nullif(trim(staff_id), '') AS staff_id, client_id, NULL AS organisation_id, nullif(trim(unit_id), '') AS unit_id,
    NULL::TIMESTAMPTZ AS first_time, NULL::TIMESTAMPTZ AS last_time, NULL::DATE AS event_date,
    json_object('kind', kind, 'reason', reason) AS evidence,
    []::STRUCT(source_system VARCHAR, source_event_id VARCHAR)[] AS events
FROM (
    SELECT *, CASE
        WHEN kind NOT IN ('responsible_worker', 'work_pair', 'unit', 'referral', 'supervision_case') THEN 'unknown_kind'
        WHEN nullif(trim(staff_id), '') IS NULL AND nullif(trim(unit_id), '') IS NULL THEN 'names_nobody'
        WHEN kind IN ('responsible_worker', 'work_pair') AND nullif(trim(staff_id), '') IS NULL THEN 'personal_kind_without_staff'
    END AS reason
    FROM ref_involvement
)
WHERE reason IS NOT NULL
