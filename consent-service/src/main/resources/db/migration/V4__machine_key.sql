-- Crypto-shredding. The personal fields of a machine's consent events (os, build, source) are stored sealed with
-- AES-256-GCM under the machine's own key, kept here and nowhere else. An erasure request deletes the key in the
-- transaction that records it: every event sealed with it becomes unreadable for good, and the append-only
-- consent_event table stays append-only. A new opt-in after an erasure gets a new key.
CREATE TABLE machine_key (
    stream_id text  PRIMARY KEY,
    key       bytea NOT NULL
);
