package io.zonewatch.faults;

import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.db.DbTarget;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md reliability: the service killed with SIGKILL in the middle of a large feed leaves the
 * feed wholly absent, and re-sending it stores it exactly once. The service runs as a child process
 * (the test's own classpath), so that it can really be killed.
 */
class KillDuringFeedTest {
    private static final String ADMIN = "zw_kill-admin-token-0123456789abcdefghijklm";
    private static final int PLATFORMS = 1_000;
    private static final int QUARTERS = 8;

    private Process startService(DbTarget db, int port, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.zonewatch.App"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("ZONEWATCH_DB_URL", "postgresql://" + db.host() + ":" + db.port() + "/" + db.database());
        pb.environment().put("ZONEWATCH_DB_USER", db.user());
        pb.environment().put("ZONEWATCH_DB_PASSWORD", db.password());
        pb.environment().put("ZONEWATCH_HTTP_PORT", String.valueOf(port));
        pb.environment().put("ZONEWATCH_HTTP_HOST", "127.0.0.1");
        pb.environment().put("ZONEWATCH_ADMIN_TOKEN", ADMIN);
        pb.environment().put("ZONEWATCH_RANKING_SCHEDULE_S", "0");
        pb.environment().put("ZONEWATCH_ALERT_SWEEP_S", "0");
        Process p = pb.start();
        Api api = new Api(port);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                // Short timeouts: a connection made while the server is still binding may never be answered.
                if (api.probe("/ready", java.time.Duration.ofSeconds(2)).status() == 200) return p;
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            if (!p.isAlive()) throw new IllegalStateException("service died: " + Files.readString(log));
            Thread.sleep(50);   // polling another process's start-up, not synchronising with our own code
        }
        throw new IllegalStateException("service not ready: " + Files.readString(log));
    }

    /** Platforms PREFIX0..PREFIX(n-1). */
    private static String platforms(String prefix, int n) {
        StringBuilder csv = new StringBuilder("code,name,level,type,region\n");
        for (int p = 0; p < n; p++) csv.append(prefix).append(p).append(",区").append(p).append(",county,other,衢州市\n");
        return csv.toString();
    }

    /** Every indicator for the 8 quarters of 2022-2023 of each platform: n × 8 × indicators rows. */
    private static String feed(String prefix, int n, String[] indicators) {
        StringBuilder csv = new StringBuilder("platform_code,indicator_code,period,value\n");
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < QUARTERS; q++) {
                for (String ind : indicators) {
                    csv.append(prefix).append(p).append(',').append(ind).append(',').append(2022 + q / 4).append('Q').append(q % 4 + 1)
                            .append(',').append(1000 + p + q).append('\n');
                }
            }
        }
        return csv.toString();
    }

    private static long scalar(DbTarget db, String sql) throws SQLException {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aFeedKilledMidWriteIsWhollyAbsentAndGoesInOnceWhenResent() throws Exception {
        DbTarget db = TestDatabase.newDatabase();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("zonewatch-kill", ".log");
        String[] indicators = {"tax_revenue", "industrial_output", "industrial_value_added", "operating_revenue",
                "energy_consumption", "employees", "land_area", "rd_expenditure", "fixed_asset_investment", "cod_emissions"};
        String platforms = platforms("K", PLATFORMS);
        String feed = feed("K", PLATFORMS, indicators);
        int rows = PLATFORMS * QUARTERS * indicators.length;

        long t0 = System.nanoTime();
        Process service = startService(db, port, log);
        System.out.printf("service ready after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Api api = new Api(port);
        assertEquals(200, api.post("/api/v1/platforms", ADMIN, "text/csv", platforms).status());
        CompletableFuture<Object> upload = CompletableFuture.supplyAsync(() -> {
            try {
                return api.feed(ADMIN, feed, null);
            } catch (RuntimeException e) {
                return e;   // the connection dies with the service
            }
        });
        // Wait until the feed's transaction is writing (it holds its key-bucket locks), then kill.
        long deadline = System.nanoTime() + 60_000_000_000L;
        boolean writing = false;
        while (System.nanoTime() < deadline && !writing) {
            writing = scalar(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 23130") > 0;
            if (upload.isDone()) break;
        }
        assertTrue(writing, "the feed never reached its write phase: " + upload.getNow(null));
        service.destroyForcibly().waitFor();
        Object answer = upload.get();
        assertTrue(answer instanceof RuntimeException, "no answer can have come: " + answer);

        // PostgreSQL notices the dead connection and rolls the transaction back, releasing its locks.
        deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline
                && scalar(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 23130") > 0) {
            Thread.onSpinWait();
        }
        assertEquals(0, scalar(db, "SELECT count(*) FROM feed"), "no feed record");
        assertEquals(0, scalar(db, "SELECT count(*) FROM observation_version"), "no version");
        assertEquals(0, scalar(db, "SELECT count(*) FROM observation_current"), "no value");

        service = startService(db, port, log);
        try {
            Api.Response again = api.feed(ADMIN, feed, null);
            assertEquals(201, again.status(), again.toString());
            assertEquals(rows, again.json().getInteger("inserted"));
            assertEquals(200, api.feed(ADMIN, feed, null).status(), "a third send is a replay");
            assertEquals(1, scalar(db, "SELECT count(*) FROM feed"));
            assertEquals(rows, scalar(db, "SELECT count(*) FROM observation_version"));
            assertEquals(rows, scalar(db, "SELECT count(*) FROM observation_current"));
        } finally {
            service.destroy();
            service.waitFor();
            new File(log.toString()).delete();
        }
    }

    @Test
    void sigtermLetsTheRequestInFlightFinishAndExitsWithinTenSeconds() throws Exception {
        DbTarget db = TestDatabase.newDatabase();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("zonewatch-term", ".log");
        String platforms = platforms("T", 1_000);
        String feed = feed("T", 1_000, new String[]{"tax_revenue", "industrial_output", "operating_revenue", "employees", "land_area"});
        Process service = startService(db, port, log);
        Api api = new Api(port);
        assertEquals(200, api.post("/api/v1/platforms", ADMIN, "text/csv", platforms).status());
        CompletableFuture<Api.Response> upload = CompletableFuture.supplyAsync(() -> api.feed(ADMIN, feed, null));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && !upload.isDone()
                && scalar(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 23130") == 0) {
            Thread.onSpinWait();
        }
        long t0 = System.nanoTime();
        service.destroy();   // SIGTERM
        Api.Response answer = upload.get();
        assertEquals(201, answer.status(), "the feed in flight was finished: " + answer);
        assertTrue(service.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "exited within 10 s");
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("SIGTERM during a feed: answered 201, exited %.2f s after the signal (exit code %d)%n", seconds, service.exitValue());
        assertEquals(40_000, scalar(db, "SELECT count(*) FROM observation_current"));
        assertTrue(Files.readString(log).contains("ZoneWatch stopped"), Files.readString(log));
        boolean refused;
        try {
            api.get("/health", null);
            refused = false;
        } catch (RuntimeException e) {
            refused = true;
        }
        assertTrue(refused, "no longer accepting connections");
        new File(log.toString()).delete();
    }
}
