package io.zonewatch.reporting;

import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Config;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-quarter summaries the dashboards read (reporting.indicator_distribution,
 * reporting.indicator_peer_distribution, reporting.submission_completeness) hold what the same question
 * asked of the raw values answers: after feeds, after revisions, after a feed for a new quarter, after a
 * platform changes type or closes. The references below are computed from reporting.indicator_values and,
 * for completeness, with V4's per-quarter definition. Each test has a service and database of its own with
 * the same three years of data, nothing summarised yet: a summary round changes what the next one does.
 */
class ReportingSummariesTest {
    private static final String[] INDICATORS = {"tax_revenue", "land_area", "industrial_value_added", "energy_consumption", "employees"};
    private TestService service;

    @BeforeEach
    void start() {
        service = TestService.start();
        StringBuilder platforms = new StringBuilder();
        for (int p = 1; p <= 12; p++) {
            platforms.append(String.format(Locale.ROOT, "S%02d,平台%d,county,%s,杭州市,,,\n", p, p, p <= 7 ? "etdz" : "hitech"));
        }
        service.platforms(platforms.toString());
        // 2023–2025: every platform every quarter, except S12 (nothing in 2024Q2) and S11 (no land area in 2025)
        StringBuilder feed = new StringBuilder("platform_code,indicator_code,period,value\n");
        for (int year = 2023; year <= 2025; year++) {
            for (int q = 1; q <= 4; q++) {
                for (int p = 1; p <= 12; p++) {
                    if (p == 12 && year == 2024 && q == 2) continue;
                    for (int i = 0; i < INDICATORS.length; i++) {
                        if (p == 11 && year == 2025 && INDICATORS[i].equals("land_area")) continue;
                        feed.append(String.format(Locale.ROOT, "S%02d,%s,%dQ%d,%s%n", p, INDICATORS[i], year, q, value(p, i, year, q)));
                    }
                }
            }
        }
        assertEquals(201, service.api.feed(ADMIN, feed.toString(), null).status());
    }

    /** Year-to-date flows rise through the year; a few platforms fall year on year. */
    private static String value(int p, int i, int year, int q) {
        double scale = 100 + 37 * p + 11 * i;
        double trend = 1 + 0.05 * (year - 2023) * (p % 4 == 0 ? -1 : 1);
        double ytd = INDICATORS[i].equals("land_area") || INDICATORS[i].equals("employees") ? 1 : q / 4.0;
        return String.format(Locale.ROOT, "%.2f", scale * trend * ytd * (1 + 0.013 * ((p * 7 + i * 3 + q) % 5)));
    }

    @AfterEach
    void stop() {
        if (service != null) service.close();
    }

    static JsonObject refresh(TestService s) {
        return s.zoneWatch.vertx().eventBus().<JsonObject>request(ReportingWorker.REFRESH, "")
                .toCompletionStage().toCompletableFuture().join().body();
    }

    @Test
    void afterTheFirstRefreshTheSummariesAgreeWithTheRawValues() {
        assertEquals(0, service.scalar("SELECT count(*) FROM reporting.indicator_distribution"), "nothing before a refresh");
        JsonObject round = refresh(service);
        assertTrue(round.getBoolean("full"), "the first round covers every quarter: " + round);
        assertEquals(1, service.scalar("SELECT count(*) FROM summaries.refreshed_feed"));
        assertAgree();
        assertTrue(service.scalar("SELECT count(*) FROM reporting.indicator_distribution WHERE indicator_code = 'value_added_growth'") > 0,
                "growth indicators are summarised too");
        // S12 sent nothing for 2024Q2: 11 of 12 expected
        assertEquals("12|11", service.text("SELECT expected || '|' || reported FROM reporting.submission_completeness WHERE period = '2024-04-01'"));
        // An empty round changes nothing.
        JsonObject idle = refresh(service);
        assertEquals(0, idle.getInteger("feeds"));
        assertFalse(idle.getBoolean("full"));
    }

    @Test
    void revisionsAndANewQuarterAreInAfterTheNextRound() {
        assertTrue(refresh(service).getBoolean("full"), "the first round: everything summarised");
        // Revisions in 2024Q3 (its distribution, 2025Q3's year-on-year change and growth move) and a new quarter.
        String revisions = """
                platform_code,indicator_code,period,value
                S01,tax_revenue,2024Q3,9999
                S05,industrial_value_added,2024Q3,1.5
                S09,land_area,2024Q3,0.25
                S02,tax_revenue,2026Q1,120
                S02,land_area,2026Q1,300
                S03,tax_revenue,2026Q1,80
                """;
        assertEquals(201, service.api.feed(ADMIN, revisions, null).status());
        String statisticsCurrent = "SELECT count(*) FROM pg_class WHERE relname = 'observation_current'"
                + " AND reltuples = (SELECT count(*) FROM observation_current)";
        boolean hypertable = service.scalar("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'") > 0;
        if (!hypertable) assertEquals(0, service.scalar(statisticsCurrent), "three new rows, not analysed yet");
        double before = service.scalar("SELECT round(p90) FROM reporting.indicator_distribution WHERE indicator_code = 'tax_revenue' AND period = '2024-07-01'");
        JsonObject round = refresh(service);
        assertEquals(1, round.getInteger("feeds"), round.encode());
        assertFalse(round.getBoolean("full"));
        // A round with new feeds analyses the values first, so the refresh is planned with the new quarter
        // in the statistics (on a hypertable the rows and their statistics are the chunks').
        if (!hypertable) assertEquals(1, service.scalar(statisticsCurrent), "analysed by the round");
        double after = service.scalar("SELECT round(p90) FROM reporting.indicator_distribution WHERE indicator_code = 'tax_revenue' AND period = '2024-07-01'");
        assertTrue(after > before, "the revised maximum moves the 90th percentile: " + before + " -> " + after);
        assertAgree();
        // 2026Q1: two platforms of the twelve that reported in 2025
        assertEquals("12|2", service.text("SELECT expected || '|' || reported FROM reporting.submission_completeness WHERE period = '2026-01-01'"));
    }

    @Test
    void aPlatformThatChangesTypeOrClosesMovesThePeerAndCompletenessFigures() {
        assertTrue(refresh(service).getBoolean("full"), "the first round: everything summarised");
        service.platforms("S01,平台1,county,hitech,杭州市,,,\nS07,平台7,county,etdz,杭州市,,,2025-06-30\n");
        JsonObject round = refresh(service);
        assertTrue(round.getBoolean("full"), "a catalog change recomputes every quarter: " + round);
        assertAgree();
        // S07 closed mid-2025: no longer expected from 2025Q3 on
        assertEquals("11|11", service.text("SELECT expected || '|' || reported FROM reporting.submission_completeness WHERE period = '2025-07-01'"));
    }

    @Test
    void withBackgroundEvaluationOnAFeedIsSummarisedWithoutBeingAsked() throws Exception {
        // Two platforms' tax in 2026Q1, summarised by a round asked for; a third comes in the background below.
        assertEquals(201, service.api.feed(ADMIN, "platform_code,indicator_code,period,value\nS02,tax_revenue,2026Q1,120\nS03,tax_revenue,2026Q1,80\n",
                null).status());
        refresh(service);
        // The same database, a service with the background switch on: the feed's event starts a round.
        service.close();
        service = TestService.startOn(service.db, Map.of(Config.ALERT_SWEEP_S, "3600"), java.time.Clock.systemUTC());
        assertEquals(201, service.api.feed(ADMIN, "platform_code,indicator_code,period,value\nS04,tax_revenue,2026Q1,55\n", null).status());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (service.scalar("SELECT count(*) FROM feed f WHERE NOT EXISTS (SELECT 1 FROM summaries.refreshed_feed r WHERE r.feed_id = f.id)") > 0) {
            assertTrue(System.nanoTime() < deadline, "the feed was summarised within a minute");
            Thread.sleep(200);
        }
        assertEquals(3, service.scalar("SELECT platforms FROM reporting.indicator_distribution WHERE indicator_code = 'tax_revenue' AND period = '2026-01-01'"));
        assertAgree();
    }

    // ------------------------------------------------------------------ references

    private static final String RAW_DISTRIBUTION = """
            WITH v AS (SELECT platform_code, platform_type, indicator_code, period, value FROM reporting.indicator_values),
            y AS (SELECT c.indicator_code, c.period, c.platform_type, c.value,
                         CASE WHEN p.value > 0 THEN (c.value / p.value - 1) * 100 END AS yoy
                  FROM v c LEFT JOIN v p ON p.platform_code = c.platform_code AND p.indicator_code = c.indicator_code
                                        AND p.period = (c.period - INTERVAL '1 year')::date)
            SELECT indicator_code, period, %s AS platform_type, count(*) AS platforms,
                   percentile_cont(0.1) WITHIN GROUP (ORDER BY value) AS p10, percentile_cont(0.25) WITHIN GROUP (ORDER BY value) AS p25,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median, percentile_cont(0.75) WITHIN GROUP (ORDER BY value) AS p75,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY value) AS p90, count(yoy) AS yoy_platforms,
                   percentile_cont(0.25) WITHIN GROUP (ORDER BY yoy) AS yoy_p25, percentile_cont(0.5) WITHIN GROUP (ORDER BY yoy) AS yoy_median,
                   percentile_cont(0.75) WITHIN GROUP (ORDER BY yoy) AS yoy_p75
            FROM y GROUP BY indicator_code, period%s
            """;
    private static final String SUMMARY_COLUMNS = """
            indicator_code, period, %s AS platform_type, platforms, p10, p25, median, p75, p90, yoy_platforms, yoy_p25, yoy_median, yoy_p75
            """;
    /** V4's panel "largest year-on-year falls" for every indicator and quarter. */
    private static final String RAW_FALLS = """
            WITH v AS (SELECT platform_code, platform_name, indicator_code, period, value FROM reporting.indicator_values)
            SELECT indicator_code, period, position, platform_code, value, previous, (value / previous - 1) * 100 AS yoy_pct
            FROM (SELECT c.indicator_code, c.period, c.platform_code, c.value, p.value AS previous,
                         row_number() OVER (PARTITION BY c.indicator_code, c.period ORDER BY c.value / p.value, c.platform_name) AS position
                  FROM v c JOIN v p ON p.platform_code = c.platform_code AND p.indicator_code = c.indicator_code
                                   AND p.period = (c.period - INTERVAL '1 year')::date
                  WHERE p.value > 0) x
            WHERE position <= 10
            """;
    /** Submission completeness computed afresh for every quarter from expected_reporters (V16, the one rule) and the raw values. */
    private static final String RAW_COMPLETENESS = """
            SELECT q.period, x.expected, x.reported
            FROM generate_series((SELECT min(period) FROM observation_current), (SELECT max(period) FROM observation_current),
                                 INTERVAL '3 months') AS g(t)
            CROSS JOIN LATERAL (SELECT g.t::date AS period) q
            CROSS JOIN LATERAL (
                SELECT count(*) AS expected,
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM observation_current r
                                                      WHERE r.period = q.period AND r.platform_code = e.platform_code)) AS reported
                FROM expected_reporters(q.period) e
            ) x
            """;

    /** Every row of every summary equals its reference, value by value, and no row is missing or extra. */
    private void assertAgree() {
        Map<String, List<Object>> raw = rows("(" + String.format(RAW_DISTRIBUTION, "''", "") + ") UNION ALL ("
                + String.format(RAW_DISTRIBUTION, "platform_type", ", platform_type") + ")");
        Map<String, List<Object>> summary = rows("SELECT " + String.format(SUMMARY_COLUMNS, "''") + " FROM reporting.indicator_distribution"
                + " UNION ALL SELECT " + String.format(SUMMARY_COLUMNS, "platform_type") + " FROM reporting.indicator_peer_distribution");
        assertTrue(raw.size() > 100, "reference rows: " + raw.size());
        assertSame(raw, summary, "indicator distributions");
        Map<String, List<Object>> completeness = rows("SELECT period, expected, reported FROM reporting.submission_completeness");
        assertSame(rows(RAW_COMPLETENESS), completeness, "completeness");
        Map<String, List<Object>> falls = rows("SELECT indicator_code, period, position, platform_code, value, previous, yoy_pct"
                + " FROM reporting.indicator_yoy_falls");
        assertTrue(falls.size() > 50, "falls: " + falls.size());
        assertSame(rows(RAW_FALLS), falls, "the ten lowest year-on-year changes");
    }

    private static void assertSame(Map<String, List<Object>> expected, Map<String, List<Object>> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": the same rows");
        List<String> differences = new ArrayList<>();
        expected.forEach((key, row) -> {
            List<Object> other = actual.get(key);
            for (int i = 0; i < row.size(); i++) {
                Object a = row.get(i);
                Object b = other.get(i);
                boolean same = a == null ? b == null : b != null && (a instanceof Number x && b instanceof Number y
                        ? Math.abs(x.doubleValue() - y.doubleValue()) <= 1e-9 * Math.max(1, Math.abs(x.doubleValue()))
                        : a.toString().equals(b.toString()));
                if (!same) differences.add(key + " column " + (i + 1) + ": " + a + " vs " + b);
            }
        });
        assertEquals(List.of(), differences, what);
    }

    /** Rows keyed by their first three columns (indicator, period, type; or the period alone). */
    private Map<String, List<Object>> rows(String sql) {
        Map<String, List<Object>> out = new TreeMap<>();
        try (Connection c = TestDatabase.connect(service.db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int keys = md.getColumnCount() >= 4 ? 3 : 1;
            while (rs.next()) {
                StringBuilder key = new StringBuilder();
                List<Object> values = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    if (i <= keys) key.append(rs.getString(i)).append('|');
                    else values.add(rs.getObject(i));
                }
                if (out.put(key.toString(), values) != null) throw new AssertionError("duplicate row " + key + " in " + sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return out;
    }
}
