package io.zonewatch.db;

import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the schema refuses whoever asks (issue 12 items 4 and 16): ranking runs, their entries,
 * components and not-ranked rows cannot be changed, each refusal with the trigger's own message; the
 * audit trail and the target history are append-only like the observation history.
 */
class ImmutableHistoryTest {
    private static TestService service;
    private static DbTarget db;

    @BeforeAll
    static void migrate() throws SQLException {
        service = TestService.start();   // migrated and with the default catalog
        db = service.db;
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO platform (code, name, level, type, region) VALUES ('IM', '不变区', 'county', 'other', '衢州市')");
            s.execute("INSERT INTO audit_log (actor, action, subject) VALUES ('test', 'test.action', 'x')");
            s.execute("INSERT INTO target_version (platform_code, indicator_code, year, revision, value, submitted_by) "
                    + "VALUES ('IM', 'tax_revenue', 2025, 1, 100, 'test')");
        }
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static SQLException refused(String sql) throws SQLException {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
            return assertThrows(SQLException.class, () -> s.execute(sql), sql);
        }
    }

    @Test
    void rankingRowsAreRefusedWithTheTriggersOwnMessage() throws SQLException {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO ranking_scheme (code, version, definition, created_by) VALUES ('imm', 1, '{}', 'test')");
            s.execute("INSERT INTO ranking_run (scheme_code, scheme_version, year, data_as_of, computed_by, trigger, ranked, not_ranked) "
                    + "OVERRIDING SYSTEM VALUE VALUES ('imm', 1, 2024, now(), 'test', 'manual', 1, 1) RETURNING id");
            s.execute("INSERT INTO ranking_entry (run_id, platform_code, rank, score, class, rank_low, rank_high, median_rank, dimension_scores) "
                    + "SELECT id, 'IM', 1, 50, 'A', 1, 1, 1, '{}' FROM ranking_run");
            s.execute("INSERT INTO ranking_component (run_id, platform_code, indicator_code, position, dimension, imputed, treated, "
                    + "normalized, weight, effective_weight, contribution) SELECT id, 'IM', 'tax_per_mu', 1, 'overall', false, false, 1, 1, 1, 1 FROM ranking_run");
            s.execute("INSERT INTO ranking_not_ranked (run_id, platform_code, reason, message, coverage) SELECT id, 'IM', 'coverage', 'x', 0 FROM ranking_run");
        }
        // Before V9 the three row tables failed with 'record "new" has no field "published_at"'.
        for (String sql : List.of("UPDATE ranking_entry SET score = 99", "UPDATE ranking_component SET contribution = 99",
                "UPDATE ranking_not_ranked SET message = 'y'", "DELETE FROM ranking_entry", "UPDATE ranking_run SET ranked = 2",
                "DELETE FROM ranking_run")) {
            SQLException e = refused(sql);
            String table = sql.replaceAll("^(UPDATE|DELETE FROM) (\\w+).*", "$2");
            String op = sql.startsWith("UPDATE") ? "UPDATE" : "DELETE";
            assertTrue(e.getMessage().contains("ranking runs are immutable (" + op + " on " + table + ")"), sql + ": " + e.getMessage());
        }
        for (String table : List.of("ranking_run", "ranking_entry", "ranking_component", "ranking_not_ranked")) {
            SQLException e = refused("TRUNCATE " + table + " CASCADE");
            assertTrue(e.getMessage().contains("ranking runs are immutable (TRUNCATE on "), e.getMessage());
        }
        // Publication is the one change allowed.
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE ranking_run SET published_at = now(), published_by = 'test'"));
        }
        assertTrue(refused("UPDATE ranking_run SET published_at = now() - interval '1 day'").getMessage().contains("immutable"),
                "never re-dated");
    }

    @Test
    void theAuditTrailAndTheTargetHistoryAreAppendOnly() throws SQLException {
        long before = service.scalar("SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM target_version)");
        assertTrue(before >= 2);
        for (String sql : List.of("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log",
                "UPDATE target_version SET value = 1", "DELETE FROM target_version", "TRUNCATE target_version CASCADE")) {
            SQLException e = refused(sql);
            assertTrue(e.getMessage().contains("is append-only"), sql + ": " + e.getMessage());
        }
        assertEquals(before, service.scalar("SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM target_version)"));
    }
}
