-- id: dq_overlapping_employment
-- category: data_quality
-- level: key
-- scope: full
-- severity: low
-- title_fi: Päällekkäiset palvelussuhteet
-- title_en: Overlapping employment rows
-- legal_basis: asiakastietolaki 703/2023 9 § 3 mom
-- description: Two staff rows of one staff_id whose periods overlap (both inclusive). Key: staff + line
--   number of the later row (later start; on a tie, later line). The rules use the row that started last.
-- false_positives: A change of unit entered without closing the previous row one day earlier.
SELECT 'staff|' || b.line_no AS finding_key, NULL AS source_system, NULL AS account, b.staff_id,
    NULL AS client_id, b.organisation_id, b.unit_id, NULL::TIMESTAMPTZ AS first_time,
    NULL::TIMESTAMPTZ AS last_time, NULL::DATE AS event_date,
    json_object('overlaps_line', min(a.line_no)) AS evidence,
    []::STRUCT(source_system VARCHAR, source_event_id VARCHAR)[] AS events
FROM ref_staff a JOIN ref_staff b
  ON a.staff_id = b.staff_id AND a.line_no <> b.line_no
 AND (a.valid_from, a.line_no) < (b.valid_from, b.line_no)
 AND b.valid_from <= coalesce(a.valid_to, DATE '9999-12-31')
 AND a.valid_from <= coalesce(b.valid_to, DATE '9999-12-31')
WHERE coalesce(a.valid_to, DATE '9999-12-31') >= a.valid_from
  AND coalesce(b.valid_to, DATE '9999-12-31') >= b.valid_from
GROUP BY ALL
