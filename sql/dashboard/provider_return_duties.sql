-- title: the provider's duty to return or delete a client's documents, per ended or never-started authorisation
-- used_by: app_pages/provider.py, pipelines/reports/return_duties.py
-- params: organisation_id, as_of (date: an authorisation whose effective end is before it has ended)
-- seed 000 §4-5: "Mikäli palvelun tuottaminen ... ei tämän jälkeen jostain syystä toteudu, on lasta koskevat
-- asiakirjat ja muut tiedot poistettava palveluntuottajan arkistosta ja tiedostoista ... Samoin palvelun
-- päättyessä palveluntuottajan on palautettava kaikki lasta koskevat asiakirjat". A service row that ended,
-- or never started (cancelled on or before its first day), carries the duty from the day after its effective
-- end; a tender row that ended with no service row after it is a service that never came about.
-- The supervision unit's confirmations live in the work store (return_confirmations) and are joined in Python.
WITH a AS (
    SELECT client_id, agreement, phase, valid_from, valid_to, cancelled_on, line_no,
        least(coalesce(valid_to, DATE '9999-12-31'), coalesce(cancelled_on - 1, DATE '9999-12-31')) AS effective_to,
        coalesce(cancelled_on <= valid_from, false) AS never_started
    FROM ref_provider_authorisations
    WHERE organisation_id = $organisation_id AND (valid_to IS NULL OR valid_to >= valid_from)
)
SELECT a.client_id, a.agreement, a.phase, a.valid_from, a.valid_to, a.cancelled_on, a.effective_to,
    CASE WHEN a.never_started THEN 'never_started'
         WHEN a.phase = 'tender' THEN 'tender_without_service'
         WHEN a.cancelled_on IS NOT NULL AND a.cancelled_on <= a.valid_to THEN 'cancelled'
         ELSE 'ended' END AS reason,
    CASE WHEN a.never_started THEN a.valid_from ELSE a.effective_to + 1 END AS duty_from,
    a.line_no
FROM a
WHERE (a.phase = 'service' AND (a.never_started OR a.effective_to < $as_of))
   OR (a.phase = 'tender' AND a.effective_to < $as_of AND NOT EXISTS (
        SELECT 1 FROM a s WHERE s.phase = 'service' AND s.client_id = a.client_id AND NOT s.never_started
          AND s.valid_from > a.valid_from))
ORDER BY duty_from, a.client_id
