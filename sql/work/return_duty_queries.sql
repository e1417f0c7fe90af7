-- title: the confirmations of providers' return duties (SQLite work store), read by pipelines/reports/return_duties.py
-- description: Append-only; the latest row per authorisation (provider, client, phase, first day) is the
--   one that counts, the earlier ones are its history.
-- step: add
INSERT INTO return_confirmations (organisation_id, client_id, phase, valid_from, confirmed_on, note, actor, at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
-- step: latest_of_provider
SELECT client_id, phase, valid_from, confirmed_on, actor, note
FROM return_confirmations r
WHERE organisation_id = ?
  AND id = (SELECT max(id) FROM return_confirmations x
            WHERE x.organisation_id = r.organisation_id AND x.client_id = r.client_id
              AND x.phase = r.phase AND x.valid_from = r.valid_from)
