package io.zonewatch.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.reporting.ReportingWorker;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who is expected to report for a quarter is one rule (V16's expected_reporters: active on the
 * quarter's last day), and the missing-submission warning, a ranking run's completeness and the
 * dashboards' submission completeness all apply it. 2025Q3 ends on 2025-09-30:
 * <ul>
 * <li>E-OPEN (no dates) reports: expected, reported;</li>
 * <li>E-END closes on 2025-09-30 and E-MIDOPEN opens on 2025-08-01: both active on the last day,
 * expected, and neither reports;</li>
 * <li>E-MIDCLOSE closes on 2025-08-15 (mid-quarter), E-LATER opens on 2025-10-01, E-GONE closed
 * on 2025-06-30: none of them is expected.</li>
 * </ul>
 * So for 2025Q3: expected 3, reported 1, missing E-END and E-MIDOPEN, everywhere.
 */
class ExpectedReportersTest extends ServiceTest {
    private static String bureau;

    @BeforeAll
    static void setUp() {
        service.platforms("""
                E-OPEN,常开园区,provincial,etdz,杭州市,,,
                E-END,季末撤并园区,provincial,etdz,杭州市,,2016-01-01,2025-09-30
                E-MIDOPEN,季中设立园区,provincial,etdz,宁波市,,2025-08-01,
                E-MIDCLOSE,季中撤并园区,provincial,etdz,宁波市,,2016-01-01,2025-08-15
                E-LATER,下季设立园区,provincial,etdz,温州市,,2025-10-01,
                E-GONE,已撤并园区,provincial,etdz,温州市,,2016-01-01,2025-06-30
                """);
        bureau = service.token("bureau", null);
        StringBuilder rows = new StringBuilder("platform_code,indicator_code,period,value\n");
        for (String p : List.of("E-OPEN", "E-END", "E-MIDCLOSE", "E-GONE")) rows.append(p).append(",tax_revenue,2025Q2,100\n");
        rows.append("E-OPEN,tax_revenue,2025Q3,150\n");
        Api.Response fed = service.api.feed(bureau, rows.toString(), null);
        assertEquals(201, fed.status(), fed.toString());
    }

    @Test
    void theFunctionTakesThePlatformsActiveOnTheQuartersLastDay() {
        assertEquals("E-END,E-MIDOPEN,E-OPEN",
                service.text("SELECT string_agg(platform_code, ',' ORDER BY platform_code) FROM expected_reporters('2025-07-01')"));
        assertEquals("E-END,E-MIDOPEN,E-OPEN", service.text(
                "SELECT string_agg(platform_code, ',' ORDER BY platform_code) FROM expected_reporters('2025-09-30')"), "any day of the quarter");
        assertEquals("E-END,E-GONE,E-MIDCLOSE,E-OPEN",
                service.text("SELECT string_agg(platform_code, ',' ORDER BY platform_code) FROM expected_reporters('2025-04-01')"));
        assertEquals("E-LATER,E-MIDOPEN,E-OPEN",
                service.text("SELECT string_agg(platform_code, ',' ORDER BY platform_code) FROM expected_reporters('2025-10-01')"));
    }

    @Test
    void aRankingRunOfTheQuarterCountsTheSamePlatforms() {
        Api.Response refused = service.api.post("/api/v1/rankings/2025/runs?scheme=mu_benefit&quarter=3", bureau, null, new byte[0]);
        assertEquals(422, refused.status(), refused.toString());
        assertEquals("incomplete_period", refused.json().getString("error"));
        assertEquals(new JsonArray().add("E-END").add("E-MIDOPEN"), refused.json().getJsonArray("missing"));
        assertEquals(1.0 / 3, refused.json().getDouble("reportingShare"), 1e-12);
    }

    @Test
    void theMissingSubmissionWarningNamesTheSamePlatforms() {
        service.zoneWatch.alerts().sweepMissing().toCompletionStage().toCompletableFuture().join();
        JsonArray alerts = service.api.get("/api/v1/alerts?rule=missing_submission&from=2025Q3&to=2025Q3", bureau).json().getJsonArray("alerts");
        Set<String> warned = alerts.stream().map(JsonObject.class::cast).map(a -> a.getString("platform"))
                .collect(Collectors.toCollection(TreeSet::new));
        // E-OPEN sent one of the base indicators only: a partial submission, also warned.
        assertEquals(new TreeSet<>(Set.of("E-END", "E-MIDOPEN", "E-OPEN")), warned, alerts.encodePrettily());
        java.util.Map<String, Integer> missing = new java.util.HashMap<>();
        for (Object o : alerts) {
            JsonObject a = (JsonObject) o;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("未按时报送：缺少(\\d+)项基础指标").matcher(a.getJsonObject("message").getString("zh"));
            assertTrue(m.find(), a.encode());
            missing.put(a.getString("platform"), Integer.parseInt(m.group(1)));
        }
        assertEquals(missing.get("E-END"), missing.get("E-MIDOPEN"), "nothing sent");
        assertEquals(missing.get("E-END") - 1, missing.get("E-OPEN"), "all but tax revenue missing");
    }

    @Test
    void theDashboardsCompletenessCountsTheSamePlatforms() {
        service.zoneWatch.vertx().eventBus().request(ReportingWorker.REFRESH, "").toCompletionStage().toCompletableFuture().join();
        assertEquals("3,1", service.text("SELECT expected || ',' || reported FROM reporting.submission_completeness WHERE period = '2025-07-01'"));
        assertEquals("4,4", service.text("SELECT expected || ',' || reported FROM reporting.submission_completeness WHERE period = '2025-04-01'"));
    }
}
