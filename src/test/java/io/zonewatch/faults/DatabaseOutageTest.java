package io.zonewatch.faults;

import io.zonewatch.ZoneWatch;
import io.zonewatch.testing.Ports;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability: with PostgreSQL gone, requests answer 503 quickly (never hang, never 500),
 * /ready is red, nothing acknowledged is lost, and the service recovers by itself when it returns.
 */
class DatabaseOutageTest {
    private static final String ADMIN = "zw_outage-admin-token-0123456789abcdefghijk";
    private static final String FEED = "platform_code,indicator_code,period,value\nDB1,tax_revenue,%s,%s\n";

    @TempDir
    Path pgData;

    private EmbeddedPostgres startPostgres(int port) throws IOException {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(pgData).setCleanDataDirectory(false).start();
    }

    @Test
    void requestsFailFastWhileTheDatabaseIsDownAndTheServiceRecoversByItself() throws Exception {
        int port = Ports.free();
        EmbeddedPostgres pg = startPostgres(port);
        ZoneWatch service = ZoneWatch.start(Config.from(Map.of(
                Config.DB_URL, "postgresql://postgres@localhost:" + port + "/postgres",
                Config.HTTP_PORT, "0", Config.HTTP_HOST, "127.0.0.1", Config.HTTP_INSTANCES, "1",
                Config.ADMIN_TOKEN, ADMIN, Config.DB_CONNECT_TIMEOUT_MS, "1000",
                Config.RANKING_SCHEDULE_S, "0", Config.ALERT_SWEEP_S, "0")));
        try {
            Api api = new Api(service.port());
            assertEquals(200, api.post("/api/v1/platforms", ADMIN, "text/csv", "code,name,level,type,region\nDB1,断库区,county,other,衢州市\n").status());
            assertEquals(201, api.feed(ADMIN, FEED.formatted("2024Q1", "11"), null).status());

            pg.close();
            long t0 = System.nanoTime();
            Api.Response read = api.get("/api/v1/platforms/DB1/observations", ADMIN);
            double readSeconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(503, read.status(), read.toString());
            assertEquals("database_unavailable", read.json().getString("error"));
            assertEquals("5", read.headers().firstValue("Retry-After").orElse(null));
            assertTrue(readSeconds < 3, "answered in " + readSeconds + " s");
            Api.Response feed = api.feed(ADMIN, FEED.formatted("2024Q2", "12"), null);
            assertEquals(503, feed.status(), feed.toString());
            assertEquals(503, api.get("/ready", null).status());
            assertEquals(200, api.get("/health", null).status(), "the process itself is alive");

            pg = startPostgres(port);
            long t1 = System.nanoTime();
            // Recovery is the service's own doing: poll /ready until it is green, for at most 5 s.
            int status = 0;
            while (System.nanoTime() - t1 < 5_000_000_000L && (status = api.get("/ready", null).status()) != 200) {
                Thread.onSpinWait();
            }
            double recovered = (System.nanoTime() - t1) / 1e9;
            assertEquals(200, status, "ready again within 5 s");
            System.out.printf("database outage: 503 after %.3f s; ready again %.3f s after PostgreSQL returned%n", readSeconds, recovered);
            assertEquals(201, api.feed(ADMIN, FEED.formatted("2024Q2", "12"), null).status(), "the refused feed can be sent again");
            var values = api.get("/api/v1/platforms/DB1/observations?indicator=tax_revenue", ADMIN).json().getJsonArray("observations");
            assertEquals(2, values.size(), "the feed acknowledged before the outage is still there: " + values);
        } finally {
            service.close();
            pg.close();
        }
    }
}
