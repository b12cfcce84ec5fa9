package io.zonewatch.ops;

import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 5: no client, with or without a token, can make the metrics grow. 8,000 requests with
 * random 1,000-character methods and random paths leave /metrics as small as before (one more set of
 * series for the method "other"), and the service answers.
 */
class MetricsFloodTest extends ServiceTest {

    /** Sends {@code n} pipelined requests on one connection and reads until every one is answered. */
    private static void pipelined(int port, int n, Random random) throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < n; i++) {
            StringBuilder method = new StringBuilder(1000);
            for (int c = 0; c < 1000; c++) method.append((char) ('A' + random.nextInt(26)));
            String path = random.nextBoolean() ? "/api/v1/platforms" : "/z" + random.nextInt(1_000_000_000) + "/" + random.nextLong();
            requests.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (Exception ignored) {
                    // the reader below reports what was answered
                }
            });
            writer.start();
            byte[] buffer = new byte[65536];
            int answered = 0;
            String carry = "";
            while (answered < n) {
                int read = in.read(buffer);
                if (read < 0) break;
                String chunk = carry + new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
                int from = 0;
                for (int at; (at = chunk.indexOf("HTTP/1.1 ", from)) >= 0; from = at + 1) answered++;
                carry = chunk.substring(Math.max(0, chunk.length() - 8));
            }
            writer.join();
            assertEquals(n, answered, "every request of the flood was answered");
        }
    }

    @Test
    void aFloodOfInventedMethodsAndPathsLeavesTheMetricsSmallAndTheServiceUp() throws Exception {
        assertEquals(200, api.get("/api/v1/platforms", ADMIN).status());
        int before = api.get("/metrics", null).text().length();
        Random random = new Random(12);
        Thread[] clients = new Thread[8];
        Throwable[] failure = {null};
        for (int t = 0; t < clients.length; t++) {
            long seed = random.nextLong();
            clients[t] = new Thread(() -> {
                try {
                    pipelined(service.zoneWatch.port(), 1_000, new Random(seed));
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            clients[t].start();
        }
        for (Thread c : clients) c.join();
        if (failure[0] != null) throw new AssertionError(failure[0]);

        Api.Response metrics = api.get("/metrics", null);
        assertEquals(200, metrics.status());
        String text = metrics.text();
        System.out.printf("/metrics: %d bytes before the flood of 8,000 invented methods, %d after%n", before, text.length());
        assertTrue(text.length() < before + 8_000, "grew from " + before + " to " + text.length() + " bytes");
        Set<String> methods = values(text, "method");
        assertTrue(Set.of("GET", "other").containsAll(methods), methods.toString());
        assertTrue(methods.contains("other"), "the flood is counted, as method=\"other\"");
        Set<String> routes = values(text, "route");
        assertTrue(routes.contains("unmatched"), routes.toString());
        assertTrue(routes.contains("/api/v1/platforms"), routes.toString());
        assertTrue(routes.stream().allMatch(r -> r.equals("unmatched") || service.zoneWatch.endpoints().stream()
                .anyMatch(e -> e.endsWith(" " + r.replaceAll(":([A-Za-z]+)", "{$1}")))), "only route templates: " + routes);
        assertTrue(values(text, "code").stream().allMatch(c -> c.matches("\\d{3}")));
        assertEquals(200, api.get("/health", null).status());
        assertEquals(200, api.get("/api/v1/platforms", ADMIN).status());
    }

    private static Set<String> values(String metrics, String label) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("[{,]" + label + "=\"([^\"]*)\"").matcher(metrics);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
