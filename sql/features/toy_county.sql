-- title: the hand-made toy county of the scoring tests and the notebook (pipelines/scoring/toy.py)
-- description: Named steps, each run with executemany or once; events come from the registered relation
--   toy_events.

-- step: staff
INSERT INTO ref_staff VALUES (?, ?, NULL, NULL, 'ORG', ?, 'social_worker', 'sosiaalityöntekijä',
    DATE '2020-01-01', NULL, ?);

-- step: accounts
INSERT INTO ref_accounts VALUES ('pegasos', ?, ?, ?);

-- step: second_account
INSERT INTO ref_accounts VALUES ('effica', 'x-s03', 'S03', 99);

-- step: involvement
INSERT INTO ref_involvement VALUES (?, ?, ?, ?, DATE '2020-01-01', NULL, NULL);

-- step: clients
INSERT INTO ref_clients VALUES (?, NULL, NULL, NULL, NULL, ?, false, NULL, NULL, NULL);

-- step: events
INSERT INTO events (source_system, source_event_id, event_time, event_local, event_date, account,
    client_id, action, emergency, outcome, run_id, record_no)
SELECT source_system, source_event_id, event_time, event_local, event_date, account, client_id, action,
    false, 'success', 0, row_number() OVER () FROM toy_events;
