package io.zonewatch.testing;

import io.zonewatch.db.DbTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the suite runs against: the one named by ZONEWATCH_DB_URL (its user needs
 * CREATEDB), else an embedded server started once per test JVM. Each test class gets a database of
 * its own, created empty; the service under test migrates it like a real deployment.
 */
public final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static DbTarget server;

    private TestDatabase() {
    }

    public static synchronized DbTarget server() {
        if (server == null) {
            String url = System.getenv("ZONEWATCH_DB_URL");
            if (url != null && !url.isBlank()) {
                server = DbTarget.parse(url, Optional.ofNullable(System.getenv("ZONEWATCH_DB_USER")),
                        Optional.ofNullable(System.getenv("ZONEWATCH_DB_PASSWORD")));
            } else {
                server = startEmbedded();
            }
        }
        return server;
    }

    public static boolean external() {
        String url = System.getenv("ZONEWATCH_DB_URL");
        return url != null && !url.isBlank();
    }

    /** A new, empty database on the test server. */
    public static DbTarget newDatabase() {
        DbTarget admin = server();
        String name = "zw_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute(admin, "CREATE DATABASE " + name);
        return admin.withDatabase(name);
    }

    public static void execute(DbTarget target, String sql) {
        try (Connection c = connect(target); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static Connection connect(DbTarget target) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    private static DbTarget startEmbedded() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("zonewatch-test-pg"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return DbTarget.local(pg.getPort(), "postgres", "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
