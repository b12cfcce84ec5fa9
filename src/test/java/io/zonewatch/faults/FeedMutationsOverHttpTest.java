package io.zonewatch.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.FeedMutations;
import io.zonewatch.testing.SampleFeeds;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Input hardening for the structured formats (issue 6): seeded mutations of a valid SDMX-CSV feed
 * and of a valid JSON feed, posted to the running service. Never a 5xx; every refusal has the
 * error shape {error, message, messageZh, messageEn} and stores no observation; every acceptance
 * stores exactly what its answer counts; the service stays healthy.
 */
class FeedMutationsOverHttpTest extends ServiceTest {
    private static final String SDMX = "application/vnd.sdmx.data+csv";

    @BeforeAll
    static void setUp() {
        service.platforms(SampleFeeds.platformRows());
    }

    @Test
    void mutatedSdmxCsvFeedsAreAnsweredByTheContract() {
        FeedMutations mutations = new FeedMutations(20_261_122);
        String feed = SampleFeeds.sdmx(100);
        int[] outcomes = new int[4];
        for (int i = 0; i < 240; i++) {
            // Every fourth in lenient mode; a few declared as GB18030, which UTF-8 multibyte text is not.
            String query = i % 4 == 3 ? "?mode=lenient" : "";
            String type = i % 10 == 9 ? SDMX + "; charset=gb18030" : SDMX;
            send("sdmx mutant " + i + query, type, query, mutations.csv(feed), outcomes);
        }
        System.out.printf("SDMX-CSV mutations over HTTP: 240 sent, %d stored, %d replays, %d refused, %d partly stored (lenient); no 5xx%n",
                outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
        stillHealthy(2);
    }

    @Test
    void mutatedJsonFeedsAreAnsweredByTheContract() {
        FeedMutations mutations = new FeedMutations(20_261_123);
        JsonObject feed = SampleFeeds.json(300);
        int[] outcomes = new int[4];
        for (int i = 0; i < 120; i++) {
            String query = i % 4 == 3 ? "?mode=lenient" : "";
            send("json mutant " + i + query, "application/json", query, mutations.json(feed), outcomes);
        }
        System.out.printf("JSON mutations over HTTP: 120 sent, %d stored, %d replays, %d refused, %d partly stored (lenient); no 5xx%n",
                outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
        stillHealthy(3);
    }

    /** outcomes: [stored whole, replays, refused, stored in part]. */
    private static void send(String name, String type, String query, byte[] body, int[] outcomes) {
        long versions = versions();
        long storedFeeds = service.scalar("SELECT count(*) FROM feed WHERE status <> 'rejected'");
        Api.Response r = api.post("/api/v1/feeds" + query, ADMIN, type, body);
        String shown = name + ": " + r.status() + " " + r.text().substring(0, Math.min(400, r.text().length()));
        assertTrue(r.status() < 500, shown);
        JsonObject json;
        try {
            json = r.json();
        } catch (RuntimeException e) {
            fail(shown + ": not a JSON object");
            return;
        }
        if (r.status() >= 400) {
            assertTrue(json.getString("error", "").matches("[a-z_]+"), shown);
            for (String field : new String[]{"message", "messageZh", "messageEn"}) {
                assertTrue(!json.getString(field, "").isBlank(), shown + ": no " + field);
            }
            if (json.containsKey("feedId")) {
                // A refused feed's record: status rejected, and the rows that caused it.
                assertEquals("rejected", json.getString("status"), shown);
                JsonArray errors = json.getJsonArray("errors");
                assertTrue(!errors.isEmpty(), shown);
                for (int e = 0; e < errors.size(); e++) {
                    JsonObject error = errors.getJsonObject(e);
                    assertTrue(error.getLong("row") >= 1 && error.getString("code").matches("[a-z_]+"), shown + ": " + error);
                }
            }
            assertEquals(versions, versions(), shown + ": refused but stored observations");
            assertEquals(storedFeeds, service.scalar("SELECT count(*) FROM feed WHERE status <> 'rejected'"), shown);
            outcomes[2]++;
            return;
        }
        if (r.status() == 200) {
            assertNotNull(json.getLong("duplicateOf"), shown + ": a 200 is a replay");
            assertEquals(versions, versions(), shown + ": a replay stores nothing");
            outcomes[1]++;
            return;
        }
        assertEquals(201, r.status(), shown);
        long written = json.getLong("inserted") + json.getLong("revised");
        assertEquals(json.getLong("rows") - json.getLong("rejected"), written + json.getLong("unchanged"), shown);
        assertEquals(versions + written, versions(), shown + ": versions written vs counted");
        assertEquals(written, service.scalar("SELECT count(*) FROM observation_version WHERE feed_id = " + json.getLong("feedId")), shown);
        if (query.isEmpty()) {
            assertEquals("accepted", json.getString("status"), shown);
            assertEquals(0, json.getLong("rejected"), shown);
            outcomes[0]++;
        } else {
            outcomes["partial".equals(json.getString("status")) ? 3 : 0]++;
        }
    }

    /** Ready, and a clean feed still goes in and reads back exactly. */
    private static void stillHealthy(int salt) {
        assertEquals(200, api.get("/ready", null).status());
        // Values no mutant can have stored: 90000 + row.
        String feed = SampleFeeds.csv(90_000 + salt * 1_000);
        Api.Response r = api.feed(ADMIN, feed, null);
        assertEquals(201, r.status(), r.toString());
        assertEquals(SampleFeeds.ROWS, r.json().getInteger("rows"));
        JsonArray read = api.get("/api/v1/platforms/FZ1/observations?indicator=tax_revenue&from=2024Q1&to=2024Q1", ADMIN).array("observations");
        assertEquals(0, new BigDecimal(90_000 + salt * 1_000).compareTo(new BigDecimal(read.getJsonObject(0).getValue("value").toString())), read.encode());
    }

    private static long versions() {
        return service.scalar("SELECT count(*) FROM observation_version");
    }
}
