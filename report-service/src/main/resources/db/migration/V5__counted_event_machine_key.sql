-- counted_event keyed by a 16-byte digest of the pseudonym instead of its 64 hexadecimal characters: the dedupe
-- index is half the size and each counted event writes half the WAL (docs/performance.md). Two machines would have
-- to share both the digest and a random event id before one of their events was taken for the other's.
CREATE FUNCTION machine_key(pseudonym text) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN substring(sha256(convert_to(pseudonym, 'UTF8')) FROM 1 FOR 16);

ALTER TABLE counted_event ADD COLUMN machine bytea;
UPDATE counted_event SET machine = machine_key(pseudonym);
ALTER TABLE counted_event DROP CONSTRAINT counted_event_pkey, DROP COLUMN pseudonym,
    ALTER COLUMN machine SET NOT NULL, ADD PRIMARY KEY (machine, event_id);

-- The staging copy follows (it is empty between rebuilds).
DROP TABLE rebuild_counted_event;
CREATE UNLOGGED TABLE rebuild_counted_event (LIKE counted_event INCLUDING ALL);
