package io.zonewatch.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded PostgreSQL as the service runs it by default (issue 12, items 1-3): durable settings,
 * password logins only, a non-superuser owner, the data directory of an earlier version converted, and
 * the leftovers of a crash cleared by the next start. The service-level crash tests (a real JVM killed)
 * are in faults/EmbeddedCrashTest.
 */
class EmbeddedDatabaseTest {
    @TempDir
    Path dataDir;

    private static String text(DbTarget target, String sql) throws SQLException {
        try (Connection c = EmbeddedDatabase.connect(target); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void execute(DbTarget target, String sql) throws SQLException {
        try (Connection c = EmbeddedDatabase.connect(target); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void durableByDefaultPasswordOnlyAndTheServiceIsNoSuperuser() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
            DbTarget owner = db.target();
            assertEquals("zonewatch", owner.user());
            assertEquals("zonewatch", owner.database());
            assertEquals("on", text(owner, "SHOW fsync"));
            assertEquals("on", text(owner, "SHOW synchronous_commit"));
            assertEquals("on", text(owner, "SHOW full_page_writes"));
            assertEquals("127.0.0.1", text(owner, "SHOW listen_addresses"));
            assertEquals("", text(db.superuser("template1"), "SHOW unix_socket_directories"));
            assertEquals("false", text(owner, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"));
            assertEquals("zonewatch", text(owner, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));

            // What a superuser could do and the service's role cannot.
            SQLException program = assertThrows(SQLException.class, () -> execute(owner, "COPY (SELECT 1) TO PROGRAM 'true'"));
            assertEquals("42501", program.getSQLState(), program.getMessage());
            SQLException file = assertThrows(SQLException.class, () -> text(owner, "SELECT pg_read_file('postgresql.conf')"));
            assertEquals("42501", file.getSQLState(), file.getMessage());

            // No login without the password, for any role; the generated passwords are in a private file.
            DbTarget noPassword = new DbTarget("127.0.0.1", db.port(), "template1", "postgres", "", "disable");
            SQLException refused = assertThrows(SQLException.class, () -> text(noPassword, "SELECT 1"));
            assertEquals("08004", refused.getSQLState(), refused.getMessage());
            DbTarget wrong = new DbTarget("127.0.0.1", db.port(), "zonewatch", "zonewatch", "not-the-password", "disable");
            assertEquals("28P01", assertThrows(SQLException.class, () -> text(wrong, "SELECT 1")).getSQLState());
            assertEquals("on", text(db.superuser("template1"), "SELECT CASE WHEN rolsuper THEN 'on' END FROM pg_roles WHERE rolname = current_user"));
            Path credentials = dataDir.resolve(EmbeddedCredentials.FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
            assertTrue(Files.readString(credentials).contains(owner.password()));
            String hba = Files.readString(db.dataDirectory().resolve("pg_hba.conf"));
            assertFalse(hba.lines().anyMatch(l -> !l.startsWith("#") && (l.contains("trust") || l.contains("peer"))), hba);
            assertEquals("scram-sha-256", text(db.superuser("template1"),
                    "SELECT DISTINCT auth_method FROM pg_hba_file_rules WHERE error IS NULL"));

            // A second service on the same data directory is refused, and does not disturb the first.
            IllegalStateException second = assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(dataDir));
            assertTrue(second.getMessage().contains("another ZoneWatch"), second.getMessage());
            assertEquals("1", text(owner, "SELECT 1"));
        }
    }

    @Test
    void aServerLeftRunningByAKilledServiceIsStoppedAndTheNextStartComesUpWithTheData() throws Exception {
        EmbeddedDatabase first = EmbeddedDatabase.start(dataDir);
        execute(first.target(), "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        long postmaster = postmasterPid(first.dataDirectory());
        first.abandon();   // the service dies; its server runs on
        assertTrue(running(postmaster));

        try (EmbeddedDatabase second = EmbeddedDatabase.start(dataDir)) {
            assertEquals("42", text(second.target(), "SELECT v FROM kept"));
            assertFalse(running(postmaster), "the old server was stopped");
        }
    }

    @Test
    void aKilledPostmastersLeftoversAndItsStalePidFileDoNotStopTheNextStart() throws Exception {
        EmbeddedDatabase first = EmbeddedDatabase.start(dataDir);
        execute(first.target(), "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)");
        Path pgData = first.dataDirectory();
        long postmaster = postmasterPid(pgData);
        List<ProcessHandle> children = ProcessHandle.of(postmaster).orElseThrow().children().toList();
        assertFalse(children.isEmpty());
        // The postmaster alone is killed: its children may linger, attached to the data directory.
        ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
        ProcessHandle.of(postmaster).orElseThrow().onExit().get(10, TimeUnit.SECONDS);
        first.abandon();
        assertTrue(Files.exists(pgData.resolve("postmaster.pid")), "a stale pid file is left");

        try (EmbeddedDatabase second = EmbeddedDatabase.start(dataDir)) {
            assertEquals("7", text(second.target(), "SELECT v FROM kept"));
            for (ProcessHandle child : children) assertFalse(running(child.pid()), "leftover " + child.pid());
        }

        // And when the postmaster and all its children are killed at once.
        EmbeddedDatabase third = EmbeddedDatabase.start(dataDir);
        ProcessHandle pm = ProcessHandle.of(postmasterPid(pgData)).orElseThrow();
        pm.children().forEach(ProcessHandle::destroyForcibly);
        pm.destroyForcibly();
        pm.onExit().get(10, TimeUnit.SECONDS);
        third.abandon();
        try (EmbeddedDatabase fourth = EmbeddedDatabase.start(dataDir)) {
            assertEquals("7", text(fourth.target(), "SELECT v FROM kept"));
        }
    }

    /**
     * A data directory made by the earlier embedded mode (zonky's defaults: trust logins, the data in
     * the database postgres, owned by the superuser) becomes a password-protected one whose data the
     * owner role owns, with nothing lost.
     */
    @Test
    void aDataDirectoryFromTheTrustLoginVersionIsConverted() throws Exception {
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(pgData);
        try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).start()) {
            DbTarget su = DbTarget.local(legacy.getPort(), "postgres", "postgres", "");
            // Migrated by the superuser up to V8 (the schema of that version): the owner role applies the rest.
            Migrations.migrate(su, "8");
            execute(su, "INSERT INTO platform (code, name, level, type, region) VALUES ('OLD', '旧区', 'county', 'other', '衢州市')");
        }
        assertFalse(Files.exists(dataDir.resolve(EmbeddedCredentials.FILE)));

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
            DbTarget owner = db.target();
            assertEquals("旧区", text(owner, "SELECT name FROM platform WHERE code = 'OLD'"));
            assertEquals("0", text(owner, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname IN ('public', 'reporting') AND pg_get_userbyid(c.relowner) <> 'zonewatch'"));
            assertEquals("0", text(owner, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    + "WHERE n.nspname IN ('public', 'reporting') AND pg_get_userbyid(p.proowner) <> 'zonewatch'"));
            String latest = Migrations.run(owner);
            assertTrue(Integer.parseInt(latest) > 8, "the owner applies the later migrations to the converted schema: " + latest);
            execute(owner, "INSERT INTO platform (code, name, level, type, region) VALUES ('NEW', '新区', 'county', 'other', '衢州市')");
            DbTarget noPassword = new DbTarget("127.0.0.1", db.port(), "template1", "postgres", "", "disable");
            assertThrows(SQLException.class, () -> text(noPassword, "SELECT 1"));
        }
        // Converted once: the next start finds everything in place.
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dataDir)) {
            assertEquals("2", text(again.target(), "SELECT count(*) FROM platform"));
        }
    }

    /** Alive and not a zombie (in a container without an init, nobody reaps the server's orphans). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    private static long postmasterPid(Path pgData) throws Exception {
        return Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
    }
}
