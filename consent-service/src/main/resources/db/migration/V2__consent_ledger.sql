-- The consent ledger: one append-only stream of events per machine, identified by its pseudonym
-- (HMAC of the anonymous id; the raw id is never stored).
CREATE TABLE consent_event (
    stream_id      text        NOT NULL,
    version        bigint      NOT NULL CHECK (version > 0),
    event_id       uuid        NOT NULL UNIQUE,
    event_type     text        NOT NULL,
    schema_version int         NOT NULL,
    payload        text        NOT NULL, -- JSON of the event's own fields
    recorded_at    timestamptz NOT NULL,
    -- Optimistic concurrency: two writers cannot both append version n to one stream.
    PRIMARY KEY (stream_id, version)
);

-- Current state per machine: a projection of consent_event, rebuildable from it at any time.
CREATE TABLE consent_state (
    stream_id       text        PRIMARY KEY,
    version         bigint      NOT NULL,
    status          text        NOT NULL CHECK (status IN ('OPTED_IN', 'OPTED_OUT')),
    since           timestamptz NOT NULL,
    pending_erasure uuid
);

-- Erasure requests and their completion, confirmed by report-service on telemetry.erasures.v1.
CREATE TABLE erasure_receipt (
    receipt      uuid        PRIMARY KEY,
    stream_id    text        NOT NULL,
    requested_at timestamptz NOT NULL,
    completed_at timestamptz
);
CREATE INDEX erasure_receipt_stream ON erasure_receipt (stream_id);

-- Transactional outbox: each event's integration message, written in the event's transaction. The relay
-- publishes rows in position order and deletes them only after Kafka acknowledged them.
CREATE TABLE outbox (
    position    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    topic       text        NOT NULL,
    message_key text        NOT NULL,
    payload     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Wakes the relay at commit, so relay latency is milliseconds rather than a polling interval.
CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('consent_outbox', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
