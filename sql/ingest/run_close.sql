-- title: an ingest run ends: its tally stored, and quarantine rows an earlier run of the file already holds dropped

-- step: done
UPDATE ingest_runs SET finished_at = $finished_at, records_read = $records_read, normalised_new = $new,
    normalised_existing = $existing, quarantined = $quarantined, status = 'done'
WHERE run_id = $run_id;

-- step: forget_requarantined
-- A record quarantined by an earlier run of the same file for the same reason is not stored twice.
DELETE FROM quarantine q
WHERE q.run_id = $run_id AND EXISTS (
    SELECT 1 FROM quarantine p
    WHERE p.run_id < $run_id AND p.path = q.path AND p.line_no IS NOT DISTINCT FROM q.line_no
        AND p.record_no IS NOT DISTINCT FROM q.record_no AND p.reason = q.reason
        AND p.raw IS NOT DISTINCT FROM q.raw
);
