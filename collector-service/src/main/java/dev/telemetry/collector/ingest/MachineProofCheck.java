package dev.telemetry.collector.ingest;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.contract.MachineProofs;

/**
 * Whether an event's {@code proof} is its machine's: it must hash to the verifier the collector learned from the
 * consent topic. An event without its machine's proof is judged as if the machine had never answered, so a push
 * without the right proof learns nothing about a machine, not even whether it exists.
 */
@ApplicationScoped
public class MachineProofCheck {

    /** The verifiers of a push's machines, in one query. */
    public Uni<Proofs> forMachines(SqlClient client, Set<String> pseudonyms) {
        if (pseudonyms.isEmpty()) {
            return Uni.createFrom().item(new Proofs(Map.of()));
        }
        return client.preparedQuery("SELECT pseudonym, verifier FROM machine_proof WHERE pseudonym = ANY($1)")
                .execute(Tuple.of(pseudonyms.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, String> verifiers = new HashMap<>();
                    for (Row row : rows) {
                        verifiers.put(row.getString("pseudonym"), row.getString("verifier"));
                    }
                    return new Proofs(verifiers);
                });
    }

    /** One push's view: the machines' verifiers, and each distinct proof hashed once. */
    public static final class Proofs {
        private final Map<String, String> verifierByMachine;
        private final Map<String, String> verifierOfProof = new HashMap<>();

        Proofs(Map<String, String> verifierByMachine) {
            this.verifierByMachine = verifierByMachine;
        }

        /** In time independent of whether the machine is known or where a wrong proof differs. */
        public boolean proves(String pseudonym, String proof) {
            String presented = verifierOfProof.computeIfAbsent(proof, MachineProofs::verifierOf);
            return MachineProofs.matches(verifierByMachine.get(pseudonym), presented);
        }
    }
}
