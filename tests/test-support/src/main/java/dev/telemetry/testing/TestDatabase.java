package dev.telemetry.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain JDBC access to the service's test database, for assertions independent of the code under test. */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static List<Map<String, Object>> query(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                ResultSetMetaData meta = result.getMetaData();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        row.put(meta.getColumnLabel(column), result.getObject(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String sql, Object... parameters) {
        return ((Number) query(sql, parameters).get(0).values().iterator().next()).longValue();
    }

    public static int execute(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row of every table of the service, as text: for scans such as "no raw machine id anywhere". */
    public static String dumpAllTables() {
        StringBuilder dump = new StringBuilder();
        for (Map<String, Object> table : query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
            String name = (String) table.get("tablename");
            for (Map<String, Object> row : query("SELECT row_to_json(t)::text AS json FROM \"" + name + "\" t")) {
                dump.append(name).append(' ').append(row.get("json")).append('\n');
            }
        }
        return dump.toString();
    }

    /** A connection of its own, for a test that holds a lock or a transaction open. */
    public static Connection connect() throws SQLException {
        Config config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }
}
