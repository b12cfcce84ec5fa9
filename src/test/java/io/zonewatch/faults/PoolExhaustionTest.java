package io.zonewatch.faults;

import io.zonewatch.db.AdvisoryLock;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 8: when every database connection is taken, a request that waited
 * ZONEWATCH_DB_CONNECT_TIMEOUT_MS for one is answered 503 database_busy with Retry-After, never 500,
 * and nothing of it is stored. (Before: "NoStackTraceThrowable: Timeout" was an unhandled 500; 4 of 50
 * concurrent 1-MB feeds got it.)
 */
class PoolExhaustionTest {
    private static TestService service;

    @BeforeAll
    static void start() {
        // One event loop with 4 connections: 2 for transactions, 2 pipelined read connections.
        service = TestService.start(Map.of(Config.DB_POOL_SIZE, "4", Config.DB_CONNECT_TIMEOUT_MS, "5000"));
        service.platforms("PE1,池区,county,other,衢州市,,,\nPE2,池区,county,other,衢州市,,,\n");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static String feed(int n) {
        return "platform_code,indicator_code,period,value\nPE1,employees," + (2000 + n) + "Q1," + (100 + n) + "\n";
    }

    @Test
    void requestsThatFindNoFreeConnectionAreAnswered503DatabaseBusy() throws Exception {
        int port = service.zoneWatch.port();
        List<CompletableFuture<Api.Response>> held = new ArrayList<>();
        List<Api.Response> refused = new ArrayList<>();
        try (Connection gate = TestDatabase.connect(service.db); Statement s = gate.createStatement()) {
            gate.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(" + AdvisoryLock.FEED_KEYS.classId() + ", b) FROM generate_series(0, 63) AS b");
            // Two feeds take both transaction connections and wait inside their transactions.
            for (int i = 0; i < 2; i++) {
                String body = feed(i);
                held.add(CompletableFuture.supplyAsync(() -> new Api(port).feed(ADMIN, body, null)));
            }
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (service.scalar("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory' AND classid = " + AdvisoryLock.FEED_KEYS.classId()) < 2) {
                assertTrue(System.nanoTime() < deadline, "the two feeds never waited inside their transactions");
                Thread.onSpinWait();
            }
            List<CompletableFuture<Api.Response>> more = new ArrayList<>();
            for (int i = 2; i < 12; i++) {
                String body = feed(i);
                more.add(CompletableFuture.supplyAsync(() -> new Api(port).feed(ADMIN, body, null)));
            }
            for (CompletableFuture<Api.Response> f : more) refused.add(f.get());
            gate.rollback();
        }
        for (Api.Response r : refused) {
            assertEquals(503, r.status(), r.toString());
            assertEquals("database_busy", r.json().getString("error"), r.toString());
            assertEquals("5", r.headers().firstValue("Retry-After").orElse(null));
        }
        for (CompletableFuture<Api.Response> f : held) assertEquals(201, f.get().status(), f.get().toString());
        assertEquals(2, service.scalar("SELECT count(*) FROM feed"), "nothing of the refused feeds was stored");
        Api.Response retried = service.api.feed(ADMIN, feed(5), null);
        assertEquals(201, retried.status(), "a refused feed goes in on retry: " + retried);
    }
}
