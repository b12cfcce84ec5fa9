package io.zonewatch.reporting;

import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The reporting views' numbers on small hand-made cases. */
class ReportingViewsTest extends ServiceTest {
    @BeforeAll
    static void setUp() {
        // C4 closes at the end of 2024, C5 opens with 2025, C6 in 2025Q2.
        service.platforms("C1,一,county,other,衢州市,,,\nC2,二,county,other,衢州市,,,\nC3,三,county,other,衢州市,,,\n"
                + "C4,四,county,other,衢州市,,,2024-12-31\nC5,五,county,other,衢州市,,2025-01-01,\nC6,六,county,other,衢州市,,2025-04-01,\n");
        StringBuilder feed = new StringBuilder("platform_code,indicator_code,period,value\n");
        for (String p : new String[]{"C1", "C2", "C3", "C4"}) feed.append(p).append(",tax_revenue,2024Q4,100\n");
        for (String p : new String[]{"C1", "C2", "C5"}) feed.append(p).append(",tax_revenue,2025Q1,30\n");
        feed.append("C1,tax_revenue,2025Q3,80\n");   // nobody reports 2025Q2
        assertEquals(201, service.api.feed(ADMIN, feed.toString(), null).status());
        ReportingSummariesTest.refresh(service);   // completeness per quarter is a summary the worker keeps
    }

    @Test
    void completenessCountsOnlyTheExpectedPlatforms() {
        // Expected (active on the quarter's last day, V16): 2024Q4 C1–C4 (C4 closes on its last day), all reported.
        assertEquals("4|4|100.0", service.text("SELECT expected || '|' || reported || '|' || round(completeness_pct, 1)"
                + " FROM reporting.submission_completeness WHERE period = '2024-10-01'"));
        // 2025Q1: C1, C2, C3 and C5 (C4 closed, C6 not yet open); C1, C2 and C5 reported.
        assertEquals("4|3|75.0", service.text("SELECT expected || '|' || reported || '|' || round(completeness_pct, 1)"
                + " FROM reporting.submission_completeness WHERE period = '2025-01-01'"));
        // A quarter nobody reported for is listed too: 2025Q2, where C6 is expected as well.
        assertEquals("5|0", service.text("SELECT expected || '|' || reported FROM reporting.submission_completeness WHERE period = '2025-04-01'"));
        assertEquals("2025-04-25", service.text("SELECT deadline::text FROM reporting.submission_completeness WHERE period = '2025-01-01'"));
    }

    /**
     * Each reporting view's current definition is in R__reporting_views.sql, once; the database holds
     * exactly those views; no versioned migration from V17 on defines a view (they change tables).
     */
    @Test
    void everyReportingViewIsDefinedInTheRepeatableMigrationOnly() throws java.io.IOException {
        String repeatable = java.nio.file.Files.readString(java.nio.file.Path.of("sql/R__reporting_views.sql"));
        java.util.List<String> defined = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^CREATE VIEW reporting\\.(\\w+) AS").matcher(repeatable);
        while (m.find()) defined.add(m.group(1));
        assertEquals(new java.util.TreeSet<>(defined).size(), defined.size(), "each view once: " + defined);
        assertEquals(String.join(",", new java.util.TreeSet<>(defined)), service.text("SELECT string_agg(c.relname, ',' ORDER BY c.relname)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'reporting' AND c.relkind = 'v'"));
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("sql"))) {
            for (java.nio.file.Path f : files.toList()) {
                java.util.regex.Matcher v = java.util.regex.Pattern.compile("^V(\\d+)__").matcher(f.getFileName().toString());
                if (v.find() && Integer.parseInt(v.group(1)) >= 17) {
                    assertFalse(java.util.regex.Pattern.compile("CREATE\\s+(OR\\s+REPLACE\\s+)?VIEW").matcher(java.nio.file.Files.readString(f)).find(),
                            f + " defines a view: put it in R__reporting_views.sql");
                }
            }
        }
        assertEquals("0", service.text("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'public' AND c.relname LIKE 'reporting\\_%'"), "the summary tables are in the schema summaries");
    }

    @Test
    void quarterlyIncrementsOfYearToDateFlows() {
        assertEquals("30", service.text("SELECT quarterly_increment::text FROM reporting.observations WHERE platform_code = 'C1' AND period = '2025-01-01'"));
        // No Q2 value: the Q3 increment cannot be computed.
        assertEquals(null, service.text("SELECT quarterly_increment::text FROM reporting.observations WHERE platform_code = 'C1' AND period = '2025-07-01'"));
    }
}
