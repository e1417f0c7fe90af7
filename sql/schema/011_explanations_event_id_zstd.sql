-- migration: 11
-- title: the explanations' event ids stored with ZSTD compression
-- A full check writes one explanation per explained access event (about nine in ten events), and DuckDB's default
-- string compression (a dictionary with FSST) spent about half of that write on the event ids, which are unique:
-- it tries a dictionary that cannot shrink them and trains a symbol table per segment. With ZSTD the whole
-- explanations table of a 10 M-event store was written with 15-23 % less CPU (copied from one store into
-- another on a loaded machine; 0.65 s against 1.18 s for one partition's 1.84 M rows copied from memory); its
-- size went from 85.8 to 75.8 MiB on the replicated store (ids like E202603000883~3) and from 87.0 to 115.5
-- MiB on the large county (ids like PC20250900071102, which the symbol table packs well): 28 MiB, about 7 % of
-- that store. A whole scan of the ids (a join on the event key) costs the same; a look-up of one client's
-- explanations decompresses whole vectors of ids, a few milliseconds more. The other columns repeat (a source, a
-- client, a date, a basis) and keep the default. A column's compression is fixed when its table is created, so
-- the table is rebuilt.
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
