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
