package io.zonewatch.ranking;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-quality gate of a run (docs/domain.md section 4): values under an open critical data-error warning are
 * held, publication with open findings needs an override with a reason, and caps are said. Each test
 * has years of its own, so they run in any order on one service. The scheme dq_flat is
 * benchmark_ratio with tax_per_mu (w 60) and rd_intensity (w 40), minCoverage 0.5, no configured
 * benchmarks (the population mean after imputation is the benchmark), so
 * score = 60·tpm/mean(tpm) + 40·rd/mean(rd).
 */
class RankingDataQualityTest extends ServiceTest {
    private static final String HEADER = "platform_code,indicator_code,period,value\n";
    private static String bureau;

    @BeforeAll
    static void setUp() {
        service.platforms("""
                A1,一区,provincial,etdz,杭州市,,,
                A2,二区,provincial,etdz,宁波市,,,
                A3,三区,provincial,etdz,温州市,,,
                A4,四区,provincial,etdz,嘉兴市,,,
                A5,五区,provincial,etdz,湖州市,,,
                """);
        bureau = service.token("bureau", null);
        JsonObject scheme = new JsonObject()
                .put("name", "数据质量测试").put("method", "benchmark_ratio").put("minCoverage", 0.5)
                .put("monteCarlo", new JsonObject().put("runs", 0))
                .put("dimensions", new JsonArray().add(new JsonObject().put("code", "overall").put("name", "综合").put("weight", 100)
                        .put("indicators", new JsonArray()
                                .add(new JsonObject().put("indicator", "tax_per_mu").put("weight", 60).put("cap", 3))
                                .add(new JsonObject().put("indicator", "rd_intensity").put("weight", 40).put("cap", 3)))));
        Api.Response put = api.put("/api/v1/schemes/dq_flat", ADMIN, scheme);
        assertEquals(201, put.status(), put.toString());
        assertEquals(0, put.json().getJsonArray("warnings").size(), "every indicator is capped: nothing to warn about");
    }

    /** One platform's tax, land, R&D and revenue in one quarter (land 100 mu, revenue 1000). */
    private static String rows(String platform, String period, double tax, double rd) {
        return platform + ",tax_revenue," + period + "," + tax + "\n" + platform + ",land_area," + period + ",100\n"
                + platform + ",rd_expenditure," + period + "," + rd + "\n" + platform + ",operating_revenue," + period + ",1000\n";
    }

    private static void feed(String csv) {
        Api.Response r = api.feed(bureau, HEADER + csv, null);
        assertEquals(201, r.status(), r.toString());
        service.evaluateAlerts();
    }

    private static Map<String, JsonObject> byPlatform(JsonObject table) {
        return table.getJsonArray("entries").stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(e -> e.getString("platform"), e -> e));
    }

    private static JsonObject component(JsonObject platformRanking, String indicator) {
        return platformRanking.getJsonArray("breakdown").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("indicator").equals(indicator)).findFirst().orElseThrow();
    }

    private static long alertId(String rule, String platform, String period) {
        return service.scalar("SELECT id FROM alert WHERE rule = '" + rule + "' AND platform_code = '" + platform
                + "' AND indicator_code = 'tax_revenue' AND period = '" + period + "'");
    }

    @Test
    void aPlantedUnitErrorAndAYearToDateFallAreHeldAndImputed() {
        // Q1: every value half of Q2's, so nothing falls. In Q2, A1's tax is sent in 元 instead of 万元
        // (×10,000: suspect_unit) and A2's year-to-date tax falls below its Q1 value (ytd_decrease).
        feed(rows("A1", "2021Q1", 300, 10) + rows("A2", "2021Q1", 250, 5) + rows("A3", "2021Q1", 250, 7.5)
                + rows("A4", "2021Q1", 200, 5.5) + rows("A5", "2021Q1", 150, 2.5));
        feed(rows("A1", "2021Q2", 6_000_000, 20) + rows("A2", "2021Q2", 200, 10) + rows("A3", "2021Q2", 500, 15)
                + rows("A4", "2021Q2", 400, 11) + rows("A5", "2021Q2", 300, 5));
        long unit = alertId("suspect_unit", "A1", "2021-04-01");
        long fall = alertId("ytd_decrease", "A2", "2021-04-01");

        Api.Response r = api.post("/api/v1/rankings/2021/runs?scheme=dq_flat&quarter=2", bureau, null, new byte[0]);
        assertEquals(201, r.status(), r.toString());
        // Held tax_per_mu of A1 and A2 is imputed by the median of A3-A5 (5, 4, 3): 4. The benchmarks
        // are the means after imputation: tpm (4+4+5+4+3)/5 = 4; rd (2+1+1.5+1.1+0.5)/5 = 1.22.
        double rdMean = 6.1 / 5;
        Map<String, Double> expected = Map.of(
                "A1", 60 * 4 / 4.0 + 40 * 2.0 / rdMean,
                "A2", 60 * 4 / 4.0 + 40 * 1.0 / rdMean,
                "A3", 60 * 5 / 4.0 + 40 * 1.5 / rdMean,
                "A4", 60 * 4 / 4.0 + 40 * 1.1 / rdMean,
                "A5", 60 * 3 / 4.0 + 40 * 0.5 / rdMean);
        Map<String, JsonObject> e = byPlatform(r.json());
        expected.forEach((p, score) -> assertEquals(score, e.get(p).getDouble("score"), 1e-9, p));
        // 125.57, 124.18, 96.07, 92.79, 61.39: without the gate A1 had tpm 60,000 and a score in the thousands.
        assertEquals(1, e.get("A1").getInteger("rank"));
        assertEquals(2, e.get("A3").getInteger("rank"));
        assertEquals(3, e.get("A4").getInteger("rank"));
        assertEquals(4, e.get("A2").getInteger("rank"));
        assertEquals(5, e.get("A5").getInteger("rank"));
        assertEquals(1, e.get("A1").getJsonObject("flags").getInteger("held"));

        JsonObject dq = r.json().getJsonObject("dataQuality");
        assertEquals(new JsonObject().put("held", 2).put("imputed", 2).put("treated", 0).put("capped", 0).put("outliers", 0),
                dq.getJsonObject("counts"));
        assertEquals(1.0, dq.getDouble("reportingShare"));
        assertFalse(dq.getBoolean("incomplete"));
        JsonArray held = dq.getJsonArray("held");
        assertEquals(2, held.size());
        assertEquals(new JsonObject().put("platform", "A1").put("indicator", "tax_revenue").put("period", "2021Q2")
                .put("rule", "suspect_unit").put("alertId", unit).put("affects", new JsonArray().add("tax_per_mu")).put("ranked", true),
                held.getJsonObject(0));
        assertEquals("ytd_decrease", held.getJsonObject(1).getString("rule"));
        assertEquals(fall, held.getJsonObject(1).getLong("alertId"));
        assertEquals(new JsonArray().add("2 value(s) held under 2 open data-error warning(s), treated as missing (see dataQuality.held)"),
                r.json().getJsonArray("warnings"), "the run's warnings say what the gate did");

        // The platform's own view says why: held, by which warning, imputed, no raw value used.
        JsonObject a1 = api.get("/api/v1/platforms/A1/ranking?scheme=dq_flat&year=2021&quarter=2", bureau).json();
        JsonObject tpm = component(a1, "tax_per_mu");
        assertTrue(tpm.getBoolean("held"));
        assertEquals(unit, tpm.getLong("heldBy"));
        assertTrue(tpm.getBoolean("imputed"));
        assertNull(tpm.getValue("rawValue"));
        assertEquals(4.0, tpm.getDouble("value"), 1e-12);
        assertFalse(component(a1, "rd_intensity").getBoolean("held"));
        assertTrue(a1.getBoolean("provisional"));
        assertEquals(2, a1.getInteger("quarter"));
        assertEquals(1, a1.getJsonArray("heldValues").size());

        // Once the bureau corrects the value the warning resolves and the next run uses it.
        feed("A1,tax_revenue,2021Q2,600\n");
        JsonObject again = api.post("/api/v1/rankings/2021/runs?scheme=dq_flat&quarter=2", bureau, null, new byte[0]).json();
        assertEquals(1, again.getJsonObject("dataQuality").getJsonObject("counts").getInteger("held"), "A2's fall is still open");
        JsonObject corrected = component(api.get("/api/v1/platforms/A1/ranking?scheme=dq_flat&year=2021&quarter=2", bureau).json(), "tax_per_mu");
        assertFalse(corrected.getBoolean("held"));
        assertEquals(6.0, corrected.getDouble("rawValue"), 1e-12);
    }

    @Test
    void aYearEndRunWithAHeldValueIsPublishedOnlyWithAnOverrideAndItsReason() {
        feed(rows("A1", "2022Q3", 900, 30) + rows("A2", "2022Q3", 600, 20) + rows("A3", "2022Q3", 700, 25)
                + rows("A4", "2022Q3", 800, 15) + rows("A5", "2022Q3", 500, 10));
        feed(rows("A1", "2022Q4", 12_000_000, 40) + rows("A2", "2022Q4", 800, 30) + rows("A3", "2022Q4", 1000, 30)
                + rows("A4", "2022Q4", 1100, 20) + rows("A5", "2022Q4", 700, 15));
        long unit = alertId("suspect_unit", "A1", "2022-10-01");
        Api.Response run = api.post("/api/v1/rankings/2022/runs?scheme=dq_flat", bureau, null, new byte[0]);
        assertEquals(201, run.status(), run.toString());
        long runId = run.json().getLong("runId");
        String publish = "/api/v1/rankings/2022/runs/" + runId + "/publish";

        Api.Response refused = api.post(publish, ADMIN, null, new byte[0]);
        assertEquals(409, refused.status(), refused.toString());
        assertEquals("data_quality_open", refused.json().getString("error"));
        assertEquals(1, refused.json().getJsonArray("held").size());
        assertEquals(unit, refused.json().getJsonArray("held").getJsonObject(0).getLong("alertId"));
        assertEquals(0, service.scalar("SELECT count(*) FROM ranking_run WHERE id = " + runId + " AND published_at IS NOT NULL"));

        assertEquals("override_reason_required", api.postJson(publish, ADMIN, new JsonObject().put("override", true)).json().getString("error"));
        assertEquals("unknown_field", api.postJson(publish, ADMIN, new JsonObject().put("overide", true)).json().getString("error"));
        String reason = "一区税收已电话核实为元单位误报，更正件在途；排名按插补值发布";
        Api.Response ok = api.postJson(publish, ADMIN, new JsonObject().put("override", true).put("reason", reason));
        assertEquals(200, ok.status(), ok.toString());
        assertTrue(ok.json().getBoolean("published"));
        assertEquals(reason, ok.json().getJsonObject("override").getString("reason"));
        assertNotNull(ok.json().getJsonObject("override").getString("by"));
        assertNotNull(ok.json().getJsonObject("override").getString("at"));
        assertEquals(reason, service.text("SELECT details ->> 'reason' FROM audit_log WHERE action = 'ranking.publish' AND subject = 'run:" + runId + "'"));
        // The table and the platform's page carry the override.
        assertEquals(reason, api.get("/api/v1/rankings/2022?scheme=dq_flat", bureau).json().getJsonObject("override").getString("reason"));
        assertEquals(reason, api.get("/api/v1/platforms/A3/ranking?scheme=dq_flat&year=2022", bureau).json()
                .getJsonObject("override").getString("reason"));
    }

    @Test
    void aDataErrorRaisedAfterTheSnapshotAlsoBlocksPublication() {
        feed(rows("A1", "2020Q3", 900, 30) + rows("A2", "2020Q3", 600, 20) + rows("A3", "2020Q3", 700, 25)
                + rows("A4", "2020Q3", 800, 15) + rows("A5", "2020Q3", 500, 10));
        feed(rows("A1", "2020Q4", 1200, 40) + rows("A2", "2020Q4", 800, 30) + rows("A3", "2020Q4", 1000, 30)
                + rows("A4", "2020Q4", 1100, 20) + rows("A5", "2020Q4", 700, 15));
        Api.Response run = api.post("/api/v1/rankings/2020/runs?scheme=dq_flat", bureau, null, new byte[0]);
        assertEquals(0, run.json().getJsonObject("dataQuality").getJsonArray("held").size());
        long runId = run.json().getLong("runId");
        // After the run: a revision sends A3's Q4 R&D in 元.
        feed("A3,rd_expenditure,2020Q4,300000\n");
        Api.Response refused = api.post("/api/v1/rankings/2020/runs/" + runId + "/publish", ADMIN, null, new byte[0]);
        assertEquals(409, refused.status(), refused.toString());
        JsonObject later = refused.json().getJsonArray("raisedAfterSnapshot").getJsonObject(0);
        assertEquals("A3", later.getString("platform"));
        assertEquals("rd_expenditure", later.getString("indicator"));
        assertEquals("suspect_unit", later.getString("rule"));
        assertEquals(0, refused.json().getJsonArray("held").size());
    }

    @Test
    void aDataErrorOnAValueTheRunDoesNotReadDoesNotBlockPublication() {
        // A2's 2017Q4 tax is sent in 元 (an open critical suspect_unit warning) and never corrected.
        // The 2018 year-end run ranks on ratios of 2018Q4 only: nothing it read is in doubt.
        feed(rows("A1", "2017Q3", 900, 30) + rows("A2", "2017Q3", 600, 20) + rows("A3", "2017Q3", 700, 25)
                + rows("A4", "2017Q3", 800, 15) + rows("A5", "2017Q3", 500, 10));
        feed(rows("A1", "2017Q4", 1200, 40) + rows("A2", "2017Q4", 8_000_000, 30) + rows("A3", "2017Q4", 1000, 30)
                + rows("A4", "2017Q4", 1100, 20) + rows("A5", "2017Q4", 700, 15));
        long old = alertId("suspect_unit", "A2", "2017-10-01");
        assertEquals("open", service.text("SELECT state FROM alert WHERE id = " + old));
        feed(rows("A1", "2018Q3", 900, 30) + rows("A2", "2018Q3", 600, 20) + rows("A3", "2018Q3", 700, 25)
                + rows("A4", "2018Q3", 800, 15) + rows("A5", "2018Q3", 500, 10));
        feed(rows("A1", "2018Q4", 1200, 40) + rows("A2", "2018Q4", 800, 30) + rows("A3", "2018Q4", 1000, 30)
                + rows("A4", "2018Q4", 1100, 20) + rows("A5", "2018Q4", 700, 15));
        Api.Response run = api.post("/api/v1/rankings/2018/runs?scheme=dq_flat", bureau, null, new byte[0]);
        assertEquals(201, run.status(), run.toString());
        assertEquals(0, run.json().getJsonObject("dataQuality").getJsonArray("held").size());
        long runId = run.json().getLong("runId");

        // An override asked for where nothing is open: published plainly, the request kept in the audit trail.
        Api.Response published = api.postJson("/api/v1/rankings/2018/runs/" + runId + "/publish", ADMIN,
                new JsonObject().put("override", true).put("reason", "以防万一"));
        assertEquals(200, published.status(), published.toString());
        assertNull(published.json().getValue("override"), published.toString());
        assertNull(api.get("/api/v1/rankings/2018/runs/" + runId, bureau).json().getValue("override"));
        assertEquals("以防万一", service.text("SELECT details ->> 'requestedReason' FROM audit_log WHERE action = 'ranking.publish'"
                + " AND subject = 'run:" + runId + "'"));
        assertEquals("[]", service.text("SELECT details ->> 'raisedAfterSnapshot' FROM audit_log WHERE action = 'ranking.publish'"
                + " AND subject = 'run:" + runId + "'"));
    }

    @Test
    void anIndicatorFarAboveItsBenchmarkIsCappedAndTheBreakdownSaysSo() {
        // A benchmark of 10 for tax_per_mu in 2019 and a cap of 2: A1's tpm 41 is 4.1 × the benchmark
        // and normalised to 200, not 410 (mu_benefit v2's rule).
        JsonObject capped = new JsonObject()
                .put("name", "封顶测试").put("method", "benchmark_ratio").put("minCoverage", 0.5)
                .put("monteCarlo", new JsonObject().put("runs", 0))
                .put("dimensions", new JsonArray().add(new JsonObject().put("code", "overall").put("name", "综合").put("weight", 100)
                        .put("indicators", new JsonArray()
                                .add(new JsonObject().put("indicator", "tax_per_mu").put("weight", 60).put("cap", 2)
                                        .put("benchmarks", new JsonObject().put("2019", 10)))
                                .add(new JsonObject().put("indicator", "rd_intensity").put("weight", 40)
                                        .put("benchmarks", new JsonObject().put("2019", 2))))));
        Api.Response put = api.put("/api/v1/schemes/dq_capped", ADMIN, capped);
        assertEquals(201, put.status(), put.toString());
        JsonArray warnings = put.json().getJsonArray("warnings");
        assertEquals(1, warnings.size(), "rd_intensity has no cap: warned, not refused");
        assertEquals("uncapped_indicator", warnings.getJsonObject(0).getString("code"));
        assertEquals("rd_intensity", warnings.getJsonObject(0).getString("indicator"));

        feed(rows("A1", "2019Q4", 4100, 20) + rows("A2", "2019Q4", 1000, 20) + rows("A3", "2019Q4", 900, 20)
                + rows("A4", "2019Q4", 800, 20) + rows("A5", "2019Q4", 700, 20));
        Api.Response run = api.post("/api/v1/rankings/2019/runs?scheme=dq_capped", bureau, null, new byte[0]);
        assertEquals(201, run.status(), run.toString());
        JsonObject tpm = component(api.get("/api/v1/platforms/A1/ranking?scheme=dq_capped&year=2019", bureau).json(), "tax_per_mu");
        assertEquals(41.0, tpm.getDouble("value"), 1e-12);
        assertEquals(200.0, tpm.getDouble("normalized"), 1e-12);
        assertTrue(tpm.getBoolean("capped"));
        // score = 0.6·200 + 0.4·100·(2/2) = 160
        assertEquals(160.0, byPlatform(run.json()).get("A1").getDouble("score"), 1e-9);
        assertFalse(component(api.get("/api/v1/platforms/A2/ranking?scheme=dq_capped&year=2019", bureau).json(), "tax_per_mu")
                .getBoolean("capped"));
        assertEquals(1, run.json().getJsonObject("dataQuality").getJsonObject("counts").getInteger("capped"));
        assertEquals(new JsonArray().add("1 value(s) capped at the scheme's cap"), run.json().getJsonArray("warnings"));
    }

    @Test
    void muBenefitVersionTwoCapsEveryIndicatorAtTwoAndVersionOneStaysAsItWas() {
        JsonObject current = api.get("/api/v1/schemes/mu_benefit", bureau).json();
        assertEquals(2, current.getInteger("version"));
        JsonArray indicators = current.getJsonArray("dimensions").getJsonObject(0).getJsonArray("indicators");
        assertEquals(6, indicators.size());
        indicators.forEach(i -> assertEquals(2.0, ((JsonObject) i).getDouble("cap"), ((JsonObject) i).getString("indicator")));
        JsonObject v1 = api.get("/api/v1/schemes/mu_benefit?version=1", bureau).json();
        v1.getJsonArray("dimensions").getJsonObject(0).getJsonArray("indicators")
                .forEach(i -> assertNull(((JsonObject) i).getValue("cap"), "version 1 had no caps"));
        assertEquals(400, api.get("/api/v1/schemes/mu_benefit?verison=1", bureau).status(), "a misspelt parameter is refused");
    }
}
