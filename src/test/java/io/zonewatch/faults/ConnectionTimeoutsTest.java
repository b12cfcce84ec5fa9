package io.zonewatch.faults;

import io.zonewatch.db.AdvisoryLock;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.Await;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 7: no client can hold a connection, or the feed memory, for as long as it likes.
 * With an idle timeout of 1 s and a body timeout of 4 s: half-sent requests and idle keep-alive
 * connections are closed; a stalled chunked feed is answered 408 and closed, and its share of the
 * feed memory is free at once; a body trickled slower than allowed is cut; a request the service is
 * still working on is never cut.
 */
class ConnectionTimeoutsTest {
    private static final long MIB = 1 << 20;
    /** Waits here give up after 15 s: the timeouts under test are 1 and 4 s. */
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static TestService service;
    private static Api api;

    @BeforeAll
    static void start() {
        service = TestService.start(Map.of(Config.HTTP_IDLE_TIMEOUT_S, "1", Config.HTTP_BODY_TIMEOUT_S, "4",
                Config.MAX_FEED_BYTES, String.valueOf(MIB), Config.FEED_MEMORY_BYTES, String.valueOf(MIB)));
        api = service.api;
        service.platforms("TO,超时区,county,other,衢州市,,,\n");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", service.zoneWatch.port());
        s.setSoTimeout(15_000);
        return s;
    }

    /** Everything the server sends until it closes the connection; fails if it does not within 15 s. */
    private static String untilClosed(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) out.write(buffer, 0, n);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open; it sent: " + out.toString(StandardCharsets.UTF_8));
        } catch (java.net.SocketException reset) {
            // closed under us: also closed
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double feedMemoryInUse() {
        for (String line : api.get("/metrics", null).text().split("\n")) {
            if (line.startsWith("zonewatch_feed_body_bytes ")) return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
        }
        throw new AssertionError("no zonewatch_feed_body_bytes in /metrics");
    }

    @Test
    void halfSentRequestsAndIdleConnectionsAreClosed() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            Socket s = connect();
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            sockets.add(s);
        }
        for (Socket s : sockets) {
            assertEquals("", untilClosed(s), "nothing answered to a request that never ended its headers");
            s.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("200 half-sent requests: all closed %.2f s after they were opened%n", seconds);
        assertTrue(seconds < 10, seconds + " s");

        try (Socket keepAlive = connect()) {
            keepAlive.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = untilClosed(keepAlive);
            assertTrue(answer.startsWith("HTTP/1.1 200"), "answered, then closed once idle: " + answer);
        }
        assertEquals(200, api.get("/health", null).status());
    }

    @Test
    void aStalledChunkedFeedIsAnswered408AndGivesItsFeedMemoryBack() throws Exception {
        try (Socket stalled = connect()) {
            OutputStream out = stalled.getOutputStream();
            out.write(("POST /api/v1/feeds HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN
                    + "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] first = "platform_code,indicator_code,period,value\n".getBytes(StandardCharsets.US_ASCII);
            out.write((Integer.toHexString(first.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(first);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The chunked upload holds the whole feed memory (its size is unknown): another feed is refused meanwhile.
            Await.until(() -> feedMemoryInUse() == MIB, "the stalled upload holds the feed memory", WAIT);
            Api.Response busy = api.feed(ADMIN, "platform_code,indicator_code,period,value\nTO,employees,2024Q1,1\n", null);
            assertEquals(503, busy.status(), busy.toString());
            assertEquals("feeds_busy", busy.json().getString("error"));

            String answer = untilClosed(stalled);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("\"error\":\"request_timeout\""), answer);
        }
        Await.until(() -> feedMemoryInUse() == 0, "the feed memory is given back", WAIT);
        Api.Response next = api.feed(ADMIN, "platform_code,indicator_code,period,value\nTO,employees,2024Q1,1\n", null);
        assertEquals(201, next.status(), next.toString());
    }

    @Test
    void aBodyTrickledSlowerThanAllowedIsCut() throws Exception {
        try (Socket slow = connect()) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /api/v1/platforms HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN
                    + "\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            boolean cut = false;
            // A byte every 0.4 s: never idle for the 1-s idle timeout, but 100,000 bytes would take 11 hours.
            for (int i = 0; i < 40 && !cut; i++) {
                try {
                    out.write('x');
                    out.flush();
                    Thread.sleep(400);   // the client's pace: what is under test, not a synchronisation
                    cut = slow.getInputStream().available() > 0;
                } catch (java.net.SocketException closed) {
                    cut = true;
                }
            }
            String answer = untilClosed(slow);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(seconds > 3.5 && seconds < 9, "cut after " + seconds + " s (body timeout 4 s)");
        }
    }

    @Test
    void aRequestTheServiceIsStillWorkingOnIsNotCut() throws Exception {
        CompletableFuture<Api.Response> feed;
        try (Connection gate = TestDatabase.connect(service.db); Statement s = gate.createStatement()) {
            // Hold the feed inside its transaction (its key-bucket locks) for three idle timeouts.
            gate.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(" + AdvisoryLock.FEED_KEYS.classId() + ", b) FROM generate_series(0, 63) AS b");
            feed = CompletableFuture.supplyAsync(() -> new Api(service.zoneWatch.port())
                    .feed(ADMIN, "platform_code,indicator_code,period,value\nTO,employees,2024Q2,2\n", null));
            Await.until(() -> service.scalar("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory' AND classid = " + AdvisoryLock.FEED_KEYS.classId()) == 1,
                    "the feed waits inside its transaction", WAIT);
            long until = System.nanoTime() + 3_000_000_000L;
            Await.until(() -> System.nanoTime() > until || feed.isDone(), "three idle timeouts have passed", WAIT);
            gate.rollback();
        }
        Api.Response r = feed.get();
        assertEquals(201, r.status(), r.toString());
    }
}
