-- Ids of consumed integration messages. Recorded in the same transaction as the change a message causes,
-- so a redelivered message is recognised and has no effect.
CREATE TABLE processed_message (
    message_id   uuid        PRIMARY KEY,
    topic        text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);
