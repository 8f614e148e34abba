package dev.telemetry.collector.consent;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.contract.consent.ConsentMessage;

/**
 * Keeps each machine's proof verifier as the consent topic tells it ({@code machine_proof}), in the transaction that
 * applies the consent messages. consent-service never changes a machine's verifier, so the first one seen stays.
 */
@ApplicationScoped
public class ProofVerifiers {

    private static final String REMEMBER = """
            INSERT INTO machine_proof (pseudonym, verifier)
            SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (pseudonym) DO NOTHING""";

    /** Records the verifiers these messages carry (messages published before machine proofs carry none). */
    public Uni<Void> remember(SqlClient tx, List<ConsentMessage> messages) {
        List<String> pseudonyms = new ArrayList<>();
        List<String> verifiers = new ArrayList<>();
        for (ConsentMessage message : messages) {
            String verifier = message.match(granted -> granted.proofVerifier(), withdrawn -> withdrawn.proofVerifier(),
                    erasure -> null);
            if (verifier != null) {
                pseudonyms.add(message.pseudonym());
                verifiers.add(verifier);
            }
        }
        if (pseudonyms.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(REMEMBER)
                .execute(Tuple.of(pseudonyms.toArray(String[]::new), verifiers.toArray(String[]::new)))
                .replaceWithVoid();
    }
}
