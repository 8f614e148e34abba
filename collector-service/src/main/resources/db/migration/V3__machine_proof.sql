-- Each machine's proof verifier, learned from the consent topic (consent-service publishes it with every consent
-- decision). A push's events count for a machine only if the push's proof hashes to this verifier.
CREATE TABLE machine_proof (
    pseudonym text PRIMARY KEY,
    verifier  text NOT NULL
);
