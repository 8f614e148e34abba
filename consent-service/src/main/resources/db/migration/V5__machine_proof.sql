-- Each machine's proof verifier (SHA-256 of the proof its client derives from a secret only it holds), registered
-- by the machine's first consent decision (trust on first use). Every later request about the machine must present
-- the proof. Streams recorded before machine proofs have no row: no request can act for them any more.
CREATE TABLE machine_proof (
    stream_id     text        PRIMARY KEY,
    verifier      text        NOT NULL CHECK (verifier ~ '^[0-9a-f]{64}$'),
    registered_at timestamptz NOT NULL
);
