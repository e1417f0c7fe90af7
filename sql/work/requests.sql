-- title: the request register's statements (SQLite), one `-- step:` each, read by pipelines/disclosure/register.py
-- description: Positional `?` or named `:field` parameters (SQLite). Rows are read back by column name into
--   register.Request, so `SELECT *` cannot shift a field; insert and update name every field of it.
-- step: request_columns
PRAGMA table_info(requests)
-- step: all
SELECT *
FROM requests ORDER BY due_on, request_id
-- step: by_id
SELECT *
FROM requests WHERE request_id = ?
-- step: open_overlapping
-- the same client and requester, an overlapping period, still open (received, in progress, held)
SELECT *
FROM requests
WHERE client_id = ? AND relation = ? AND period_from <= ? AND period_to >= ?
  AND status IN ('received', 'in_progress', 'held_for_decision')
ORDER BY request_id
-- step: count_with_prefix
SELECT count(*) FROM requests WHERE request_id LIKE ?
-- step: id_taken
SELECT 1 FROM requests WHERE request_id = ?
-- step: earlier_within
SELECT request_id FROM requests
WHERE client_id = ? AND received_on BETWEEN ? AND ? AND status <> 'cancelled' AND request_id IS NOT ?
ORDER BY received_on DESC, request_id DESC LIMIT 1
-- step: insert
INSERT INTO requests (request_id, received_on, client_id, relation, period_from, period_to, due_on,
                      internal_due_on, status, requester_name, handler, delivered_on,
                      special_reason, decision, repeated_of, language, created_at,
                      professional_decision, professional_by, professional_reason,
                      requester_address, identity_verified, right_to_act, professional_ground,
                      release_from, release_to, withheld_rows, keep_redaction, fee)
VALUES (:request_id, :received_on, :client_id, :relation, :period_from, :period_to, :due_on,
        :internal_due_on, :status, :requester_name, :handler, :delivered_on, :special_reason,
        :decision, :repeated_of, :language, :created_at, :professional_decision, :professional_by,
        :professional_reason, :requester_address, :identity_verified, :right_to_act,
        :professional_ground, :release_from, :release_to, :withheld_rows, :keep_redaction, :fee)
-- step: update
-- every changeable field at once, from the request as changed (the rest keep their stored values)
UPDATE requests SET received_on = :received_on, relation = :relation, period_from = :period_from,
                    period_to = :period_to, due_on = :due_on, internal_due_on = :internal_due_on,
                    status = :status, requester_name = :requester_name, handler = :handler,
                    delivered_on = :delivered_on, special_reason = :special_reason,
                    decision = :decision, repeated_of = :repeated_of, language = :language,
                    professional_decision = :professional_decision,
                    professional_by = :professional_by, professional_reason = :professional_reason,
                    requester_address = :requester_address, identity_verified = :identity_verified,
                    right_to_act = :right_to_act, professional_ground = :professional_ground,
                    release_from = :release_from, release_to = :release_to,
                    withheld_rows = :withheld_rows, keep_redaction = :keep_redaction, fee = :fee
WHERE request_id = :request_id
-- step: add_history
INSERT INTO request_history (request_id, at, actor, change, detail, reason) VALUES (?, ?, ?, ?, ?, ?)
-- step: history
SELECT at, actor, change, detail, reason FROM request_history WHERE request_id = ? ORDER BY id
-- step: add_interim
INSERT INTO request_history (request_id, at, actor, change, detail, reason) VALUES (?, ?, ?, 'interim', NULL, NULL)
