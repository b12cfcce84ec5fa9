package io.zonewatch.faults;

import io.zonewatch.db.AdvisoryLock;
import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.Await;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability: "a client that retries after a timeout gets the first result". The retry
 * carries the first request's Idempotency-Key and arrives either after the first committed or while
 * the first is still being processed (its client gave up and closed the connection). In every case
 * the feed is stored once, wholly, and the retry answers with the first feed's record; the same key
 * with other content is refused with 409 idempotency_key_reused.
 *
 * <p>Interleavings are made deterministic with the feed writer's own locks: the test holds the
 * advisory locks of all key buckets (AdvisoryLock.FEED_KEYS), so the first feed stops inside its
 * transaction, and polls pg_locks to see who is waiting where. No sleeps.
 */
class IdempotentRetryTest {
    /** FeedSql's advisory lock classes: content, Idempotency-Key, key buckets (64 of them). */
    private static final int LOCK_CONTENT = AdvisoryLock.FEED_CONTENT.classId();
    private static final int LOCK_IDEMPOTENCY = AdvisoryLock.FEED_IDEMPOTENCY.classId();
    private static final int LOCK_KEYS = AdvisoryLock.FEED_KEYS.classId();
    private static final int PLATFORMS = 1_000;
    private static final String[] INDICATORS = {"tax_revenue", "industrial_output", "industrial_value_added", "operating_revenue",
            "energy_consumption", "employees", "land_area", "rd_expenditure", "fixed_asset_investment", "cod_emissions"};
    /** 1,000 platforms × 10 indicators × 10 quarters: a 100,000-row feed (3.5 MB) takes a while to validate and write. */
    private static final int BIG_ROWS = PLATFORMS * INDICATORS.length * 10;

    private static TestService service;
    private static Api api;
    private static String bureau;

    @BeforeAll
    static void start() {
        service = TestService.start(Map.of(Config.DB_POOL_SIZE, "6"));
        api = service.api;
        StringBuilder rows = new StringBuilder();
        for (int p = 0; p < PLATFORMS; p++) rows.append("IR").append(p).append(",重试区").append(p).append(",county,other,衢州市,,,\n");
        service.platforms(rows.toString());
        bureau = service.token("bureau", null);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** Every indicator of every platform for 2021Q1..2023Q2; values differ by {@code base}, so feeds differ in content. */
    private static String bigFeed(int base) {
        StringBuilder csv = new StringBuilder(BIG_ROWS * 36).append("platform_code,indicator_code,period,value\n");
        for (int p = 0; p < PLATFORMS; p++) {
            for (int q = 0; q < 10; q++) {
                for (String ind : INDICATORS) {
                    csv.append("IR").append(p).append(',').append(ind).append(',').append(2021 + q / 4).append('Q').append(q % 4 + 1)
                            .append(',').append(base + p * 10 + q).append('\n');
                }
            }
        }
        return csv.toString();
    }

    private static long scalar(String sql) {
        return service.scalar(sql);
    }

    /** Requests waiting (not granted) for an advisory lock of the given class. */
    private static long waitingFor(int lockClass) {
        return scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = " + lockClass + " AND NOT granted");
    }

    /** Holds every key-bucket lock in an open transaction: feed writers stop before their first row. */
    private static Connection holdAllKeyBuckets() throws Exception {
        Connection gate = TestDatabase.connect(service.db);
        gate.setAutoCommit(false);
        try (Statement s = gate.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEYS + ", b) FROM generate_series(0, 63) AS b");
        }
        return gate;
    }

    /**
     * Sends a feed over a raw socket and returns it unanswered: the client that will time out. The
     * whole body is written (the upload is complete); the caller closes the socket to abandon it.
     */
    private static Socket sendAndAbandonLater(String csv, String key) throws Exception {
        byte[] body = csv.getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket("127.0.0.1", service.zoneWatch.port());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/v1/feeds HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + bureau
                + "\r\nContent-Type: text/csv\r\nIdempotency-Key: " + key + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    private static Api.Response post(String csv, String key) {
        return api.post("/api/v1/feeds", bureau, "text/csv", csv, "Idempotency-Key", key);
    }

    /** The fields that make "the first result": the record, not the answer's framing. */
    private static void assertSameRecord(JsonObject first, JsonObject replay) {
        for (String f : new String[]{"feedId", "status", "rows", "inserted", "revised", "unchanged", "rejected", "receivedAt",
                "contentSha256", "idempotencyKey"}) {
            assertEquals(first.getValue(f), replay.getValue(f), f + " of " + replay.encode());
        }
    }

    @Test
    void aRetryAfterTheCommitGetsTheFirstResultAndStoresNothing() {
        String csv = "platform_code,indicator_code,period,value\nIR1,tax_revenue,2020Q1,501\nIR1,employees,2020Q1,70\nIR2,tax_revenue,2020Q1,502\n";
        Api.Response first = post(csv, "after-commit-1");
        assertEquals(201, first.status(), first.toString());
        assertNull(first.json().getValue("duplicateOf"));
        assertEquals(3, first.json().getInteger("inserted"));
        long versions = scalar("SELECT count(*) FROM observation_version");

        Api.Response retry = post(csv, "after-commit-1");
        assertEquals(200, retry.status(), retry.toString());
        assertEquals(first.json().getLong("feedId"), retry.json().getLong("duplicateOf"));
        assertSameRecord(first.json(), retry.json());
        assertEquals(versions, scalar("SELECT count(*) FROM observation_version"), "the retry wrote nothing");
        assertEquals(1, scalar("SELECT count(*) FROM feed WHERE idempotency_key = 'after-commit-1'"));

        // A later revision of the same keys, then a late retry: the key answers with the first record
        // and does not put the old values back (a content replay alone would, since they are no longer in force).
        assertEquals(201, api.feed(bureau, "platform_code,indicator_code,period,value\nIR1,tax_revenue,2020Q1,777\n", null).status());
        Api.Response late = post(csv, "after-commit-1");
        assertEquals(200, late.status(), late.toString());
        assertSameRecord(first.json(), late.json());
        assertEquals("777", service.text("SELECT value::text FROM observation_current WHERE platform_code = 'IR1'"
                + " AND indicator_code = 'tax_revenue' AND period = '2020-01-01'"));
        assertEquals(3, scalar("SELECT count(*) FROM observation_version WHERE feed_id = " + first.json().getLong("feedId")));
    }

    @Test
    void theSameKeyWithOtherContentOrAnotherModeIsRefused() {
        String csv = "platform_code,indicator_code,period,value\nIR3,tax_revenue,2020Q2,30\n";
        Api.Response first = post(csv, "reused-1");
        assertEquals(201, first.status(), first.toString());
        long versions = scalar("SELECT count(*) FROM observation_version");
        long feeds = scalar("SELECT count(*) FROM feed");

        Api.Response other = post(csv.replace(",30", ",31"), "reused-1");
        assertEquals(409, other.status(), other.toString());
        assertEquals("idempotency_key_reused", other.json().getString("error"));
        assertTrue(other.json().getString("messageEn").contains("feed " + first.json().getLong("feedId")), other.toString());
        Api.Response lenient = api.post("/api/v1/feeds?mode=lenient", bureau, "text/csv", csv, "Idempotency-Key", "reused-1");
        assertEquals(409, lenient.status(), "same bytes in another mode are another request: " + lenient);
        assertEquals("idempotency_key_reused", lenient.json().getString("error"));
        Api.Response json = api.post("/api/v1/feeds", bureau, "application/json",
                "{\"observations\":[{\"platform\":\"IR3\",\"indicator\":\"tax_revenue\",\"period\":\"2020Q2\",\"value\":30}]}",
                "Idempotency-Key", "reused-1");
        assertEquals(409, json.status(), json.toString());
        assertEquals(versions, scalar("SELECT count(*) FROM observation_version"));
        assertEquals(feeds, scalar("SELECT count(*) FROM feed"), "a refused reuse leaves no feed record either");
        assertEquals("30", service.text("SELECT value::text FROM observation_current WHERE platform_code = 'IR3' AND period = '2020-04-01'"));

        // Keys belong to a token: another token's same key is another feed.
        Api.Response admin = api.post("/api/v1/feeds", ADMIN, "text/csv", csv.replace(",30", ",32"), "Idempotency-Key", "reused-1");
        assertEquals(201, admin.status(), admin.toString());
    }

    /**
     * The first request is inside its transaction (stopped at the key-bucket locks) when its client
     * gives up and two retries arrive: the same feed, and other content under the same key. Both wait
     * for the first; then the same feed answers with its record and the other content is refused.
     */
    @Test
    void aRetryWhileTheFirstIsWritingWaitsForItAndGetsItsResult() throws Exception {
        String csv = bigFeed(10_000);
        long versions = scalar("SELECT count(*) FROM observation_version");
        CompletableFuture<Api.Response> retry;
        CompletableFuture<Api.Response> otherContent;
        try (Connection gate = holdAllKeyBuckets()) {
            Socket abandoned = sendAndAbandonLater(csv, "in-flight-1");
            Await.until(() -> waitingFor(LOCK_KEYS) == 1, "the first feed waits for a key bucket inside its transaction");
            abandoned.close();   // the client times out and gives up

            retry = CompletableFuture.supplyAsync(() -> post(csv, "in-flight-1"));
            otherContent = CompletableFuture.supplyAsync(() -> post(bigFeed(20_000), "in-flight-1"));
            // The retry validates its copy, then queues behind the first on the content lock; the other
            // content takes its own content lock and queues on the key's lock.
            Await.until(() -> waitingFor(LOCK_CONTENT) == 1 && waitingFor(LOCK_IDEMPOTENCY) == 1, "both retries wait for the first");
            assertFalse(retry.isDone() || otherContent.isDone(), "nobody answered before the first committed");
            assertEquals(0, scalar("SELECT count(*) FROM feed WHERE idempotency_key = 'in-flight-1'"), "nothing visible yet");
            gate.rollback();   // let the first feed write
        }
        Api.Response same = retry.get();
        Api.Response other = otherContent.get();
        long firstId = scalar("SELECT id FROM feed WHERE idempotency_key = 'in-flight-1'");
        assertEquals(200, same.status(), same.toString());
        assertEquals(firstId, same.json().getLong("duplicateOf"));
        assertEquals(firstId, same.json().getLong("feedId"));
        assertEquals("accepted", same.json().getString("status"));
        assertEquals(BIG_ROWS, same.json().getInteger("rows"));
        assertEquals(BIG_ROWS, same.json().getInteger("inserted") + same.json().getInteger("revised"));
        assertEquals(409, other.status(), other.toString());
        assertEquals("idempotency_key_reused", other.json().getString("error"));

        assertEquals(1, scalar("SELECT count(*) FROM feed WHERE idempotency_key = 'in-flight-1'"), "one feed record");
        assertEquals(BIG_ROWS, scalar("SELECT count(*) FROM observation_version WHERE feed_id = " + firstId), "stored wholly");
        assertEquals(versions + BIG_ROWS, scalar("SELECT count(*) FROM observation_version"), "and once");
        assertEquals(BIG_ROWS, scalar("SELECT count(*) FROM observation_current WHERE feed_id = " + firstId));
        assertEquals(10_000 + 999 * 10 + 9, scalar("SELECT value FROM observation_current WHERE platform_code = 'IR999'"
                + " AND indicator_code = 'cod_emissions' AND period = '2023-04-01'"), "the first feed's values, not the other content's");

        Api.Response later = post(csv, "in-flight-1");
        assertEquals(200, later.status());
        assertSameRecord(same.json(), later.json());
    }

    /**
     * The retry arrives while the first is still being read and validated, before either holds a
     * lock: both validate, the first to lock stores the feed and the other finds it. Whichever wins,
     * the feed is stored once and the retry's answer is that feed's record (201 if the retry's copy
     * happened to be the one stored, else 200 with duplicateOf).
     */
    @Test
    void aRetryWhileTheFirstIsBeingValidatedStoresTheFeedOnce() throws Exception {
        String csv = bigFeed(30_000);
        long versions = scalar("SELECT count(*) FROM observation_version");
        Api.Response retry;
        // Stop catalog loads (the step after the replay check) with a lock on the platform table.
        try (Connection gate = TestDatabase.connect(service.db)) {
            gate.setAutoCommit(false);
            try (Statement s = gate.createStatement()) {
                s.execute("LOCK TABLE platform IN ACCESS EXCLUSIVE MODE");
            }
            Socket abandoned = sendAndAbandonLater(csv, "validating-1");
            Await.until(() -> waitingForPlatformTable() == 1, "the first feed has passed its replay check");
            abandoned.close();
            CompletableFuture<Api.Response> pending = CompletableFuture.supplyAsync(() -> post(csv, "validating-1"));
            Await.until(() -> waitingForPlatformTable() == 2, "the retry has passed its replay check too");
            gate.rollback();
            retry = pending.get();
        }
        long id = scalar("SELECT id FROM feed WHERE idempotency_key = 'validating-1'");
        assertTrue(retry.status() == 201 || retry.status() == 200 && retry.json().getLong("duplicateOf") == id, retry.toString());
        assertEquals(id, retry.json().getLong("feedId"));
        assertEquals(BIG_ROWS, retry.json().getInteger("rows"));
        // Final already: the stored copy committed before the retry answered (it was the retry's, or the
        // retry waited for it), and the other copy cannot add a second record under the same key.
        assertEquals(1, scalar("SELECT count(*) FROM feed WHERE idempotency_key = 'validating-1'"));
        assertEquals(versions + BIG_ROWS, scalar("SELECT count(*) FROM observation_version"));
        assertEquals(BIG_ROWS, scalar("SELECT count(*) FROM observation_version WHERE feed_id = " + id));
        System.out.printf("retry during validation: the retry answered %d (%s copy stored)%n", retry.status(),
                retry.status() == 201 ? "its own" : "the abandoned request's");
    }

    private static long waitingForPlatformTable() {
        return scalar("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                + " WHERE c.relname = 'platform' AND l.locktype = 'relation' AND NOT l.granted");
    }
}
