package dev.telemetry.consent.ledger;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

/**
 * Rebuilds {@code consent_state} from {@code consent_event} with the same {@link ConsentDecider#evolve} that
 * maintains it, so the projection can always be thrown away and recomputed.
 */
@ApplicationScoped
public class ConsentStateRebuild {

    private static final int PAGE_SIZE = 5000;

    /** @return the number of machines in the rebuilt projection */
    public Uni<Long> rebuild() {
        return Panache.withTransaction(() -> Panache.getSession()
                // Appends wait until the rebuild commits; reads go on.
                .chain(session -> session.createNativeQuery("LOCK TABLE consent_event IN SHARE MODE")
                        .executeUpdate()
                        .chain(() -> session.createNativeQuery("LOCK TABLE consent_state IN EXCLUSIVE MODE")
                                .executeUpdate())
                        .chain(() -> session.createNativeQuery("DELETE FROM consent_state").executeUpdate()))
                .chain(() -> foldPage(0, new Fold()))
                .map(fold -> fold.machines));
    }

    private Uni<Fold> foldPage(int page, Fold fold) {
        return StoredEvent.<StoredEvent>find("ORDER BY streamId, version").page(Page.of(page, PAGE_SIZE)).list()
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return fold.flush().replaceWith(fold);
                    }
                    return fold.apply(rows).chain(() -> foldPage(page + 1, fold));
                });
    }

    /** Folds consecutive rows of one stream; writes a stream's state when the next stream begins. */
    private static final class Fold {
        private String stream;
        private ConsentState state = ConsentState.INITIAL;
        private long machines;

        Uni<Void> apply(List<StoredEvent> rows) {
            Uni<Void> writes = Uni.createFrom().voidItem();
            for (StoredEvent row : rows) {
                if (!row.streamId.equals(stream)) {
                    Uni<Void> previous = flush();
                    writes = writes.chain(() -> previous);
                    stream = row.streamId;
                    state = ConsentState.INITIAL;
                }
                state = ConsentDecider.evolve(state, EventCodec.decode(row));
            }
            return writes;
        }

        Uni<Void> flush() {
            if (stream == null) {
                return Uni.createFrom().voidItem();
            }
            machines++;
            ConsentStateRow row = ConsentStateRow.of(stream, state);
            stream = null;
            return row.persist().replaceWithVoid();
        }
    }
}
