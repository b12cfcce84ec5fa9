package io.zonewatch.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /health, /ready, /metrics and /openapi.yaml. */
class OpsTest extends ServiceTest {
    @Test
    void healthAndReadiness() {
        Api.Response health = api.get("/health", null);
        assertEquals(200, health.status());
        assertEquals("UP", health.json().getString("status"));
        Api.Response ready = api.get("/ready", null);
        assertEquals(200, ready.status(), ready.toString());
        JsonObject check = ready.json().getJsonArray("checks").getJsonObject(0);
        assertEquals("database", check.getString("id"));
        assertEquals("UP", check.getString("status"));
        assertEquals(latestMigration(), check.getJsonObject("data").getString("schemaVersion"));
        // Which storage was chosen, and why (TimescaleDB where it is loaded, else plain tables).
        String version = service.text("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'");
        assertEquals(version == null ? "postgresql" : "timescaledb " + version, check.getJsonObject("data").getString("storage"));
        assertFalse(check.getJsonObject("data").getString("storageReason").isBlank());
    }

    /** The highest V<n>__ migration in sql/ (tests run from the project directory). */
    private static String latestMigration() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("sql"))) {
            return String.valueOf(files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                    .max().orElseThrow());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void metricsExportHttpPoolJvmAndFeedCounters() {
        service.platforms("MT,指标区,county,other,丽水市,,,\n");
        String before = api.get("/metrics", null).text();
        assertEquals(201, api.feed(ADMIN, "platform_code,indicator_code,period,value\nMT,tax_revenue,2024Q1,1\nMT,tax_revenue,2024Q2,2\n", null).status());
        assertEquals(422, api.feed(ADMIN, "platform_code,indicator_code,period,value\nMT,tax_revenue,2024Q9,1\n", null).status());
        Api.Response metrics = api.get("/metrics", null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = metrics.text();
        assertEquals(1, value(text, "zonewatch_feeds_total{format=\"csv\",status=\"accepted\"}")
                - value(before, "zonewatch_feeds_total{format=\"csv\",status=\"accepted\"}"), 0, text);
        assertEquals(1, value(text, "zonewatch_feeds_total{format=\"csv\",status=\"rejected\"}")
                - value(before, "zonewatch_feeds_total{format=\"csv\",status=\"rejected\"}"), 0);
        assertEquals(2, value(text, "zonewatch_feed_rows_total{outcome=\"inserted\"}") - value(before, "zonewatch_feed_rows_total{outcome=\"inserted\"}"), 0);
        assertEquals(1, value(text, "zonewatch_feed_rows_total{outcome=\"rejected\"}") - value(before, "zonewatch_feed_rows_total{outcome=\"rejected\"}"), 0);
        assertTrue(text.contains("zonewatch_feed_processing_seconds_count{format=\"csv\"}"));
        assertTrue(text.contains("vertx_http_server_requests_total"), "HTTP server metrics");
        assertTrue(text.contains("vertx_pool_"), "pool metrics");
        // Every pool is exported under a name of its own: the background pool and each event loop's.
        assertTrue(text.contains("vertx_pool_in_use{pool_name=\"zonewatch-background\",pool_type=\"sql\"}"), "background pool");
        assertTrue(java.util.regex.Pattern.compile("vertx_pool_in_use\\{pool_name=\"zonewatch-http-\\d+\",pool_type=\"sql\"\\}")
                .matcher(text).find(), "request pools");
        assertTrue(java.util.regex.Pattern.compile("vertx_pool_in_use\\{pool_name=\"zonewatch-reads-\\d+\",pool_type=\"sql\"\\}")
                .matcher(text).find(), "pipelined read clients");
        assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
    }

    /** The value of one exported series, 0 when absent. */
    private static double value(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return 0;
    }

    @Test
    void promtoolAcceptsTheMetricsOutput() throws Exception {
        java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
        if (!java.nio.file.Files.isExecutable(promtool)) {
            org.junit.jupiter.api.Assertions.assertNotEquals("true", System.getenv("ZONEWATCH_REQUIRE_TOOLS"),
                    "promtool is required here: apt-get install prometheus");
            org.junit.jupiter.api.Assumptions.abort("promtool not installed (Debian package prometheus)");
        }
        service.platforms("PT,普罗区,county,other,丽水市,,,\n");
        api.feed(ADMIN, "platform_code,indicator_code,period,value\nPT,tax_revenue,2024Q1,1\n", null);
        service.zoneWatch.alertWorker().refreshGauges().toCompletionStage().toCompletableFuture().join();
        String metrics = api.get("/metrics", null).text();
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(metrics.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "promtool check metrics: " + output);
        assertTrue(metrics.contains("zonewatch_alerts_open{"), "the warnings gauge is exported");
    }

    @Test
    void openApiDescribesExactlyTheRoutesTheServiceServes() throws Exception {
        Api.Response r = api.get("/openapi.yaml", null);
        assertEquals(200, r.status());
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(r.text());
        assertTrue(doc.path("openapi").asText().startsWith("3."));
        SortedSet<String> documented = new TreeSet<>();
        Set<String> methods = Set.of("get", "put", "post", "delete", "patch", "head", "options");
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> ops = path.getValue().fieldNames(); ops.hasNext(); ) {
                String op = ops.next();
                if (methods.contains(op)) documented.add(op.toUpperCase() + " " + path.getKey());
            }
        }
        assertEquals(service.zoneWatch.endpoints(), documented);
    }

    @Test
    void unknownRoutesAndMethodsAnswerJson() {
        Api.Response missing = api.get("/api/v1/nothing-here", ADMIN);
        assertEquals(404, missing.status());
        assertEquals("not_found", missing.json().getString("error"));
        Api.Response method = api.delete("/api/v1/indicators", ADMIN);
        assertEquals(405, method.status());
        assertEquals("method_not_allowed", method.json().getString("error"));
    }
}
