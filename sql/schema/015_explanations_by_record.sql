-- migration: 15
-- title: explanations keyed by the stored event's ingest run and record number
-- An explanation names its event by where the store took it from, (run_id, record_no): unique for every stored
-- event (one event per record of one run's file; a record already stored is not stored again) and fixed for its
-- life in the store. The source's own key (source_system, source_event_id) is two strings, one of them unique per
-- event, and a full check writes one explanation for about nine in ten events: on a 10 M-event store the two
-- strings were 0.6 s of the 1.6 s write (9.2 M rows copied from memory: 1.62 s against 1.00 s with the two
-- integers), and at 100 M events a year kept 12 years they are most of the table's size. Every reader joins the
-- explanations to `events`, which holds both keys, so it joins on the integers instead.
CREATE TABLE explanations_by_record (
    run_id      BIGINT NOT NULL,
    record_no   BIGINT NOT NULL,
    client_id   VARCHAR,
    event_date  DATE,
    basis       VARCHAR NOT NULL        -- responsible_worker, work_pair, unit, referral, supervision_case, ...
);
-- in date order, as a check writes them (readers of a date range skip the other row groups)
INSERT INTO explanations_by_record
SELECT e.run_id, e.record_no, x.client_id, x.event_date, x.basis
FROM explanations x JOIN events e ON e.source_system = x.source_system AND e.source_event_id = x.source_event_id
ORDER BY x.event_date;
DROP TABLE explanations;
ALTER TABLE explanations_by_record RENAME TO explanations;
