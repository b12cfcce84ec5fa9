package io.zonewatch.reporting;

import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reporting views' numbers on small hand-made cases. */
class ReportingViewsTest {
    private static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start();
        service.platforms("C1,一,county,other,衢州市,,,\nC2,二,county,other,衢州市,,,\nC3,三,county,other,衢州市,,,\n"
                + "C4,四,county,other,衢州市,,,\nC5,五,county,other,衢州市,,,\nC6,六,county,other,衢州市,,,\n");
        StringBuilder feed = new StringBuilder("platform_code,indicator_code,period,value\n");
        for (String p : new String[]{"C1", "C2", "C3", "C4"}) feed.append(p).append(",tax_revenue,2024Q4,100\n");
        for (String p : new String[]{"C1", "C2", "C5", "C6"}) feed.append(p).append(",tax_revenue,2025Q1,30\n");
        feed.append("C1,tax_revenue,2025Q3,80\n");   // nobody reports 2025Q2
        assertEquals(201, service.api.feed(ADMIN, feed.toString(), null).status());
        ReportingSummariesTest.refresh(service);   // completeness per quarter is a summary the worker keeps
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void completenessCountsOnlyTheExpectedPlatforms() {
        // Expected for 2025Q1: C1–C4 (reported in the year before). C1 and C2 reported; C5 and C6 are new
        // and do not make up for C3 and C4.
        assertEquals("4|2|50.0", service.text("SELECT expected || '|' || reported || '|' || round(completeness_pct, 1)"
                + " FROM reporting.submission_completeness WHERE period = '2025-01-01'"));
        // A quarter nobody reported for is listed too: 2025Q2, where all six reported in the year before.
        assertEquals("6|0", service.text("SELECT expected || '|' || reported FROM reporting.submission_completeness WHERE period = '2025-04-01'"));
        assertEquals("2025-04-25", service.text("SELECT deadline::text FROM reporting.submission_completeness WHERE period = '2025-01-01'"));
    }

    @Test
    void quarterlyIncrementsOfYearToDateFlows() {
        assertEquals("30", service.text("SELECT quarterly_increment::text FROM reporting.observations WHERE platform_code = 'C1' AND period = '2025-01-01'"));
        // No Q2 value: the Q3 increment cannot be computed.
        assertEquals(null, service.text("SELECT quarterly_increment::text FROM reporting.observations WHERE platform_code = 'C1' AND period = '2025-07-01'"));
    }
}
