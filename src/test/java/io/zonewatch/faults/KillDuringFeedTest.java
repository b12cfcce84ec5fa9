package io.zonewatch.faults;

import io.zonewatch.db.AdvisoryLock;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.Await;
import io.zonewatch.testing.Ports;
import io.zonewatch.testing.ServiceProcess;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.db.DbTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability: the service killed with SIGKILL in the middle of a large feed leaves the
 * feed wholly absent, and re-sending it stores it exactly once; SIGTERM, during one feed or under
 * load, lets the requests in flight finish and refuses later ones. The service runs as a child
 * process (the test's own classpath), so that it can really be killed.
 */
class KillDuringFeedTest {
    private static final String ADMIN = "zw_kill-admin-token-0123456789abcdefghijklm";
    private static final int PLATFORMS = 1_000;
    private static final int QUARTERS = 8;

    /** Every service this test started: a failed assertion must not leave one running after the test. */
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopLeftovers() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) p.destroyForcibly().waitFor();
        }
    }

    private Process startService(DbTarget db, int port, Path log) throws IOException, InterruptedException {
        return ServiceProcess.start(ServiceProcess.onDatabase(db, ADMIN), port, log, started);
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
        int port = Ports.free();
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
            writing = scalar(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = " + AdvisoryLock.FEED_KEYS.classId()) > 0;
            if (upload.isDone()) break;
        }
        assertTrue(writing, "the feed never reached its write phase: " + upload.getNow(null));
        service.destroyForcibly().waitFor();
        Object answer = upload.get();
        assertTrue(answer instanceof RuntimeException, "no answer can have come: " + answer);

        // PostgreSQL notices the dead connection and rolls the transaction back, releasing its locks.
        deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline
                && scalar(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = " + AdvisoryLock.FEED_KEYS.classId()) > 0) {
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
        int port = Ports.free();
        Path log = Files.createTempFile("zonewatch-term", ".log");
        String platforms = platforms("T", 1_000);
        String feed = feed("T", 1_000, new String[]{"tax_revenue", "industrial_output", "operating_revenue", "employees", "land_area"});
        Process service = startService(db, port, log);
        Api api = new Api(port);
        assertEquals(200, api.post("/api/v1/platforms", ADMIN, "text/csv", platforms).status());
        CompletableFuture<Api.Response> upload = CompletableFuture.supplyAsync(() -> api.feed(ADMIN, feed, null));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && !upload.isDone()
                && scalar(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = " + AdvisoryLock.FEED_KEYS.classId()) == 0) {
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

    /** A request a load thread made: when it started (relative to the signal), and its answer or failure. */
    record Outcome(String what, long startedNanos, long endedNanos, int status, String failure, boolean bodyAsExpected) {
    }

    /**
     * SIGTERM under load: three feeds inside their transactions and readers with requests in flight
     * (both held there by the test's locks, so they are in flight at the signal for certain), plus
     * clients looping on GETs. The requests in flight finish with their normal answers (feeds 201,
     * stored once; reads 200 with the right values); requests after the server stopped accepting are
     * refused, never a 500 and never half-stored; the process exits within 10 s with 143 (SIGTERM).
     */
    @Test
    void sigtermUnderLoadFinishesRequestsInFlightRefusesLaterOnesAndExits() throws Exception {
        DbTarget db = TestDatabase.newDatabase();
        int port = Ports.free();
        Path log = Files.createTempFile("zonewatch-load", ".log");
        int platforms = 300;
        String[][] feedIndicators = {{"industrial_output", "operating_revenue"}, {"employees", "land_area"}, {"rd_expenditure", "cod_emissions"}};
        int feedRows = platforms * QUARTERS * 2;
        Process service = startService(db, port, log);
        Api api = new Api(port);
        assertEquals(200, api.post("/api/v1/platforms", ADMIN, "text/csv", platforms("L", platforms)).status());
        // What the readers read: tax_revenue of L0..L9, written before the load starts.
        assertEquals(201, api.feed(ADMIN, feed("L", 10, new String[]{"tax_revenue"}), null).status());

        java.util.Queue<Outcome> outcomes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> loops = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // Four clients read observations (held by the gate below), two read the catalog (never held).
            String path = i < 4 ? "/api/v1/platforms/L" + i + "/observations?indicator=tax_revenue" : "/api/v1/platforms/L" + i;
            int platform = i;
            Thread loop = new Thread(() -> {
                Api client = new Api(port);   // a client of its own: its own keep-alive connection
                while (!stop.get()) {
                    long started = System.nanoTime();
                    try {
                        Api.Response r = client.get(path, ADMIN);
                        boolean expected = r.status() != 200 || (platform < 4
                                ? r.array("observations").size() == QUARTERS
                                && r.array("observations").getJsonObject(0).getInteger("value") == 1000 + platform
                                : ("L" + platform).equals(r.json().getString("code")));
                        outcomes.add(new Outcome(path, started, System.nanoTime(), r.status(), null, expected));
                    } catch (RuntimeException e) {
                        Throwable cause = e.getCause() == null ? e : e.getCause();
                        outcomes.add(new Outcome(path, started, System.nanoTime(), 0, cause.getClass().getSimpleName(), true));
                        if (cause instanceof java.net.ConnectException) return;   // refused: the server is gone
                    }
                }
            }, "load-" + i);
            loop.start();
            loops.add(loop);
        }
        Await.until(() -> outcomes.size() >= 200, "the readers are running");

        List<CompletableFuture<Api.Response>> feeds = new ArrayList<>();
        Api.Response[] lateFeed = {null};
        Throwable[] lateFeedFailure = {null};
        long t0;
        long refusedAt;
        try (Connection gate = TestDatabase.connect(db); Statement s = gate.createStatement()) {
            // Hold the feeds inside their transactions (key buckets) and the observation reads (the current table).
            gate.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(" + AdvisoryLock.FEED_KEYS.classId() + ", b) FROM generate_series(0, 63) AS b");
            s.execute("LOCK TABLE observation_current IN ACCESS EXCLUSIVE MODE");
            for (String[] indicators : feedIndicators) {
                String csv = feed("L", platforms, indicators);
                feeds.add(CompletableFuture.supplyAsync(() -> new Api(port).feed(ADMIN, csv, null)));
            }
            // The reads share pipelined connections (db/Pools): one waits on the lock in PostgreSQL, the
            // others queue behind it on the same connection, counted in flight by the service's read pools.
            Await.until(() -> waiting(db, "advisory' AND classid = " + AdvisoryLock.FEED_KEYS.classId()) == 3
                    && waiting(db, "relation' AND relation = 'observation_current'::regclass") >= 1
                    && readsInFlight(api) >= 4, "three feeds and four reads in flight");

            t0 = System.nanoTime();
            service.destroy();   // SIGTERM
            // The server stops accepting: a new client is refused (the gate still holds the requests in flight).
            Await.until(() -> {
                try {
                    new Api(port).probe("/health", java.time.Duration.ofSeconds(1));
                    return false;
                } catch (RuntimeException e) {
                    return e.getCause() instanceof java.net.ConnectException;
                }
            }, "new connections are refused");
            refusedAt = System.nanoTime();
            assertTrue(feeds.stream().noneMatch(CompletableFuture::isDone), "the feeds were still in flight");
            try {
                lateFeed[0] = new Api(port).feed(ADMIN, feed("L", 5, new String[]{"tax_revenue"}).replace(",100", ",900"), null);
            } catch (RuntimeException e) {
                lateFeedFailure[0] = e.getCause();
            }
            gate.rollback();   // let the requests in flight finish
        }
        for (int i = 0; i < feeds.size(); i++) {
            Api.Response r = feeds.get(i).get();
            assertEquals(201, r.status(), "feed " + i + " in flight at the signal: " + r);
            assertEquals(feedRows, r.json().getInteger("inserted"));
        }
        assertTrue(service.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "exited within 10 s of the signal");
        double exitSeconds = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread loop : loops) loop.join(10_000);

        assertTrue(lateFeed[0] == null && lateFeedFailure[0] instanceof java.net.ConnectException,
                "a feed sent after the server stopped accepting is refused: " + lateFeed[0] + " " + lateFeedFailure[0]);
        List<Outcome> all = new ArrayList<>(outcomes);
        List<Outcome> before = all.stream().filter(o -> o.startedNanos() < t0).toList();
        List<Outcome> after = all.stream().filter(o -> o.startedNanos() >= t0).toList();
        for (Outcome o : all) {
            assertTrue(o.status() == 0 || o.status() == 200 || o.status() == 503, "never a 500 or another error: " + o);
            assertTrue(o.bodyAsExpected(), "a 200 carries the right data: " + o);
        }
        for (Outcome o : before) assertEquals(200, o.status(), "requests started before the signal are answered: " + o);
        long readsInFlight = before.stream().filter(o -> o.what().contains("observations") && o.endedNanos() > refusedAt).count();
        assertEquals(4, readsInFlight, "the four held reads were in flight at the signal and answered after it");
        // Once the server stopped accepting, nothing new is served: refused, or a connection closed under the client.
        for (Outcome o : all) {
            if (o.startedNanos() > refusedAt) assertTrue(o.status() == 0 || o.status() == 503, "served after the server stopped accepting: " + o);
        }
        assertTrue(after.stream().anyMatch(o -> o.status() == 0), "requests after the signal were refused");
        java.util.Map<String, Long> afterByOutcome = new java.util.TreeMap<>();
        for (Outcome o : after) afterByOutcome.merge(o.status() == 0 ? o.failure() : String.valueOf(o.status()), 1L, Long::sum);

        assertEquals(4, scalar(db, "SELECT count(*) FROM feed"), "the seed feed and the three in flight, nothing else");
        assertEquals(3, scalar(db, "SELECT count(*) FROM feed WHERE rows = " + feedRows + " AND inserted = " + feedRows));
        assertEquals(10 * QUARTERS + 3L * feedRows, scalar(db, "SELECT count(*) FROM observation_version"), "each feed stored once, wholly");
        assertEquals(10 * QUARTERS + 3L * feedRows, scalar(db, "SELECT count(*) FROM observation_current"));
        assertEquals(143, service.exitValue(), "the JVM's exit status after SIGTERM and a clean shutdown");
        String serviceLog = Files.readString(log);
        assertTrue(serviceLog.contains("ZoneWatch stopped"), serviceLog);
        assertFalse(serviceLog.contains("Unhandled failure"), "no request failed with a 500, answered or not: " + serviceLog);
        System.out.printf("SIGTERM under load: 3 feeds and 4 reads in flight, %d GETs answered before the signal; new connections refused"
                        + " %d ms after the signal; exited %.2f s after it with status %d; requests started after the signal: %s%n",
                before.size(), (refusedAt - t0) / 1_000_000, exitSeconds, service.exitValue(), afterByOutcome);
        new File(log.toString()).delete();
    }

    /** Statements in flight on the service's pipelined read connections, from its /metrics. */
    private static double readsInFlight(Api api) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("vertx_pool_in_use\\{pool_name=\"zonewatch-reads-\\d+\",pool_type=\"sql\"} (\\S+)")
                .matcher(api.get("/metrics", null).text());
        double sum = 0;
        while (m.find()) sum += Double.parseDouble(m.group(1));
        return sum;
    }

    private static long waiting(DbTarget db, String lockCondition) {
        try {
            return scalar(db, "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = '" + lockCondition);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
