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

    /**
     * One push's view: the machines' verifiers, each distinct proof hashed once, and the last proof each machine
     * presented with its verdict. A push is usually one machine's spool, every event with the same proof: it is
     * compared once, not per event.
     */
    public static final class Proofs {
        private final Map<String, String> verifierByMachine;
        private final Map<String, String> verifierOfProof = new HashMap<>();
        private final Map<String, Verdict> lastByMachine = new HashMap<>();

        Proofs(Map<String, String> verifierByMachine) {
            this.verifierByMachine = verifierByMachine;
        }

        /** In time independent of whether the machine is known or where a wrong proof differs from the right one. */
        public boolean proves(String pseudonym, String proof) {
            Verdict last = lastByMachine.get(pseudonym);
            // Compares the presented proof with the one this machine presented before in the push, not with a secret.
            if (last != null && last.proof().equals(proof)) {
                return last.proves();
            }
            String presented = verifierOfProof.computeIfAbsent(proof, MachineProofs::verifierOf);
            boolean proves = MachineProofs.matches(verifierByMachine.get(pseudonym), presented);
            lastByMachine.put(pseudonym, new Verdict(proof, proves));
            return proves;
        }

        private record Verdict(String proof, boolean proves) {
        }
    }
}
