package io.zonewatch.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @Test
    void defaultsRunEmbeddedOnPort8080() {
        Config c = Config.from(Map.of());
        assertEquals(8080, c.httpPort());
        assertTrue(c.embeddedDatabase());
        assertEquals(Path.of("./data"), c.dataDir());
        assertFalse(c.demo());
        assertEquals(64L << 20, c.maxFeedBytes());
        assertTrue(c.adminToken().isEmpty());
        assertTrue(c.grafanaUrl().isEmpty());
    }

    /** Every variable the service reads is in the README's configuration table, and nothing else is. */
    @Test
    void theReadmeDocumentsEveryVariable() throws Exception {
        java.util.Set<String> read = new java.util.TreeSet<>();
        for (java.lang.reflect.Field f : Config.class.getFields()) {
            if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) read.add((String) f.get(null));
        }
        String readme = java.nio.file.Files.readString(Path.of("README.md"));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| `(ZONEWATCH_[A-Z0-9_]+)`( / `(ZONEWATCH_[A-Z0-9_]+)`)? \\|").matcher(readme);
        while (m.find()) {
            documented.add(m.group(1));
            if (m.group(3) != null) documented.add(m.group(3));
        }
        assertEquals(read, documented);
    }

    @Test
    void timeLimitsAndPortsHaveDefaultsAndBounds() {
        Config c = Config.from(Map.of());
        assertEquals(60, c.httpIdleTimeoutSeconds());
        assertEquals(300, c.httpBodyTimeoutSeconds());
        assertFalse(c.http2Cleartext());
        assertTrue(c.metricsPort().isEmpty());
        assertEquals(9100, Config.from(Map.of(Config.METRICS_PORT, "9100")).metricsPort().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of(Config.HTTP_IDLE_TIMEOUT_S, "0")));
        assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of(Config.METRICS_PORT, "70000")));
    }

    @Test
    void readsEveryVariable() {
        Config c = Config.from(Map.of(Config.HTTP_PORT, "9090", Config.DB_URL, "postgresql://db/zw", Config.DEMO, "true",
                Config.DATA_DIR, "/var/lib/zw", Config.ADMIN_TOKEN, "secret", Config.MAX_FEED_BYTES, "1048576",
                Config.GRAFANA_URL, "http://grafana:3000", Config.GRAFANA_TOKEN, "glsa_x"));
        assertEquals(9090, c.httpPort());
        assertFalse(c.embeddedDatabase());
        assertTrue(c.demo());
        assertEquals(Path.of("/var/lib/zw"), c.dataDir());
        assertEquals("secret", c.adminToken().orElseThrow());
        assertEquals(1048576, c.maxFeedBytes());
        assertEquals("http://grafana:3000", c.grafanaUrl().orElseThrow());
    }

    @Test
    void malformedValuesStopStartUpNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of(Config.HTTP_PORT, "eighty")));
        assertTrue(e.getMessage().contains(Config.HTTP_PORT));
        assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of(Config.HTTP_PORT, "70000")));
        assertThrows(IllegalArgumentException.class, () -> Config.from(Map.of(Config.DEMO, "perhaps")));
        IllegalArgumentException memory = assertThrows(IllegalArgumentException.class,
                () -> Config.from(Map.of(Config.MAX_FEED_BYTES, "2048", Config.FEED_MEMORY_BYTES, "1024")));
        org.junit.jupiter.api.Assertions.assertTrue(memory.getMessage().contains(Config.FEED_MEMORY_BYTES), memory.getMessage());
        org.junit.jupiter.api.Assertions.assertEquals(2048, Config.from(Map.of(Config.MAX_FEED_BYTES, "2048")).feedMemoryBytes(),
                "by default one largest feed at a time");
    }
}
