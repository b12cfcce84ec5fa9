package io.zonewatch.ranking;

import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scheduled rankings, on a fixed "today" of 15 February 2026 (2025 has ended; the deadline is 30 April).
 * Each test has a service and database of its own, with 2024Q4 and 2025Q3 data and no run yet: what a
 * round computes depends on the runs before it.
 */
class RankingSchedulerTest {
    private static final String HEADER = "platform_code,indicator_code,period,value\n";
    private TestService service;

    @BeforeEach
    void start() {
        service = TestService.start(Map.of(), Clock.fixed(Instant.parse("2026-02-15T02:00:00Z"), ZoneOffset.UTC));
        service.platforms("S1,一区,county,other,衢州市,,,\nS2,二区,county,other,衢州市,,,\nS3,三区,county,other,衢州市,,,\nS4,四区,county,other,衢州市,,,\n");
        StringBuilder history = new StringBuilder(HEADER);
        for (String p : List.of("S1", "S2", "S3", "S4")) history.append(rows(p, "2024Q4", 10)).append(rows(p, "2025Q3", 10));
        assertEquals(201, service.api.feed(ADMIN, history.toString(), null).status());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private static String rows(String platform, String period, double tax) {
        return platform + ",tax_revenue," + period + "," + tax + "\n" + platform + ",land_area," + period + ",10\n"
                + platform + ",industrial_value_added," + period + ",100\n" + platform + ",energy_consumption," + period + ",50\n"
                + platform + ",cod_emissions," + period + ",1\n" + platform + ",employees," + period + ",20\n"
                + platform + ",rd_expenditure," + period + ",2\n" + platform + ",operating_revenue," + period + ",150\n";
    }

    private List<String> round() {
        return service.zoneWatch.rankingScheduler().round().toCompletionStage().toCompletableFuture().join();
    }

    /** 2025Q4 for all four platforms (S4 with a higher tax), fed at once: the round computes the year-end runs. */
    private void yearEndRunsComputed() {
        StringBuilder q4 = new StringBuilder(HEADER);
        for (String p : List.of("S1", "S2", "S3")) q4.append(rows(p, "2025Q4", 12));
        q4.append(rows("S4", "2025Q4", 15));
        assertEquals(201, service.api.feed(ADMIN, q4.toString(), null).status());
        assertEquals(List.of("mu_benefit 2025", "zone_development 2025"), round().stream().sorted().toList());
    }

    @Test
    void provisionalRunsFollowQuarterlyData() {
        List<String> computed = round();
        assertTrue(computed.contains("mu_benefit 2025Q3"), computed.toString());
        assertTrue(computed.contains("zone_development 2025Q3"), computed.toString());
        assertTrue(computed.stream().noneMatch(c -> c.endsWith("2025")), "Q4 has no data yet: " + computed);
        assertEquals(List.of(), round(), "nothing changed, nothing to compute");
    }

    @Test
    void theYearEndRunWaitsForCompleteQ4Data() {
        assertTrue(round().contains("mu_benefit 2025Q3"), "the provisional runs first");
        StringBuilder q4 = new StringBuilder(HEADER);
        for (String p : List.of("S1", "S2", "S3")) q4.append(rows(p, "2025Q4", 12));
        assertEquals(201, service.api.feed(ADMIN, q4.toString(), null).status());
        assertEquals(List.of(), round(), "3 of 4 platforms is under 95 %, and 15 February is before the deadline");
        assertEquals(201, service.api.feed(ADMIN, HEADER + rows("S4", "2025Q4", 15), null).status());
        List<String> computed = round();
        assertEquals(List.of("mu_benefit 2025", "zone_development 2025"), computed.stream().sorted().toList());
        assertEquals(1, service.scalar("SELECT count(*) FROM ranking_run WHERE scheme_code = 'mu_benefit' AND year = 2025 AND quarter IS NULL AND trigger = 'schedule' AND published_at IS NULL"));
    }

    @Test
    void aRevisionMakesANewRunButNoPublication() {
        assertTrue(round().contains("mu_benefit 2025Q3"), "the provisional runs first");
        yearEndRunsComputed();
        assertEquals(201, service.api.feed(ADMIN, HEADER + "S2,tax_revenue,2025Q4,40\n", null).status());
        List<String> computed = round();
        assertEquals(List.of("mu_benefit 2025", "zone_development 2025"), computed.stream().sorted().toList());
        assertEquals(2, service.scalar("SELECT count(*) FROM ranking_run WHERE scheme_code = 'mu_benefit' AND year = 2025 AND quarter IS NULL"));
        assertEquals(0, service.scalar("SELECT count(*) FROM ranking_run WHERE published_at IS NOT NULL"));
        assertEquals("S2", service.api.get("/api/v1/rankings/2025", ADMIN).json().getJsonArray("entries").getJsonObject(0).getString("platform"));
    }
}
