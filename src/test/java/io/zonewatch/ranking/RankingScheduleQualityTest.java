package io.zonewatch.ranking;

import io.vertx.core.json.JsonObject;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schedule and the data-quality gate, on a fixed "today" of 15 May 2026 (past the 30 April
 * deadline for 2025's year-end run). Each test has platforms and periods of its own.
 */
class RankingScheduleQualityTest {
    private static final String HEADER = "platform_code,indicator_code,period,value\n";
    private static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(Map.of(), Clock.fixed(Instant.parse("2026-05-15T02:00:00Z"), ZoneOffset.UTC));
        service.platforms("T1,一区,county,other,衢州市,,,\nT2,二区,county,other,衢州市,,,\nT3,三区,county,other,衢州市,,,\nT4,四区,county,other,衢州市,,,\n");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static String rows(String platform, String period, double tax) {
        return platform + ",tax_revenue," + period + "," + tax + "\n" + platform + ",land_area," + period + ",10\n"
                + platform + ",industrial_value_added," + period + ",100\n" + platform + ",energy_consumption," + period + ",50\n"
                + platform + ",cod_emissions," + period + ",1\n" + platform + ",employees," + period + ",20\n"
                + platform + ",rd_expenditure," + period + ",2\n" + platform + ",operating_revenue," + period + ",150\n";
    }

    private static List<String> round() {
        return service.zoneWatch.rankingScheduler().round().toCompletionStage().toCompletableFuture().join();
    }

    private static void feed(String csv) {
        assertEquals(201, service.api.feed(ADMIN, HEADER + csv, null).status());
    }

    @Test
    void aWarningRaisedAfterAScheduledRunMakesANewRunThatHoldsTheValue() {
        StringBuilder data = new StringBuilder();
        for (String p : List.of("T1", "T2", "T3", "T4")) data.append(rows(p, "2025Q2", 10));
        data.append(rows("T1", "2025Q3", 100_000));   // sent in 元: 10,000 × its Q2 value
        for (String p : List.of("T2", "T3", "T4")) data.append(rows(p, "2025Q3", 12));
        feed(data.toString());
        service.evaluateAlerts();
        // The warnings of this feed exist; a later feed is scheduled before its warnings are evaluated.
        assertTrue(round().contains("mu_benefit 2025Q3"));
        feed("T2,tax_revenue,2025Q3,120000\n");
        List<String> before = round();
        assertTrue(before.contains("mu_benefit 2025Q3"), before.toString());
        long beforeHeld = service.scalar("SELECT (data_quality -> 'counts' ->> 'held')::int FROM ranking_run"
                + " WHERE scheme_code = 'mu_benefit' AND year = 2025 AND quarter = 3 ORDER BY id DESC LIMIT 1");
        assertEquals(1, beforeHeld, "T1's value is held; T2's warning does not exist yet");

        service.evaluateAlerts();
        List<String> after = round();
        assertTrue(after.contains("mu_benefit 2025Q3"), "the new warning changes what the run would hold: " + after);
        assertFalse(after.contains("mu_benefit 2025Q2"), "Q2's runs read nothing that changed: " + after);
        assertEquals(2, service.scalar("SELECT (data_quality -> 'counts' ->> 'held')::int FROM ranking_run"
                + " WHERE scheme_code = 'mu_benefit' AND year = 2025 AND quarter = 3 ORDER BY id DESC LIMIT 1"));
        assertEquals(List.of(), round());
    }

    @Test
    void pastTheDeadlineAnIncompleteYearIsComputedAndMarkedIncomplete() {
        service.platforms("U1,五区,county,hitech,丽水市,,,\n");
        StringBuilder q4 = new StringBuilder();
        for (String p : List.of("T1", "T2", "T3", "T4")) q4.append(rows(p, "2025Q4", 10));
        feed(q4.toString());
        List<String> computed = round();
        assertTrue(computed.contains("mu_benefit 2025"), "15 May is past the 30 April deadline: " + computed);
        JsonObject table = service.api.get("/api/v1/rankings/2025?scheme=mu_benefit", ADMIN).json();
        assertTrue(table.getBoolean("incomplete"), "U1 reported nothing: 4 of 5 is under 95 %");
        assertEquals(0.8, table.getDouble("reportingShare"), 1e-12);
        assertEquals(List.of("U1"), table.getJsonObject("dataQuality").getJsonArray("missing").getList());
    }
}
