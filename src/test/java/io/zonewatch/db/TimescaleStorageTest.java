package io.zonewatch.db;

import io.zonewatch.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12 items 12, 13 and 15: which storage a new database gets, decided before anything is tried.
 * On the suite's server (plain PostgreSQL, or TimescaleDB when ZONEWATCH_DB_URL points at one) the
 * storage matches what the server offers. With ZONEWATCH_TEST_TIMESCALEDB_URL (a superuser URL of a
 * server with TimescaleDB preloaded) and ZONEWATCH_TEST_TIMESCALEDB_NOPRELOAD_URL (one where the
 * package is installed but not preloaded) the two TimescaleDB cases run too; CI has no TimescaleDB, so
 * they are run by hand against a real server (see the note).
 */
class TimescaleStorageTest {

    private static DbTarget newDatabase(String serverUrl) {
        DbTarget admin = DbTarget.parse(serverUrl, Optional.empty(), Optional.empty());
        String name = "zw_storage_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        TestDatabase.execute(admin, "CREATE DATABASE " + name);
        return admin.withDatabase(name);
    }

    private static String text(DbTarget db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void theSuitesServerGetsTheStorageItOffers() throws SQLException {
        DbTarget db = TestDatabase.newDatabase();
        Migrations.Migrated m = Migrations.migrate(db);
        String ext = text(db, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'");
        assertEquals(ext != null, m.storage().timescale(), m.storage().reason());
        if (ext == null) {
            assertEquals("postgresql", m.storage().describe());
            assertEquals("r", text(db, "SELECT relkind::text FROM pg_class WHERE relname = 'observation_current'"));
        }
    }

    @Test
    void installedButNotPreloadedStaysPlainAndSaysWhy() throws SQLException {
        String url = System.getenv("ZONEWATCH_TEST_TIMESCALEDB_NOPRELOAD_URL");
        assumeTrue(url != null && !url.isBlank(), "ZONEWATCH_TEST_TIMESCALEDB_NOPRELOAD_URL not set");
        DbTarget db = newDatabase(url);
        Migrations.Migrated m = Migrations.migrate(db);
        assertFalse(m.storage().timescale());
        assertTrue(m.storage().reason().contains("not preloaded"), m.storage().reason());
        assertEquals(null, text(db, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'"));
        assertEquals("r", text(db, "SELECT relkind::text FROM pg_class WHERE relname = 'observation_version'"));
        assertEquals(null, text(db, "SELECT relname FROM pg_class WHERE relname = 'pg_available_extensions' AND relpersistence = 't'"),
                "the temporary shadow view went with V1's session");
        assertEquals(m.schemaVersion(), Migrations.migrate(db).schemaVersion(), "a second start migrates nothing and fails nothing");
    }

    @Test
    void preloadedMakesHypertablesWithoutTheDefaultPeriodIndex() throws SQLException {
        String url = System.getenv("ZONEWATCH_TEST_TIMESCALEDB_URL");
        assumeTrue(url != null && !url.isBlank(), "ZONEWATCH_TEST_TIMESCALEDB_URL not set");
        DbTarget db = newDatabase(url);
        Migrations.Migrated m = Migrations.migrate(db);
        assertTrue(m.storage().timescale(), m.storage().reason());
        assertEquals("2", text(db, "SELECT count(*) FROM timescaledb_information.hypertables "
                + "WHERE hypertable_name IN ('observation_version', 'observation_current')"));
        assertEquals("0", text(db, "SELECT count(*) FROM pg_indexes WHERE tablename IN ('observation_version', 'observation_current') "
                + "AND indexdef LIKE '%(period DESC)'"), "create_hypertable's default index on (period DESC) is dropped");
        assertEquals("2", text(db, "SELECT count(*) FROM timescaledb_information.dimensions "
                + "WHERE hypertable_name IN ('observation_version', 'observation_current') AND time_interval = INTERVAL '365 days'"),
                "365-day chunks: each calendar year from 1969 to 2100 in a chunk of its own");
        assertEquals("0", text(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'observation_current' AND indexname <> 'observation_current_pkey' "
                + "AND NOT (indexdef LIKE '%platform_code%' AND indexdef LIKE '%indicator_code%' AND indexdef LIKE '%period%')"),
                "every index of observation_current holds the whole key");
    }
}
