-- What the collector knows of each machine's consent, from telemetry.consent.v1: the machine's consent events
-- in stream order ({"kind": "granted" | "withdrawn" | "erased", "at": "<instant>"}). Shared by all replicas.
CREATE TABLE machine_consent (
    pseudonym text   PRIMARY KEY,
    version   bigint NOT NULL,
    timeline  jsonb  NOT NULL
);

-- The last consent-topic offset applied per partition, written in the same transaction as machine_consent.
-- Compared with the topic's end offsets, it tells up to when the projection is complete.
CREATE TABLE consent_progress (
    topic_partition  int    PRIMARY KEY,
    processed_offset bigint NOT NULL
);
