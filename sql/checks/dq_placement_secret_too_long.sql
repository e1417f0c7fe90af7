-- id: dq_placement_secret_too_long
-- category: data_quality
-- level: key
-- scope: full
-- severity: medium
-- title_fi: Olinpaikan salaaminen yli vuodeksi
-- title_en: Secret whereabouts for more than a year
-- legal_basis: lastensuojelulaki 417/2007 63 § (päätös enintään vuodeksi kerrallaan)
-- description: A client whose whereabouts are kept secret (placement_secret) with no end date, or with an end
--   date more than one year after the reference data was imported: a decision to withhold a child's
--   whereabouts lasts at most one year at a time, so a secret open longer is either a decision the law does
--   not allow or a register entry left running. Key: clients + line number.
-- false_positives: A renewal decided in advance and entered as one period; enter each one-year decision
--   separately.
SELECT 'clients|' || c.line_no AS finding_key, NULL AS source_system, NULL AS account, NULL AS staff_id,
    c.client_id, NULL AS organisation_id, NULL AS unit_id,
    NULL::TIMESTAMPTZ AS first_time, NULL::TIMESTAMPTZ AS last_time, NULL::DATE AS event_date,
    json_object('placement_secret_until', c.placement_secret_until,
                'reason', CASE WHEN c.placement_secret_until IS NULL THEN 'no_end_date' ELSE 'longer_than_a_year' END) AS evidence,
    []::STRUCT(source_system VARCHAR, source_event_id VARCHAR)[] AS events
FROM ref_clients c
CROSS JOIN (SELECT coalesce(CAST(max(imported_at) AS DATE), current_date) AS imported_on FROM reference_imports) i
WHERE c.placement_secret
  AND (c.placement_secret_until IS NULL OR c.placement_secret_until > i.imported_on + INTERVAL 1 YEAR)
