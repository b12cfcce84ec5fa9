package io.zonewatch.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 10, the smaller holes: a JSON number no decimal can hold, keys given twice, a
 * platform reading a ranking run before it is published, digits other than 0-9, names with
 * text-direction overrides, and the response headers that keep the page from being sniffed or framed.
 */
class SmallHolesTest extends ServiceTest {
    private static final String HEADER = "platform_code,indicator_code,period,value\n";

    @BeforeAll
    static void setUp() {
        service.platforms("SH1,甲区,provincial,etdz,杭州市,,,\nSH2,乙区,provincial,etdz,宁波市,,,\n");
    }

    private static Api.Response json(String path, String method, String body) {
        return method.equals("PUT") ? api.putRaw(path, ADMIN, "application/json", body) : api.post(path, ADMIN, "application/json", body);
    }

    @Test
    void aJsonNumberNoDecimalCanHoldIsARowError() {
        Api.Response r = json("/api/v1/feeds", "POST",
                "{\"observations\":[{\"platform\":\"SH1\",\"indicator\":\"employees\",\"period\":\"2024Q1\",\"value\":1e2147483648},"
                        + "{\"platform\":\"SH1\",\"indicator\":\"employees\",\"period\":\"2024Q2\",\"value\":12}]}");
        assertEquals(422, r.status(), r.toString());
        JsonObject error = r.json().getJsonArray("errors").getJsonObject(0);
        assertEquals(1, error.getLong("row"));
        assertEquals("out_of_range", error.getString("code"));
        Api.Response lenient = api.post("/api/v1/feeds?mode=lenient", ADMIN, "application/json",
                "{\"observations\":[{\"platform\":\"SH1\",\"indicator\":\"employees\",\"period\":\"2024Q1\",\"value\":-1e-2147483649},"
                        + "{\"platform\":\"SH1\",\"indicator\":\"employees\",\"period\":\"2024Q2\",\"value\":12.50}]}");
        assertEquals(201, lenient.status(), lenient.toString());
        assertEquals(1, lenient.json().getInteger("inserted"));
        assertEquals("12.5", service.text("SELECT value::text FROM observation_current WHERE platform_code = 'SH1' AND period = '2024-04-01'"),
                "a number written in JSON keeps its exact decimal value");
    }

    @Test
    void aKeyGivenTwiceIsRefusedNotLastWins() {
        Api.Response row = json("/api/v1/feeds", "POST",
                "{\"observations\":[{\"platform\":\"SH1\",\"indicator\":\"employees\",\"period\":\"2024Q3\",\"value\":1,\"value\":2}]}");
        assertEquals(422, row.status(), row.toString());
        assertEquals("duplicate_field", row.json().getJsonArray("errors").getJsonObject(0).getString("code"));
        Api.Response top = json("/api/v1/feeds", "POST",
                "{\"observations\":[{\"platform\":\"SH1\",\"indicator\":\"employees\",\"period\":\"2024Q3\",\"value\":1}],\"observations\":[]}");
        assertEquals(422, top.status(), top.toString());
        assertEquals("duplicate_field", top.json().getString("error"));
        assertEquals(0, service.scalar("SELECT count(*) FROM observation_current WHERE period = '2024-07-01'"));

        Api.Response platform = json("/api/v1/platforms/SH9", "PUT",
                "{\"name\":\"甲区\",\"name\":\"乙区\",\"level\":\"county\",\"type\":\"other\",\"region\":\"衢州市\"}");
        assertEquals(400, platform.status(), platform.toString());
        assertEquals("duplicate_field", platform.json().getString("error"));
        assertTrue(platform.json().getString("messageEn").contains("'name'"));
        Api.Response token = json("/api/v1/tokens", "POST", "{\"role\":\"leader\",\"role\":\"admin\"}");
        assertEquals(400, token.status(), token.toString());
        assertEquals("duplicate_field", token.json().getString("error"));
        Api.Response targets = json("/api/v1/targets", "POST",
                "{\"targets\":[{\"platform\":\"SH1\",\"indicator\":\"tax_revenue\",\"year\":2025,\"value\":1,\"value\":9}]}");
        assertEquals(400, targets.status(), targets.toString());
        assertEquals(404, api.get("/api/v1/platforms/SH9", ADMIN).status(), "nothing stored");
    }

    @Test
    void digitsOtherThanAsciiAreRefusedInTargetsAsInFeeds() {
        for (String[] bad : List.of(new String[]{"１００", "2025", "value"}, new String[]{"١٠٠", "2025", "value"},
                new String[]{"100", "２０２５", "year"})) {
            Api.Response r = api.post("/api/v1/targets", ADMIN, "text/csv",
                    "platform_code,indicator_code,year,value\nSH1,tax_revenue," + bad[1] + "," + bad[0] + "\n");
            assertEquals(422, r.status(), r.toString());
            JsonObject e = r.json().getJsonArray("errors").getJsonObject(0);
            assertEquals(bad[2], e.getString("column"), r.toString());
            assertEquals(bad[2].equals("year") ? "bad_year" : "not_a_number", e.getString("code"));
        }
        Api.Response fullWidth = api.post("/api/v1/targets", ADMIN, "text/csv", "platform_code,indicator_code,year,value\nSH1,tax_revenue,2025,１００\n");
        assertTrue(fullWidth.json().getJsonArray("errors").getJsonObject(0).getString("messageEn").contains("0-9"), fullWidth.toString());
        Api.Response feed = api.feed(ADMIN, HEADER + "SH1,employees,2024Q4,１００\n", null);
        assertEquals(422, feed.status());
        assertEquals("not_a_number", feed.json().getJsonArray("errors").getJsonObject(0).getString("code"));
        assertEquals(0, service.scalar("SELECT count(*) FROM target_version"));
        assertEquals(200, api.post("/api/v1/targets", ADMIN, "text/csv", "platform_code,indicator_code,year,value\nSH1,tax_revenue,2025,100\n").status());
    }

    @Test
    void namesWithTextDirectionOverridesAreRefused() {
        String spoofed = "甲\u202E区";
        Api.Response bulk = api.post("/api/v1/platforms", ADMIN, "text/csv", "code,name,level,type,region\nSH3," + spoofed + ",county,other,衢州市\n");
        assertEquals(422, bulk.status(), bulk.toString());
        assertEquals("bad_characters", bulk.json().getString("error"));
        assertTrue(bulk.json().getString("messageEn").contains("U+202E"));
        Api.Response put = api.put("/api/v1/platforms/SH3", ADMIN, new JsonObject().put("name", "区").put("level", "county")
                .put("type", "other").put("region", "衢州\u2066市"));
        assertEquals(422, put.status(), put.toString());
        Api.Response token = api.postJson("/api/v1/tokens", ADMIN, new JsonObject().put("role", "leader").put("name", "领导\u202D"));
        assertEquals(422, token.status(), token.toString());
        assertEquals("bad_characters", token.json().getString("error"));
        String before = api.get("/api/v1/indicators/employees", ADMIN).json().getString("name");
        JsonObject indicator = api.get("/api/v1/indicators/employees", ADMIN).json().put("name", "从业\u200F人员");
        Api.Response ind = api.put("/api/v1/indicators/employees", ADMIN, indicator);
        assertEquals(422, ind.status(), ind.toString());
        assertEquals(before, api.get("/api/v1/indicators/employees", ADMIN).json().getString("name"), "unchanged");
        assertEquals(404, api.get("/api/v1/platforms/SH3", ADMIN).status());
    }

    @Test
    void aPlatformSeesAYearEndRunOnlyOnceItIsPublished() {
        JsonObject scheme = new JsonObject().put("name", "小方案").put("method", "benchmark_ratio").put("minCoverage", 0.5)
                .put("classes", new JsonObject().put("mode", "percent").put("A", 0.25).put("B", 0.70).put("C", 0.95))
                .put("monteCarlo", new JsonObject().put("runs", 0).put("seed", 1).put("spread", 0.1))
                .put("dimensions", new JsonArray().add(new JsonObject().put("code", "all").put("name", "综合").put("weight", 100)
                        .put("indicators", new JsonArray().add(new JsonObject().put("indicator", "tax_per_mu").put("weight", 100)
                                .put("benchmarks", new JsonObject().put("2023", 10))))));
        assertEquals(201, api.put("/api/v1/schemes/holes", ADMIN, scheme).status());
        assertEquals(201, api.feed(ADMIN, HEADER + "SH1,tax_revenue,2023Q4,1000\nSH1,land_area,2023Q4,100\n"
                + "SH2,tax_revenue,2023Q4,500\nSH2,land_area,2023Q4,100\n", null).status());
        Api.Response computed = api.post("/api/v1/rankings/2023/runs?scheme=holes", ADMIN, null, new byte[0]);
        assertEquals(201, computed.status(), computed.toString());
        long run = computed.json().getLong("runId");
        String platform = service.token("platform", "SH1");
        String bureau = service.token("bureau", null);

        assertEquals(200, api.get("/api/v1/rankings/2023/runs/" + run, bureau).status(), "the bureau sees the draft");
        assertEquals(404, api.get("/api/v1/rankings/2023/runs/" + run, platform).status(), "a platform does not");
        assertEquals(200, api.get("/api/v1/rankings/2023?scheme=holes", bureau).status());
        assertEquals(404, api.get("/api/v1/rankings/2023?scheme=holes", platform).status());
        assertEquals(404, api.get("/api/v1/me/ranking?scheme=holes&year=2023", platform).status());

        assertEquals(200, api.post("/api/v1/rankings/2023/runs/" + run + "/publish", ADMIN, null, new byte[0]).status());
        assertEquals(200, api.get("/api/v1/rankings/2023/runs/" + run, platform).status());
        assertEquals(200, api.get("/api/v1/rankings/2023?scheme=holes", platform).status());
        Api.Response mine = api.get("/api/v1/me/ranking?scheme=holes&year=2023", platform);
        assertEquals(200, mine.status(), mine.toString());
        assertTrue(mine.json().getBoolean("published"));
    }

    @Test
    void responsesAreNotSniffedSendNoReferrerAndThePageIsNeverFramed() {
        Api.Response data = api.get("/api/v1/platforms", ADMIN);
        Api.Response page = api.get("/platform", null);
        Api.Response refused = api.get("/api/v1/platforms", null);
        for (Api.Response r : List.of(data, page, refused)) {
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), r.toString());
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null));
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null));
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        }
        assertEquals(200, page.status());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertFalse(data.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src"));
    }
}
