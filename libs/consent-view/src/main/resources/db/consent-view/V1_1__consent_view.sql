-- The consent view (module consent-view): each machine's consent events as learned from telemetry.consent.v1,
-- in stream order ({"kind": "GRANTED" | "WITHDRAWN" | "ERASED", "at": "<instant>"}).
CREATE TABLE machine_consent (
    pseudonym text   PRIMARY KEY,
    version   bigint NOT NULL,
    timeline  jsonb  NOT NULL
);

-- Per consent-topic partition, the latest watermark applied: every consent event recorded before it is in
-- machine_consent. The lowest over all partitions is how far the view is complete.
CREATE TABLE consent_progress (
    topic_partition int         PRIMARY KEY,
    watermark       timestamptz NOT NULL
);
