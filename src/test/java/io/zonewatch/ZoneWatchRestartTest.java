package io.zonewatch;

import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded mode as a newcomer runs it: no ZONEWATCH_DB_URL, data in ZONEWATCH_DATA_DIR. What
 * was stored survives a restart, and the generated admin token is printed only at first start.
 */
class ZoneWatchRestartTest {
    @TempDir
    Path dataDir;

    private ZoneWatch start() {
        Map<String, String> env = new HashMap<>();
        env.put(Config.DATA_DIR, dataDir.toString());
        env.put(Config.HTTP_PORT, "0");
        env.put(Config.HTTP_HOST, "127.0.0.1");
        env.put(Config.HTTP_INSTANCES, "2");
        return ZoneWatch.start(Config.from(env));
    }

    @Test
    void embeddedDataAndTheGeneratedAdminTokenSurviveARestart() {
        String admin;
        long feedId;
        try (ZoneWatch first = start()) {
            admin = first.generatedAdminToken().orElseThrow();
            Api api = new Api(first.port());
            assertEquals(200, api.post("/api/v1/platforms", admin, "text/csv",
                    "code,name,level,type,region\nRS,重启区,county,other,衢州市\n").status());
            Api.Response feed = api.feed(admin, "platform_code,indicator_code,period,value\nRS,employees,2024Q4,321\n", null);
            assertEquals(201, feed.status(), feed.toString());
            feedId = feed.json().getLong("feedId");
        }
        assertTrue(dataDir.resolve("postgres").resolve("PG_VERSION").toFile().exists());
        try (ZoneWatch second = start()) {
            assertTrue(second.generatedAdminToken().isEmpty(), "the admin token is generated once");
            Api api = new Api(second.port());
            Api.Response obs = api.get("/api/v1/platforms/RS/observations?indicator=employees", admin);
            assertEquals(200, obs.status(), "the first start's admin token still works");
            assertEquals(321, obs.json().getJsonArray("observations").getJsonObject(0).getInteger("value"));
            assertEquals(feedId, obs.json().getJsonArray("observations").getJsonObject(0).getLong("feedId"));
            assertEquals(24, api.get("/api/v1/indicators", admin).array("indicators").size(), "catalog not loaded twice");
        }
    }
}
