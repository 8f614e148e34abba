package dev.telemetry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Every service reaches its own database on the real PostgreSQL, in the schema its Flyway migrations made: the
 * tables it names exist, with nothing left of dropped ones, and the reactive pool writes and reads in a transaction.
 */
public abstract class PostgresContractTest {

    @Inject
    Pool pool;

    /** Tables the service's migrations must have created. */
    protected abstract List<String> expectedTables();

    /** Tables its migrations must have dropped. */
    protected List<String> droppedTables() {
        return List.of("processed_message");
    }

    @Test
    void migrationsMadeTheServiceSchema() {
        List<String> tables = pool
                .query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                .execute().await().indefinitely().stream().map(row -> row.getString(0)).toList();
        assertThat(tables).containsAll(expectedTables());
        // One by one: AssertJ refuses an empty list of values to look for, and a service may have dropped none.
        droppedTables().forEach(dropped -> assertThat(tables).doesNotContain(dropped));
    }

    @Test
    void aTransactionWritesAndItsCommitIsRead() {
        Row row = pool.withTransaction(tx -> tx.query("CREATE TEMP TABLE smoke (value text) ON COMMIT DROP").execute()
                .chain(() -> tx.query("INSERT INTO smoke VALUES ('written') RETURNING value").execute())
                .map(rows -> rows.iterator().next())).await().indefinitely();
        assertThat(row.getString("value")).isEqualTo("written");
        long applied = pool.query("SELECT count(*) FROM flyway_schema_history WHERE success").execute().await()
                .indefinitely().iterator().next().getLong(0);
        assertThat(applied).isPositive();
    }
}
