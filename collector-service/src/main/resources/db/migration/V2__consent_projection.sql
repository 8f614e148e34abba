-- What the collector knows of each machine's consent, from telemetry.consent.v1: the machine's consent events
-- in stream order ({"kind": "granted" | "withdrawn" | "erased", "at": "<instant>"}). Shared by all replicas.
CREATE TABLE machine_consent (
    pseudonym text   PRIMARY KEY,
    version   bigint NOT NULL,
    timeline  jsonb  NOT NULL
);

-- Per consent-topic partition, the latest watermark applied: every consent event recorded before it is in
-- machine_consent. The lowest over all partitions is how far the projection is complete.
CREATE TABLE consent_progress (
    topic_partition int         PRIMARY KEY,
    watermark       timestamptz NOT NULL
);
