package io.zonewatch.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /platforms/{code}/progress: 序时进度 per target and quarter, with the warning rule's arithmetic
 * (lag = q/4 − actual/target in points, reversed for energy) and thresholds (> 10 warning, > 30 critical).
 */
class ProgressApiTest extends ServiceTest {
    private static String p1Token;

    @BeforeAll
    static void setUp() {
        service.platforms("""
                P1,一区,provincial,etdz,杭州市,,,
                P2,二区,provincial,etdz,宁波市,,,
                """);
        String bureau = service.token("bureau", null);
        p1Token = service.token("platform", "P1");
        // Tax target 1000: Q1 250 (on schedule), Q2 300 (50 % expected, 30 % done: 20 points behind),
        // Q3 400 (75 % expected, 40 % done: 35 behind). Energy target 100 (lower is better): Q1 40 is
        // 15 points over the 25 % the quarter allows.
        Api.Response feed = api.feed(bureau, "platform_code,indicator_code,period,value\n"
                + "P1,tax_revenue,2025Q1,250\nP1,tax_revenue,2025Q2,300\nP1,tax_revenue,2025Q3,400\n"
                + "P1,energy_consumption,2025Q1,40\nP2,tax_revenue,2025Q1,1\n", null);
        assertEquals(201, feed.status(), feed.toString());
        Api.Response targets = api.post("/api/v1/targets", bureau, "text/csv",
                "platform_code,indicator_code,year,value\nP1,tax_revenue,2025,1000\nP1,energy_consumption,2025,100\n"
                        + "P1,operating_revenue,2025,500\nP1,tax_revenue,2024,900\n");
        assertEquals(200, targets.status(), targets.toString());
    }

    private static JsonObject indicator(JsonObject body, String code) {
        return body.getJsonArray("indicators").stream().map(JsonObject.class::cast)
                .filter(i -> i.getString("indicator").equals(code)).findFirst().orElseThrow();
    }

    @Test
    void lagPerQuarterByTheRulesArithmeticAndThresholds() {
        Api.Response r = api.get("/api/v1/platforms/P1/progress?year=2025", p1Token);
        assertEquals(200, r.status(), r.toString());
        JsonObject body = r.json();
        assertEquals("P1", body.getString("platform"));
        assertEquals(2025, body.getInteger("year"));
        assertEquals(3, body.getJsonArray("indicators").size(), "one entry per target of the year");

        JsonObject tax = indicator(body, "tax_revenue");
        assertEquals(1000.0, tax.getDouble("target"));
        assertEquals("higher", tax.getString("better"));
        assertEquals(10.0, tax.getDouble("warning"));
        assertEquals(30.0, tax.getDouble("critical"));
        JsonArray q = tax.getJsonArray("quarters");
        assertEquals(3, q.size());
        assertEquals(new JsonObject().put("period", "2025Q1").put("quarter", 1).put("actual", 250.0).put("progressPct", 25.0)
                .put("expectedPct", 25.0).put("lag", 0.0).put("severity", null), q.getJsonObject(0));
        assertEquals(20.0, q.getJsonObject(1).getDouble("lag"), 1e-9);
        assertEquals("warning", q.getJsonObject(1).getString("severity"));
        assertEquals(35.0, q.getJsonObject(2).getDouble("lag"), 1e-9);
        assertEquals("critical", q.getJsonObject(2).getString("severity"));

        JsonObject energy = indicator(body, "energy_consumption");
        assertEquals("lower", energy.getString("better"));
        assertEquals(15.0, energy.getJsonArray("quarters").getJsonObject(0).getDouble("lag"), 1e-9, "ahead of the allowance is a lag for energy");
        assertEquals("warning", energy.getJsonArray("quarters").getJsonObject(0).getString("severity"));

        assertTrue(indicator(body, "operating_revenue").getJsonArray("quarters").isEmpty(), "a target without values yet");
    }

    @Test
    void theSameNumbersAsTheWarningRule() {
        service.evaluateAlerts();
        JsonArray alerts = api.get("/api/v1/me/alerts?rule=target_progress", p1Token).json().getJsonArray("alerts");
        JsonObject q3 = alerts.stream().map(JsonObject.class::cast).filter(a -> a.getString("period").equals("2025Q3")).findFirst().orElseThrow();
        JsonObject progress = api.get("/api/v1/platforms/P1/progress?year=2025", p1Token).json();
        JsonObject quarter = indicator(progress, "tax_revenue").getJsonArray("quarters").getJsonObject(2);
        assertEquals(q3.getDouble("deviation"), quarter.getDouble("lag"));
        assertEquals(q3.getString("severity"), quarter.getString("severity"));
    }

    @Test
    void theLatestYearWithTargetsByDefaultAndAnEmptyYear() {
        assertEquals(2025, api.get("/api/v1/platforms/P1/progress", p1Token).json().getInteger("year"));
        JsonObject y2024 = api.get("/api/v1/platforms/P1/progress?year=2024", p1Token).json();
        assertEquals(1, y2024.getJsonArray("indicators").size());
        assertTrue(indicator(y2024, "tax_revenue").getJsonArray("quarters").isEmpty());
        JsonObject none = api.get("/api/v1/platforms/P2/progress", ADMIN).json();
        assertNull(none.getInteger("year"));
        assertTrue(none.getJsonArray("indicators").isEmpty());
    }

    @Test
    void ownCodeOnlyAndCleanErrors() {
        Api.Response other = api.get("/api/v1/platforms/P2/progress", p1Token);
        assertEquals(403, other.status());
        Api.Response unknown = api.get("/api/v1/platforms/NOPE/progress", ADMIN);
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.json().getString("error"));
        Api.Response badYear = api.get("/api/v1/platforms/P1/progress?year=20x5", p1Token);
        assertEquals(400, badYear.status());
        assertEquals("bad_parameter", badYear.json().getString("error"));
        assertTrue(badYear.json().getString("messageZh").contains("year"), badYear.toString());
        Api.Response extra = api.get("/api/v1/platforms/P1/progress?yaer=2025", p1Token);
        assertEquals(400, extra.status());
        assertEquals("unknown_parameter", extra.json().getString("error"));
    }
}
