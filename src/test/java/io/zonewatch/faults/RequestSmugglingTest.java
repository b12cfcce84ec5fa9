package io.zonewatch.faults;

import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 9: what a proxy in front would read differently from the service. Dot segments and
 * encoded slashes that normalise to /metrics, cleartext HTTP/2 upgrades and prior-knowledge h2c,
 * requests with both Content-Length and Transfer-Encoding (a second request smuggled in the first
 * one's body), and /metrics on a management port of its own.
 */
class RequestSmugglingTest extends ServiceTest {

    /** Sends raw bytes, returns everything answered until the server closes the connection (or 3 s of silence). */
    static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(3_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) out.write(buffer, 0, n);
            } catch (SocketTimeoutException | java.net.SocketException stillOpenOrReset) {
                // what came is what was answered
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static String chunk(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) n++;
        return n;
    }

    @Test
    void pathsThatNormaliseToAnotherResourceAreRefused() throws Exception {
        int port = service.zoneWatch.port();
        for (String path : List.of("/api/v1/%2e%2e/%2e%2e/metrics", "/api/v1/../../metrics", "/api/v1/./platforms",
                "/api/v1/%2E%2e/metrics", "/static/..%2f..%2fmetrics", "/api/v1/platforms%2fX", "/api/v1\\..\\metrics",
                "/api/v1/platforms/%2e")) {
            String answer = raw(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400"), path + " -> " + answer);
            assertTrue(answer.contains("\"error\":\"bad_path\""), path + " -> " + answer);
            assertFalse(answer.contains("# HELP"), path + " reached /metrics");
        }
        // Ordinary paths, percent-encoded or not, still work.
        assertEquals(200, service.api.get("/api/v1/platforms", ADMIN).status());
        assertTrue(raw(port, "GET /api/v1/indicators/tax%5Frevenue HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN
                + "\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200"));
    }

    @Test
    void cleartextHttp2IsNotSpoken() throws Exception {
        int port = service.zoneWatch.port();
        String upgrade = raw(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings, close\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
        assertTrue(upgrade.startsWith("HTTP/1.1 200"), "answered over HTTP/1.1, not switched: " + upgrade);
        assertFalse(upgrade.contains("101"), upgrade);
        String priorKnowledge = raw(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        // HTTP/1 refuses the preface's method (Vert.x answers 501) instead of an HTTP/2 SETTINGS frame.
        assertTrue(priorKnowledge.isEmpty() || priorKnowledge.startsWith("HTTP/") && !priorKnowledge.startsWith("HTTP/1.1 101"),
                "no HTTP/2 frames: " + priorKnowledge);
    }

    @Test
    void aRequestWithBothLengthsIsRefusedAndNothingSmuggledInItIsServed() throws Exception {
        int port = service.zoneWatch.port();
        String smuggled = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        String answer = raw(port, "POST /api/v1/platforms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("\"error\":\"ambiguous_length\""), answer);
        assertEquals(1, count(answer, "HTTP/1.1 "), "one answer, and the connection closed: " + answer);
        assertFalse(answer.contains("# HELP"), "the smuggled request was not served");

        String otherCoding = raw(port, "POST /api/v1/platforms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\nhello" + smuggled);
        assertTrue(otherCoding.startsWith("HTTP/1.1 400"), otherCoding);
        assertEquals(1, count(otherCoding, "HTTP/1.1 "), otherCoding);

        // An honest chunked request still works.
        String chunked = raw(port, "POST /api/v1/platforms HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN
                + "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + chunk("code,name,level,type,region\nSM,走私区,county,") + chunk("other,衢州市\n") + "0\r\n\r\n");
        assertTrue(chunked.startsWith("HTTP/1.1 200"), chunked);
    }

    @Test
    void withAManagementPortMetricsAreServedThereAndNowhereElse() throws Exception {
        try (TestService managed = TestService.start(Map.of(Config.METRICS_PORT, "0"))) {
            Api main = managed.api;
            Api management = new Api(managed.zoneWatch.metricsPort());
            assertEquals(404, main.get("/metrics", null).status());
            Api.Response metrics = management.get("/metrics", null);
            assertEquals(200, metrics.status());
            assertTrue(metrics.text().contains("vertx_http_server_requests_total"), metrics.text().length() + " " + metrics.headers().map());
            assertEquals(404, management.get("/api/v1/platforms", ADMIN).status());
            assertEquals(200, main.get("/health", null).status());
        }
        assertEquals(-1, service.zoneWatch.metricsPort());
        assertEquals(200, service.api.get("/metrics", null).status(), "by default /metrics stays where it was");
    }
}
