package io.zonewatch.db;

import io.zonewatch.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * V11 on a database with history (issue 12 item 14): the feeds a later feed revised are marked
 * superseded by the migration, the others are not, so the replay check answers as before.
 */
class SupersededBackfillTest {
    @Test
    void feedsRevisedBeforeTheMigrationAreMarkedSuperseded() throws SQLException {
        DbTarget db = TestDatabase.newDatabase();
        Migrations.migrate(db, "10");
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO platform (code, name, level, type, region) VALUES ('SB', '回填区', 'county', 'other', '衢州市')");
            s.execute("INSERT INTO indicator (code, name_zh, name_en, unit, kind, better) VALUES ('employees', '从业人员', 'Employees', '人', 'stock', 'higher')");
            // Feed 1 wrote two values; feed 2 revised one of them; feed 3 wrote a value nobody revised.
            for (int id = 1; id <= 3; id++) {
                s.execute("INSERT INTO feed (id, submitter, format, mode, content_sha256, size_bytes, status, rows, inserted, revised, unchanged, rejected) OVERRIDING SYSTEM VALUE "
                        + "VALUES (" + id + ", 'test', 'csv', 'atomic', 'sha" + id + "', 1, 'accepted', 1, 1, 0, 0, 0)");
            }
            s.execute("INSERT INTO observation_version (platform_code, indicator_code, period, revision, value, status, feed_id, recorded_at) VALUES "
                    + "('SB', 'employees', '2024-01-01', 1, 10, 'A', 1, now()), ('SB', 'employees', '2024-04-01', 1, 11, 'A', 1, now()),"
                    + "('SB', 'employees', '2024-01-01', 2, 12, 'A', 2, now()), ('SB', 'employees', '2024-07-01', 1, 13, 'A', 3, now())");
            s.execute("INSERT INTO observation_current (platform_code, indicator_code, period, revision, value, status, feed_id, recorded_at) VALUES "
                    + "('SB', 'employees', '2024-01-01', 2, 12, 'A', 2, now()), ('SB', 'employees', '2024-04-01', 1, 11, 'A', 1, now()),"
                    + "('SB', 'employees', '2024-07-01', 1, 13, 'A', 3, now())");
        }
        Migrations.run(db);
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, superseded_at FROM feed ORDER BY id")) {
            rs.next();
            assertNotNull(rs.getObject(2), "feed 1: one of its values was revised by feed 2");
            rs.next();
            assertNull(rs.getObject(2), "feed 2");
            rs.next();
            assertNull(rs.getObject(2), "feed 3");
        }
    }
}
