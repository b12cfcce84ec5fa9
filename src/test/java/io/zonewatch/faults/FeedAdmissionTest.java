package io.zonewatch.faults;

import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feed bodies held in memory at once are bounded (ZONEWATCH_FEED_MEMORY_BYTES): a feed that does not
 * fit while another is being received is refused with 503 before its body is read, stores nothing,
 * and goes in on retry once the first is answered.
 */
class FeedAdmissionTest {
    private static final String[] INDICATORS = {"tax_revenue", "operating_revenue", "industrial_output", "fixed_asset_investment"};
    private static TestService service;
    private static String bureau;

    @BeforeAll
    static void start() {
        service = TestService.start(Map.of(Config.MAX_FEED_BYTES, "32768", Config.FEED_MEMORY_BYTES, "32768"));
        service.platforms("AD1,容量测试一,county,other,温州市,,,\nAD2,容量测试二,county,other,温州市,,,\n");
        bureau = service.token("bureau", null);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** One platform's quarters from {@code firstYear} to 2025 for four indicators: ~40 bytes a row. */
    private static String feed(String platform, int firstYear) {
        StringBuilder csv = new StringBuilder("platform_code,indicator_code,period,value\n");
        for (int y = firstYear; y <= 2025; y++) {
            for (int q = 1; q <= 4; q++) {
                for (String ind : INDICATORS) csv.append(platform).append(',').append(ind).append(',').append(y).append('Q').append(q)
                        .append(',').append(1000 + q * 10 + (y - firstYear)).append('\n');
            }
        }
        return csv.toString();
    }

    private static long admittedBytes() {
        Matcher m = Pattern.compile("(?m)^zonewatch_feed_body_bytes ([0-9.E]+)$").matcher(service.api.get("/metrics", null).text());
        assertTrue(m.find(), "the gauge is exported");
        return (long) Double.parseDouble(m.group(1));
    }

    private static void awaitAdmitted(long bytes) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (admittedBytes() != bytes) {
            assertTrue(Instant.now().isBefore(deadline), "admitted bytes never reached " + bytes + " (now " + admittedBytes() + ")");
            Thread.sleep(10);   // polling a condition with a deadline, not timing
        }
    }

    @Test
    void aFeedThatDoesNotFitNowIsRefusedWith503AndGoesInOnRetry() throws Exception {
        byte[] first = feed("AD1", 1990).getBytes(StandardCharsets.UTF_8);
        String second = feed("AD2", 2000);
        assertTrue(first.length <= 32768 && first.length + second.length() > 32768, first.length + " + " + second.length());

        try (Socket socket = new Socket("127.0.0.1", service.zoneWatch.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/feeds HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + bureau
                    + "\r\nContent-Type: text/csv\r\nContent-Length: " + first.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(first, 0, first.length / 2);   // half the body: the feed is being received
            out.flush();
            awaitAdmitted(first.length);

            Api.Response busy = service.api.post("/api/v1/feeds", bureau, "text/csv", second);
            assertEquals(503, busy.status(), busy.toString());
            assertEquals("feeds_busy", busy.json().getString("error"));
            assertTrue(busy.json().getString("messageZh").contains("稍后重试"), busy.toString());
            assertEquals("5", busy.headers().firstValue("Retry-After").orElse(null));
            assertEquals(0, service.scalar("SELECT count(*) FROM observation_version WHERE platform_code = 'AD2'"));

            out.write(first, first.length / 2, first.length - first.length / 2);
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 201", status);
        }
        awaitAdmitted(0);
        assertEquals(36 * 16, service.scalar("SELECT count(*) FROM observation_current WHERE platform_code = 'AD1'"));

        Api.Response retried = service.api.post("/api/v1/feeds", bureau, "text/csv", second);
        assertEquals(201, retried.status(), retried.toString());
        assertEquals(26 * 16, retried.json().getInteger("inserted"));
        awaitAdmitted(0);
    }
}
