-- migration: 11
-- title: the explanations' event ids stored with ZSTD compression
-- A full check writes one explanation per explained access event (about nine in ten events), and DuckDB's default
-- string compression (a dictionary with FSST) spent about half of that write on the event ids, which are unique:
-- it tries a dictionary that cannot shrink them and trains a symbol table per segment. ZSTD writes them in about
-- half the time and stores them in about a third of the space (measured on 1.84 M explanations of the 10 M
-- replicated store: 0.65 s of CPU against 1.18 s for the whole insert; 16 segments of the column against 61). A
-- whole scan of them (a join on the event key) costs the same; a look-up of one client's explanations reads
-- whole vectors of ids, a few milliseconds more. The other columns repeat (a source, a client, a date, a basis)
-- and keep the default. A column's compression is fixed when its table is created, so the table is rebuilt.
CREATE TABLE explanations_zstd (
    source_system   VARCHAR NOT NULL,
    source_event_id VARCHAR NOT NULL USING COMPRESSION zstd,
    client_id       VARCHAR,
    event_date      DATE,
    basis           VARCHAR NOT NULL        -- responsible_worker, work_pair, unit, referral, supervision_case, ...
);
INSERT INTO explanations_zstd SELECT source_system, source_event_id, client_id, event_date, basis FROM explanations;
DROP TABLE explanations;
ALTER TABLE explanations_zstd RENAME TO explanations;
