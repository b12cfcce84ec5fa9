package io.zonewatch.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A planted case per rule fires with the right severity and numbers, a near miss next to it does not;
 * corrections resolve, acknowledgements stick, platforms see only their own. "Today" is 15 February 2026.
 * The cases planted at the start (H1..H9) are only read; a test that feeds, acknowledges, sets targets or
 * changes a rule does so on platforms of its own (type other, too few to be peers), and puts a rule back.
 */
class AlertApiTest {
    private static final String HEADER = "platform_code,indicator_code,period,value\n";
    private static TestService service;
    private static Api api;
    private static String bureau;
    private static String h1Token;

    @BeforeAll
    static void start() {
        // The push on (to a Grafana nobody answers at): these tests look at what the outbox queues.
        service = TestService.start(Map.of(io.zonewatch.config.Config.GRAFANA_URL, "http://127.0.0.1:" + io.zonewatch.testing.Ports.free(),
                io.zonewatch.config.Config.GRAFANA_TOKEN, "glsa_unused"), Clock.fixed(Instant.parse("2026-02-15T02:00:00Z"), ZoneOffset.UTC));
        api = service.api;
        StringBuilder platforms = new StringBuilder();
        for (int i = 1; i <= 9; i++) platforms.append("H").append(i).append(",高新区").append(i).append(",provincial,hitech,宁波市,,,\n");
        service.platforms(platforms.toString());
        bureau = service.token("bureau", null);
        h1Token = service.token("platform", "H1");

        StringBuilder feed = new StringBuilder(HEADER);
        // R&D intensity 2025Q1 for the nine hi-tech zones: 1..8 % and H9 at 20 %: median 5, MAD 2, z(H9) = 5.06
        for (int i = 1; i <= 9; i++) {
            feed.append("H").append(i).append(",operating_revenue,2025Q1,1000\n");
            feed.append("H").append(i).append(",rd_expenditure,2025Q1,").append(i == 9 ? 200 : i * 10).append("\n");
        }
        feed.append("""
                H1,fixed_asset_investment,2025Q3,304
                H2,fixed_asset_investment,2025Q3,650
                H3,tax_revenue,2024Q2,100
                H3,tax_revenue,2025Q2,75
                H4,tax_revenue,2024Q2,100
                H4,tax_revenue,2025Q2,90.5
                H5,industrial_value_added,2025Q1,700
                H5,industrial_value_added,2025Q2,7000000
                H6,industrial_value_added,2025Q1,1
                H6,industrial_value_added,2025Q2,999
                H7,tax_revenue,2025Q2,50
                H7,tax_revenue,2025Q3,40
                H8,tax_revenue,2025Q2,50
                H8,tax_revenue,2025Q3,50
                """);
        assertEquals(201, api.feed(bureau, feed.toString(), null).status());
        Api.Response targets = api.post("/api/v1/targets", bureau, "text/csv",
                "platform_code,indicator_code,year,value\nH1,fixed_asset_investment,2025,1000\nH2,fixed_asset_investment,2025,1000\n");
        assertEquals(200, targets.status(), targets.toString());
        service.evaluateAlerts();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static List<JsonObject> alerts(String query, String token) {
        Api.Response r = api.get("/api/v1/alerts?" + query, token);
        assertEquals(200, r.status(), r.toString());
        return r.json().getJsonArray("alerts").stream().map(JsonObject.class::cast).toList();
    }

    private static JsonObject only(String rule, String platform) {
        List<JsonObject> list = alerts("rule=" + rule + "&platform=" + platform, ADMIN);
        assertEquals(1, list.size(), rule + " " + platform + ": " + list);
        return list.get(0);
    }

    @Test
    void targetProgress() {
        JsonObject a = only("target_progress", "H1");
        assertEquals("critical", a.getString("severity"));
        assertEquals("2025Q3", a.getString("period"));
        assertEquals(44.6, a.getDouble("deviation"), 1e-9);
        assertEquals(1000, a.getDouble("reference"), 0);
        assertEquals("2025年1-9月固定资产投资完成年度目标30.4%，落后序时进度44.6个百分点", a.getJsonObject("message").getString("zh"));
        assertTrue(alerts("rule=target_progress&platform=H2", ADMIN).isEmpty(), "lag exactly 10 points: near miss");
    }

    @Test
    void yearOnYear() {
        JsonObject a = alerts("rule=yoy_change&platform=H3&indicator=tax_revenue", ADMIN).get(0);
        assertEquals("critical", a.getString("severity"));
        assertEquals(-25, a.getDouble("deviation"), 1e-9);
        assertTrue(alerts("rule=yoy_change&platform=H4&indicator=tax_revenue", ADMIN).isEmpty(), "−9.5 %: near miss");
    }

    @Test
    void suspectUnitAndYtdDecrease() {
        JsonObject unit = only("suspect_unit", "H5");
        assertEquals("critical", unit.getString("severity"));
        assertEquals(10000, unit.getDouble("deviation"), 1e-9);
        assertTrue(alerts("rule=suspect_unit&platform=H6", ADMIN).isEmpty(), "999×: near miss");
        JsonObject fall = only("ytd_decrease", "H7");
        assertEquals("critical", fall.getString("severity"));
        assertEquals(-10, fall.getDouble("deviation"), 1e-9);
        assertTrue(alerts("rule=ytd_decrease&platform=H8", ADMIN).isEmpty(), "equal YTD: near miss");
    }

    @Test
    void peerOutlierAmongNineHiTechZones() {
        JsonObject a = alerts("rule=peer_outlier&platform=H9&indicator=rd_intensity", ADMIN).get(0);
        assertEquals("warning", a.getString("severity"));
        assertEquals(0.6745 * 15 / 2, a.getDouble("deviation"), 1e-9);
        assertEquals(5, a.getDouble("reference"), 1e-9);
        assertEquals(1, alerts("rule=peer_outlier&indicator=rd_intensity", ADMIN).size());
    }

    @Test
    void peerRulesIgnoreGroupsUnderEight() {
        service.platforms("E1,经开区1,provincial,etdz,杭州市,,,\nE2,经开区2,provincial,etdz,杭州市,,,\n");
        assertEquals(201, api.feed(bureau, HEADER + "E1,operating_revenue,2025Q1,1000\nE1,rd_expenditure,2025Q1,10\n"
                + "E2,operating_revenue,2025Q1,1000\nE2,rd_expenditure,2025Q1,900\n", null).status());
        service.evaluateAlerts();
        assertTrue(alerts("rule=peer_outlier&platform=E2", ADMIN).isEmpty());
    }

    @Test
    void missingSubmissionAfterTheGracePeriod() {
        // 2025Q3 ended 30 September: by 15 February the grace period of 25 days has passed. H9 reported
        // in the four quarters before (2025Q1) and others reported for 2025Q3, H9 did not.
        service.zoneWatch.alerts().sweepMissing().toCompletionStage().toCompletableFuture().join();
        JsonObject a = alerts("rule=missing_submission&platform=H9&from=2025Q3&to=2025Q3", ADMIN).get(0);
        assertEquals("warning", a.getString("severity"));
        assertNull(a.getValue("indicator"));
        assertEquals(12, a.getDouble("deviation"), 0, "all twelve base indicators missing");
        assertTrue(a.getJsonObject("message").getString("zh").startsWith("2025年第3季度未按时报送：缺少12项基础指标"));
    }

    @Test
    void aCorrectionResolvesAndQueuesTheGrafanaUpdate() {
        // C1 as H7: year-to-date tax falls from 50 to 40
        service.platforms("C1,更正区,provincial,other,宁波市,,,\n");
        assertEquals(201, api.feed(bureau, HEADER + "C1,tax_revenue,2025Q2,50\nC1,tax_revenue,2025Q3,40\n", null).status());
        service.evaluateAlerts();
        long id = only("ytd_decrease", "C1").getLong("id");
        assertEquals(201, api.feed(bureau, HEADER + "C1,tax_revenue,2025Q3,60\n", null).status());
        AlertService.Summary s = service.evaluateAlerts();
        assertTrue(s.resolved() >= 1, s.toString());
        JsonObject after = alerts("rule=ytd_decrease&platform=C1", ADMIN).get(0);
        assertEquals(id, after.getLong("id"));
        assertEquals("resolved", after.getString("state"));
        assertEquals(List.of("create", "resolve"), List.of(
                service.text("SELECT string_agg(kind, ',' ORDER BY id) FROM alert_outbox WHERE alert_id = " + id).split(",")));
        // The condition returns: the same warning opens again, no duplicate.
        assertEquals(201, api.feed(bureau, HEADER + "C1,tax_revenue,2025Q3,45\n", null).status());
        service.evaluateAlerts();
        assertEquals("open", only("ytd_decrease", "C1").getString("state"));
        assertEquals(1, service.scalar("SELECT count(*) FROM alert WHERE rule = 'ytd_decrease' AND platform_code = 'C1'"));
    }

    @Test
    void acknowledgementSticksAcrossReEvaluation() {
        // K1 as H1: 304 of a target of 1000 by 2025Q3, 44.6 points behind
        service.platforms("K1,确认区,provincial,other,宁波市,,,\n");
        String k1Token = service.token("platform", "K1");
        assertEquals(201, api.feed(bureau, HEADER + "K1,fixed_asset_investment,2025Q3,304\n", null).status());
        Api.Response target = api.post("/api/v1/targets", bureau, "text/csv", "platform_code,indicator_code,year,value\nK1,fixed_asset_investment,2025,1000\n");
        assertEquals(200, target.status(), target.toString());
        service.evaluateAlerts();
        JsonObject planted = only("target_progress", "K1");
        assertEquals(44.6, planted.getDouble("deviation"), 1e-9);

        long id = planted.getLong("id");
        Api.Response ack = api.post("/api/v1/alerts/" + id + "/ack", k1Token, null, new byte[0]);
        assertEquals(200, ack.status(), ack.toString());
        assertEquals("acknowledged", ack.json().getString("state"));
        assertEquals(201, api.feed(bureau, HEADER + "K1,fixed_asset_investment,2025Q3,250\n", null).status());
        service.evaluateAlerts();
        JsonObject a = only("target_progress", "K1");
        assertEquals("acknowledged", a.getString("state"));
        assertEquals(50, a.getDouble("deviation"), 1e-9, "numbers updated: 75 − 25");
        assertEquals(1, service.scalar("SELECT count(*) FROM alert_outbox WHERE alert_id = " + id), "an update is not a new annotation");
    }

    @Test
    void platformTokensSeeOnlyTheirOwnWarnings() {
        List<JsonObject> mine = alerts("", h1Token);
        assertFalse(mine.isEmpty());
        assertTrue(mine.stream().allMatch(a -> "H1".equals(a.getString("platform"))));
        Api.Response me = api.get("/api/v1/me/alerts", h1Token);
        assertEquals(mine.size(), me.json().getJsonArray("alerts").size());
        assertEquals(403, api.get("/api/v1/alerts?platform=H3", h1Token).status());
        long other = only("yoy_change", "H3").getLong("id");
        assertEquals(403, api.post("/api/v1/alerts/" + other + "/ack", h1Token, null, new byte[0]).status());
        assertEquals(403, api.get("/api/v1/me/alerts", bureau).status());
        assertEquals(400, api.get("/api/v1/alerts?rule=nope", ADMIN).status());
        JsonArray all = api.get("/api/v1/alerts?state=open", service.token("leader", null)).json().getJsonArray("alerts");
        assertTrue(all.size() > mine.size());
    }

    @Test
    void targetsAreValidatedAndVersioned() {
        // G1's own target for 2025, revision 1
        service.platforms("G1,目标区,provincial,other,宁波市,,,\n");
        String g1Token = service.token("platform", "G1");
        Api.Response first = api.post("/api/v1/targets", bureau, "text/csv", "platform_code,indicator_code,year,value\nG1,fixed_asset_investment,2025,1000\n");
        assertEquals(200, first.status(), first.toString());

        Api.Response bad = api.post("/api/v1/targets", bureau, "text/csv",
                "platform_code,indicator_code,year,value\nNOPE,tax_revenue,2025,1\nG1,tax_per_mu,2025,1\nG1,tax_revenue,20x5,1\nG1,tax_revenue,2025,-1\n");
        assertEquals(422, bad.status());
        assertEquals(List.of("unknown_platform", "derived_indicator", "bad_year", "out_of_range"),
                bad.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("code")).toList());
        Api.Response json = api.post("/api/v1/targets", bureau, "application/json",
                new JsonObject().put("targets", new JsonArray().add(new JsonObject().put("platform", "G1")
                        .put("indicator", "fixed_asset_investment").put("year", 2025).put("value", 1200))).encode());
        assertEquals(200, json.status(), json.toString());
        assertEquals(1, json.json().getLong("revised"));
        JsonArray mine = api.get("/api/v1/platforms/G1/targets?year=2025", g1Token).json().getJsonArray("targets");
        assertEquals(2, mine.getJsonObject(0).getInteger("revision"));
        assertEquals(403, api.get("/api/v1/platforms/H2/targets", g1Token).status());
        assertEquals(403, api.post("/api/v1/targets", g1Token, "text/csv", "platform_code,indicator_code,year,value\n").status());
    }

    @Test
    void thresholdsAreConfigurablePerIndicatorThroughTheApi() {
        // Y1 as H4 (tax down 9.5 %, a near miss) and U1 as H5 (value added 10000 times the quarter before).
        service.platforms("Y1,阈值区,provincial,other,宁波市,,,\nU1,单位区,provincial,other,宁波市,,,\n");
        assertEquals(201, api.feed(bureau, HEADER + "Y1,tax_revenue,2024Q2,100\nY1,tax_revenue,2025Q2,90.5\n"
                + "U1,industrial_value_added,2025Q1,700\nU1,industrial_value_added,2025Q2,7000000\n", null).status());
        service.evaluateAlerts();
        assertTrue(alerts("rule=yoy_change&platform=Y1", ADMIN).isEmpty(), "−9.5 %: under the default 10 %");
        assertEquals("open", only("suspect_unit", "U1").getString("state"));
        // The settings are the service's, for every test: put back as they were read here.
        Map<String, JsonObject> defaults = new java.util.HashMap<>();
        api.get("/api/v1/alert-rules", ADMIN).json().getJsonArray("rules").stream().map(JsonObject.class::cast)
                .filter(r -> r.getValue("indicator") == null).forEach(r -> defaults.put(r.getString("rule"), r));
        try {
            thresholdsChangedAndSwitchedOff();
        } finally {
            for (String rule : List.of("yoy_change", "suspect_unit")) {
                JsonObject was = defaults.get(rule);
                JsonObject back = new JsonObject().put("enabled", was.getBoolean("enabled")).put("thresholds", was.getJsonObject("thresholds"));
                if (rule.equals("yoy_change")) back.put("indicator", "tax_revenue");
                assertEquals(200, api.put("/api/v1/alert-rules/" + rule, ADMIN, back).status());
            }
        }
    }

    private static void thresholdsChangedAndSwitchedOff() {
        // Y1's tax fell 9.5 %: under the default 10 %, over a 5 % threshold set for tax_revenue only.
        Api.Response put = api.put("/api/v1/alert-rules/yoy_change", ADMIN,
                new JsonObject().put("indicator", "tax_revenue").put("thresholds", new JsonObject().put("warning", 5).put("critical", 20)));
        assertEquals(200, put.status(), put.toString());
        assertEquals(201, api.feed(bureau, HEADER + "Y1,tax_revenue,2025Q2,90.4\n", null).status());
        service.evaluateAlerts();
        assertEquals("warning", only("yoy_change", "Y1").getString("severity"));
        assertEquals(422, api.put("/api/v1/alert-rules/yoy_change", ADMIN, new JsonObject().put("thresholds",
                new JsonObject().put("warning", 30).put("critical", 20))).status());
        assertEquals("unknown_threshold", api.put("/api/v1/alert-rules/ytd_decrease", ADMIN, new JsonObject().put("thresholds",
                new JsonObject().put("factor", 2))).json().getString("error"));
        assertEquals(404, api.put("/api/v1/alert-rules/nope", ADMIN, new JsonObject()).status());
        assertEquals(403, api.put("/api/v1/alert-rules/yoy_change", bureau, new JsonObject()).status());
        // Switched off: the warning resolves at the next evaluation of its data.
        assertEquals(200, api.put("/api/v1/alert-rules/suspect_unit", ADMIN, new JsonObject().put("enabled", false)).status());
        assertEquals(201, api.feed(bureau, HEADER + "U1,industrial_value_added,2025Q2,7000001\n", null).status());
        service.evaluateAlerts();
        assertEquals("resolved", only("suspect_unit", "U1").getString("state"));
        assertTrue(api.get("/api/v1/alert-rules", bureau).json().getJsonArray("rules").size() >= 9);
    }

    @Test
    void metricsCountOpenWarnings() {
        // M1's year-to-date tax falls, is corrected, falls again: raised twice, resolved once. The counters
        // are the service's since its start (other tests raise and resolve too): counted from before M1.
        String raised = "zonewatch_alerts_raised_total{rule=\"ytd_decrease\",severity=\"critical\"}";
        String resolved = "zonewatch_alerts_resolved_total{rule=\"ytd_decrease\"}";
        service.platforms("M1,计数区,provincial,other,宁波市,,,\n");
        String before = api.get("/metrics", null).text();
        for (String tax : List.of("40", "60", "45")) {
            assertEquals(201, api.feed(bureau, HEADER + "M1,tax_revenue,2025Q2,50\nM1,tax_revenue,2025Q3," + tax + "\n", null).status());
            service.evaluateAlerts();
        }
        service.zoneWatch.alertWorker().refreshGauges().toCompletionStage().toCompletableFuture().join();
        String metrics = api.get("/metrics", null).text();
        long open = service.scalar("SELECT count(*) FROM alert WHERE state <> 'resolved' AND rule = 'yoy_change' AND severity = 'critical'");
        assertTrue(metrics.contains("zonewatch_alerts_open{rule=\"yoy_change\",severity=\"critical\"} " + open + ".0"), metrics);
        assertEquals(2, value(metrics, raised) - value(before, raised), 0, metrics);
        assertEquals(1, value(metrics, resolved) - value(before, resolved), 0, metrics);
        assertTrue(metrics.contains("zonewatch_alert_outbox_backlog "));
    }

    /** A series' value in a /metrics text, 0 when it is not there (yet). */
    private static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1));
        }
        return 0;
    }

    @Test
    void reportingViewsExposeWarningsAndTrafficLights() {
        assertEquals("red", service.text("SELECT light FROM reporting.target_progress WHERE platform_code = 'H1' AND period = '2025-07-01'"));
        assertEquals("green", service.text("SELECT light FROM reporting.target_progress WHERE platform_code = 'H2' AND period = '2025-07-01'"));
        assertEquals("高新区1", service.text("SELECT platform_name FROM reporting.alerts_open WHERE rule = 'target_progress' AND platform_code = 'H1'"));
        assertTrue(service.scalar("SELECT sum(open) FROM reporting.alert_counts WHERE quarter = '2025-07-01'") >= 2);
    }
}
