package io.zonewatch.dashboards;

import io.zonewatch.dashboards.GrafanaSql.TimeRange;
import io.zonewatch.dashboards.GrafanaSql.Variable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The expansion that {@link DashboardsTest} relies on, held to the cases of Grafana's own
 * {@code macros_test.go} (grafana-postgresql-datasource) and to the SQL data sources' variable
 * formatting; and the PromQL name extraction.
 */
class GrafanaSqlTest {
    private static final Instant FROM = Instant.parse("2018-04-12T18:00:00Z");
    private static final TimeRange RANGE = new TimeRange(FROM, FROM.plusSeconds(300));
    private static final Duration INTERVAL = Duration.ofMinutes(10);

    private static String plain(String sql) {
        return GrafanaSql.expandMacros(sql, RANGE, false, INTERVAL);
    }

    private static String timescale(String sql) {
        return GrafanaSql.expandMacros(sql, RANGE, true, INTERVAL);
    }

    @Test
    void macrosExpandAsGrafanasPostgresEngine() {
        assertEquals("select time_column AS \"time\"", plain("select $__time(time_column)"));
        assertEquals("select min(time_column AS \"time\")", plain("select min($__time(time_column))"));
        assertEquals("WHERE time_column BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00Z'",
                plain("WHERE $__timeFilter(time_column)"));
        assertEquals("select '2018-04-12T18:00:00Z'", plain("select $__timeFrom()"));
        assertEquals("select '2018-04-12T18:05:00Z'", plain("select $__timeTo()"));
        assertEquals("SELECT floor(extract(epoch from time_column)/300)*300 AS \"time\", value",
                plain("SELECT $__timeGroup(time_column,'5m'), value"));
        assertEquals("SELECT floor(extract(epoch from time_column)/300)*300 as time, value",
                plain("SELECT $__timeGroup(time_column,'5m') as time, value"));
        assertEquals("SELECT floor(extract(epoch from time_column)/300)*300", plain("SELECT $__timeGroup(time_column,'5m')"));
        assertEquals("SELECT floor(extract(epoch from time_column)/300)*300 AS \"time\"",
                plain("SELECT $__timeGroupAlias(time_column,'5m')"));
        assertEquals("floor(extract(epoch from time_column)/300)*300", plain("$__timeGroup(time_column , '5m')"));
        assertEquals("GROUP BY time_bucket('300.000s',time_column)", timescale("GROUP BY $__timeGroup(time_column,'5m')"));
        assertEquals("GROUP BY time_bucket('300.000s',time_column)", timescale("GROUP BY $__timeGroup(time_column , '5m')"));
        assertEquals("GROUP BY time_bucket('1036800.000s',time_column)", timescale("GROUP BY $__timeGroup(time_column , '12d')"));
        assertEquals("GROUP BY time_bucket('0.020s',time_column)", timescale("GROUP BY $__timeGroup(time_column , '20ms')"));
        assertEquals("select time >= 1523556000 AND time <= 1523556300", plain("select $__unixEpochFilter(time)"));
        assertEquals("select time >= 1523556000000000000 AND time <= 1523556300000000000", plain("select $__unixEpochNanoFilter(time)"));
        assertEquals("SELECT floor((time_column+time_adjustment)/300)*300",
                plain("SELECT $__unixEpochGroup(time_column+time_adjustment,'5m')"));
        // sqleng's global substitutions run first
        assertEquals("SELECT 10m, 600000, 1523556000, 1523556300",
                plain("SELECT $__interval, $__interval_ms, $__unixEpochFrom(), $__unixEpochTo()"));
        assertThrows(IllegalArgumentException.class, () -> plain("SELECT $__nope(x)"));
        assertThrows(IllegalArgumentException.class, () -> plain("WHERE $__timeFilter()"));
    }

    @Test
    void timeFilterKeepsFractionsAndOldDates() {
        TimeRange sixties = new TimeRange(Instant.parse("1960-02-01T07:00:00.5Z"), Instant.parse("1980-02-03T08:00:00.5Z"));
        assertEquals("WHERE c BETWEEN '1960-02-01T07:00:00.5Z' AND '1980-02-03T08:00:00.5Z'",
                GrafanaSql.expandMacros("WHERE $__timeFilter(c)", sixties, false, INTERVAL));
        assertEquals("select time >= -312915600 AND time <= 318412800",
                GrafanaSql.expandMacros("select $__unixEpochFilter(time)", sixties, false, INTERVAL));
    }

    @Test
    void largeBucketsPrintLikeGo() {
        assertEquals("floor(extract(epoch from t)/1.0368e+06)*1.0368e+06", plain("$__timeGroup(t,'12d')"));
        assertEquals("floor(extract(epoch from t)/86400)*86400", plain("$__timeGroup(t,'1d')"));
        assertEquals("floor(extract(epoch from t)/0.02)*0.02", plain("$__timeGroup(t,'20ms')"));
    }

    @Test
    void variablesAreFormattedAsTheSqlDataSourcesDo() {
        Variable single = new Variable("platform", List.of("ZJ-O'X"), List.of("奥"), false, false, false);
        Variable multi = new Variable("ind", List.of("a", "b"), List.of("A", "B"), true, true, true);
        Variable repeated = multi.scoped(1);
        Map<String, Variable> vars = Map.of("platform", single, "ind", multi, "one", repeated.withName("one"));
        assertEquals("p = 'ZJ-O''X' AND p = 'ZJ-O''X' AND p = 'ZJ-O''X'",
                GrafanaSql.interpolateVariables("p = '$platform' AND p = '${platform}' AND p = '[[platform]]'", vars));
        assertEquals("i IN ('a','b')", GrafanaSql.interpolateVariables("i IN ($ind)", vars));
        assertEquals("i IN ('b')", GrafanaSql.interpolateVariables("i IN ($one)", vars));
        assertEquals("a,b | 'a','b' | A + B", GrafanaSql.interpolateVariables("${ind:csv} | ${ind:sqlstring} | ${ind:text}", vars));
        assertEquals("$__timeFilter(period) AND $unknown", GrafanaSql.interpolateVariables("$__timeFilter(period) AND $unknown", vars));
    }

    @Test
    void promQlMetricNames() {
        assertEquals(Set.of("vertx_http_server_requests_total"), PromQl.metricNames(
                "sum by (method) (rate(vertx_http_server_requests_total{instance=~\"$instance\", code=~\"5..\"}[$__rate_interval]))"));
        assertEquals(Set.of("a_total", "b_seconds_count"), PromQl.metricNames(
                "(sum(rate(a_total[5m])) or vector(0)) / on (instance) group_left (job) sum(rate(b_seconds_count[5m])) by (instance) > bool 0.5"));
        assertEquals(Set.of("jvm_memory_used_bytes"), PromQl.metricNames("label_values(jvm_memory_used_bytes, instance)"));
        assertEquals(Set.of(), PromQl.metricNames("label_values(instance)"));
        assertEquals(Set.of("x"), PromQl.metricNames("max_over_time(x[1h:5m]) offset 1d"));
        PromQl.Exposition e = PromQl.Exposition.parse("""
                # TYPE h_seconds histogram
                h_seconds_bucket{le="1"} 1
                # TYPE s_seconds summary
                s_seconds_count 1
                s_seconds_sum 1
                # TYPE c_total counter
                c_total 3
                """);
        assertTrue(e.exports("h_seconds_bucket"));
        assertTrue(e.exports("h_seconds_sum"), "a histogram's _sum counts when the family is exported");
        assertTrue(e.exports("s_seconds_count"));
        assertFalse(e.exports("s_seconds_bucket"), "a summary has no buckets");
        assertTrue(e.exports("c_total"));
        assertFalse(e.exports("c"));
        assertFalse(e.exports("zonewatch_does_not_exist"));
    }
}
