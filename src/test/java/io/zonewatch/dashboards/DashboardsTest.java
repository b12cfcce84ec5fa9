package io.zonewatch.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonewatch.config.Config;
import io.zonewatch.dashboards.GrafanaSql.TimeRange;
import io.zonewatch.dashboards.GrafanaSql.Variable;
import io.zonewatch.reporting.ReportingWorker;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.zonewatch.dashboards.DashboardQueries.dashboard;
import static io.zonewatch.dashboards.DashboardQueries.dataSourceUid;
import static io.zonewatch.dashboards.DashboardQueries.expand;
import static io.zonewatch.dashboards.DashboardQueries.panels;
import static io.zonewatch.dashboards.DashboardQueries.scopeLabel;
import static io.zonewatch.dashboards.DashboardQueries.scopes;
import static io.zonewatch.dashboards.DashboardQueries.timescaledbFlag;
import static io.zonewatch.dashboards.DashboardQueries.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the Grafana provisioning under {@code dashboards/} true to the database and the service: every
 * dashboard and alert-rule query, expanded exactly as Grafana expands it ({@link GrafanaSql}), runs as the
 * read-only role {@code zonewatch_reader} on the demo data set and returns rows; every PromQL query names
 * metrics that {@code /metrics} exports; the provisioning files agree with each other.
 */
class DashboardsTest {
    private static final Path DIR = DashboardQueries.DIR;
    private static final String PG_UID = DashboardQueries.PG_UID;
    private static final String PG_TYPE = "grafana-postgresql-datasource";
    private static final String PROM_UID = DashboardQueries.PROM_UID;
    private static final String EXPR_UID = "__expr__";
    private static final Set<String> GRAFANA_UIDS = Set.of("-- Grafana --", "grafana");
    private static final Map<String, String> DASHBOARDS = DashboardQueries.DASHBOARDS;

    /**
     * The dashboards' time range in this test: from the demo's first quarter (2016Q1) to the end of today,
     * so that the demo's quarters (2016Q1–2025Q4) and its feeds (received when the demo is loaded) are in it.
     */
    private static final TimeRange RANGE = new TimeRange(Instant.parse("2016-01-01T00:00:00Z"),
            LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());

    private static TestService service;
    private static final List<Timing> TIMINGS = Collections.synchronizedList(new ArrayList<>());

    private record Timing(String where, long nanos) {
    }

    /**
     * What the test plants on the demo for the data-quality columns and panels (docs/domain.md section 4). The demo's
     * year-end runs are computed before its warnings are evaluated, so they hold nothing; after the load:
     * <ul>
     * <li>{@link #HELD_PLATFORM}'s 2025Q4 tax revenue is sent again in 元 without a unit (10,000x: a critical
     * suspect_unit warning), mu_benefit 2025 is recomputed, holds that platform's tax_per_mu, and is published
     * with an override and {@link #OVERRIDE_REASON}. The same platform's R&D intensity (the demo's planted
     * peer outlier, about 12 % against 3-4.5 %) is capped at mu_benefit's cap of 2 and carries its
     * peer_outlier warning.</li>
     * <li>{@link #LATE_PLATFORM}, active in 2024 only, reports nothing, so with a completeness threshold of
     * 99 % zone_development 2024 is refused, then forced (incomplete) and published.</li>
     * </ul>
     */
    static final String HELD_PLATFORM = io.zonewatch.demo.DemoDataGenerator.RD_OUTLIER_PLATFORM;
    static final String LATE_PLATFORM = "ZZ-TEST-2024";
    static final String OVERRIDE_REASON = "税收单位误报已电话核实，更正件在途；按插补值发布";
    private static long plantedUnitAlert;
    private static long heldRun;
    private static long incompleteRun;
    private static long provisionalRun;

    @BeforeAll
    static void start() {
        service = TestService.start(Map.of(Config.DEMO, "true", Config.RANKING_COMPLETENESS, "99"));
        service.platforms(LATE_PLATFORM + ",测试停报园区,provincial,town_park,丽水市,,2024-01-01,2024-12-31\n");
        String bureau = service.token("bureau", null);
        String tax = service.text("SELECT value FROM observation_current WHERE platform_code = '" + HELD_PLATFORM
                + "' AND indicator_code = 'tax_revenue' AND period = '2025-10-01'");
        Api.Response fed = service.api.feed(bureau, "platform_code,indicator_code,period,value\n" + HELD_PLATFORM
                + ",tax_revenue,2025Q4," + new java.math.BigDecimal(tax).multiply(java.math.BigDecimal.valueOf(10_000)).toPlainString() + "\n", null);
        assertEquals(201, fed.status(), fed.toString());
        service.evaluateAlerts();
        service.zoneWatch.alerts().sweepMissing().toCompletionStage().toCompletableFuture().join();
        service.zoneWatch.alertWorker().refreshGauges().toCompletionStage().toCompletableFuture().join();
        // The per-quarter summaries the indicator and submission panels read (the worker does this after each feed).
        service.zoneWatch.vertx().eventBus().request(ReportingWorker.REFRESH, "").toCompletionStage().toCompletableFuture().join();
        plantedUnitAlert = service.scalar("SELECT id FROM alert WHERE rule = 'suspect_unit' AND platform_code = '" + HELD_PLATFORM
                + "' AND indicator_code = 'tax_revenue' AND period = '2025-10-01' AND state = 'open'");

        Api.Response run = service.api.post("/api/v1/rankings/2025/runs?scheme=mu_benefit", bureau, null, new byte[0]);
        assertEquals(201, run.status(), run.toString());
        heldRun = run.json().getLong("runId");
        String publish = "/api/v1/rankings/2025/runs/" + heldRun + "/publish";
        assertEquals(409, service.api.post(publish, TestService.ADMIN, null, new byte[0]).status(), "held: refused without an override");
        Api.Response published = service.api.postJson(publish, TestService.ADMIN,
                new io.vertx.core.json.JsonObject().put("override", true).put("reason", OVERRIDE_REASON));
        assertEquals(200, published.status(), published.toString());

        Api.Response refused = service.api.post("/api/v1/rankings/2024/runs?scheme=zone_development", bureau, null, new byte[0]);
        assertEquals(422, refused.status(), refused.toString());
        Api.Response forced = service.api.post("/api/v1/rankings/2024/runs?scheme=zone_development&force=true", bureau, null, new byte[0]);
        assertEquals(201, forced.status(), forced.toString());
        incompleteRun = forced.json().getLong("runId");
        Api.Response plain = service.api.post("/api/v1/rankings/2024/runs/" + incompleteRun + "/publish", TestService.ADMIN, null, new byte[0]);
        assertEquals(200, plain.status(), plain.toString());
        Api.Response quarter = service.api.post("/api/v1/rankings/2025/runs?scheme=mu_benefit&quarter=3&force=true", bureau, null, new byte[0]);
        assertEquals(201, quarter.status(), quarter.toString());
        provisionalRun = quarter.json().getLong("runId");
        // Planner statistics, as autovacuum has them shortly after a load, so the timings mean something.
        TestDatabase.execute(service.db, "ANALYZE");
    }

    @AfterAll
    static void stop() {
        if (service != null) service.close();
        if (TIMINGS.isEmpty()) return;
        List<Timing> sorted = new ArrayList<>(TIMINGS);
        sorted.sort(Comparator.comparingLong(Timing::nanos).reversed());
        Timing slowest = sorted.get(0);
        System.out.printf("slowest panel query on the demo data: %s in %.1f ms%n", slowest.where(), slowest.nanos() / 1e6);
        System.out.println("slowest dashboard queries (second run, as zonewatch_reader):");
        sorted.stream().limit(8).forEach(t -> System.out.printf("  %7.1f ms  %s%n", t.nanos() / 1e6, t.where()));
    }

    // ================================================================== dashboards: structure

    @Test
    void everyDashboardParsesHasItsUidAndTitleAndUsesOnlyProvisionedDataSources() throws IOException {
        Set<String> files;
        try (Stream<Path> s = Files.walk(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".json")).map(p -> DIR.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(DASHBOARDS.keySet(), files, "the dashboard files under dashboards/");
        Set<String> titles = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : DASHBOARDS.entrySet()) {
            JsonNode d = dashboard(e.getKey());
            String name = e.getKey();
            assertEquals(e.getValue(), d.path("uid").asText(), name + ": uid");
            String title = d.path("title").asText();
            assertTrue(title.matches(".*\\p{IsHan}.*\\(.*[A-Za-z].*\\)"), name + ": Chinese title with English in brackets: " + title);
            assertTrue(titles.add(title), "titles are unique: " + title);
            assertTrue(d.path("time").path("from").asText().startsWith("now-"), name + ": a relative time range");
            assertFalse(d.path("refresh").asText().isBlank(), name + ": refresh");
            assertTrue(d.path("tags").toString().contains("\"zonewatch\""), name + ": tagged zonewatch (dashboard links use the tag)");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : panels(d)) {
                String where = name + " / " + p.path("title").asText();
                if (!ids.add(p.path("id").asInt(-1))) problems.add(where + ": duplicate or missing panel id");
                if (p.path("gridPos").path("w").asInt() <= 0) problems.add(where + ": gridPos");
                if (p.path("type").asText().equals("row")) continue;
                if (p.path("targets").isEmpty()) problems.add(where + ": no query");
                for (JsonNode t : p.path("targets")) checkTarget(where, p, t, problems);
            }
            walkDataSources(d, "", false, (ref) -> {
                String uid = ref.node().isObject() ? ref.node().path("uid").asText() : ref.node().asText();
                String type = ref.node().path("type").asText();
                if (!ref.node().isObject()) problems.add(name + ref.path() + ": data source by name, not by uid: " + uid);
                else if (uid.equals(PG_UID) && !type.equals(PG_TYPE)) problems.add(name + ref.path() + ": type " + type);
                else if (uid.equals(PROM_UID) && !type.equals("prometheus")) problems.add(name + ref.path() + ": type " + type);
                else if (GRAFANA_UIDS.contains(uid) && !ref.inAnnotations()) problems.add(name + ref.path() + ": Grafana data source outside annotations");
                else if (!uid.equals(PG_UID) && !uid.equals(PROM_UID) && !GRAFANA_UIDS.contains(uid)) {
                    problems.add(name + ref.path() + ": data source uid not provisioned: " + uid);
                }
            });
        }
        assertEquals(List.of(), problems);
    }

    private static void checkTarget(String where, JsonNode panel, JsonNode t, List<String> problems) {
        if (t.path("refId").asText().isBlank()) problems.add(where + ": target without refId");
        String uid = dataSourceUid(panel, t);
        if (uid.equals(PG_UID)) {
            String sql = t.path("rawSql").asText();
            if (sql.isBlank() || !t.path("rawQuery").asBoolean()) problems.add(where + ": SQL target without rawSql");
            String format = t.path("format").asText();
            if (!format.equals("table") && !format.equals("time_series")) problems.add(where + ": format " + format);
            problems.addAll(sqlProblems(where, sql, true));
        } else if (uid.equals(PROM_UID)) {
            if (t.path("expr").asText().isBlank()) problems.add(where + ": Prometheus target without expr");
        } else {
            problems.add(where + ": target data source " + uid);
        }
    }

    private static final Pattern RELATION = Pattern.compile("(?i)\\b(?:from|join)\\s+([a-z_][\\w.]*)");
    private static final Pattern CTE = Pattern.compile("(?i)\\b([a-z_]\\w*)\\s+AS\\s*\\(");

    /** Reporting views only, a time filter on panels, no $__timeGroup (no calendar quarters), no comments. */
    static List<String> sqlProblems(String where, String sql, boolean panel) {
        List<String> problems = new ArrayList<>();
        if (panel && !sql.contains("$__timeFilter(")) problems.add(where + ": no $__timeFilter");
        if (sql.contains("$__timeGroup")) {
            problems.add(where + ": $__timeGroup (time_bucket on TimescaleDB, seconds elsewhere: no calendar quarters)");
        }
        if (sql.contains("--") || sql.contains("/*")) problems.add(where + ": SQL comment (newer Grafanas strip them before macros)");
        Set<String> ctes = new HashSet<>();
        Matcher c = CTE.matcher(sql);
        while (c.find()) ctes.add(c.group(1).toLowerCase());
        Matcher m = RELATION.matcher(sql);
        while (m.find()) {
            String rel = m.group(1).toLowerCase();
            if (!rel.startsWith("reporting.") && !ctes.contains(rel) && !rel.equals("generate_series")) {
                problems.add(where + ": reads " + rel + " (only reporting.* views)");
            }
        }
        if (!sql.contains("reporting.")) problems.add(where + ": reads no reporting view");
        return problems;
    }

    @Test
    void dashboardsHaveTheirVariablesAndWarningAnnotations() {
        JsonNode leaders = dashboard("leaders-overview.json");
        assertEquals(List.of("scheme", "year"), variableNames(leaders));
        assertTrue(hasTagAnnotation(leaders, "zonewatch"), "leaders' overview: annotations from ZoneWatch's warnings");
        JsonNode platform = dashboard("platform-detail.json");
        assertTrue(variableNames(platform).contains("platform"));
        assertTrue(variable(platform, "platform").toString().contains("reporting.platforms"));
        assertTrue(hasTagAnnotation(platform, "$platform"), "platform detail: that platform's warnings as annotations");
        assertTrue(variableNames(dashboard("indicator-monitor.json")).contains("indicator"));
        for (String file : DASHBOARDS.keySet()) {
            JsonNode d = dashboard(file);
            for (JsonNode a : d.path("annotations").path("list")) {
                assertTrue(GRAFANA_UIDS.contains(a.path("datasource").path("uid").asText()), file + ": annotations from Grafana's own store");
            }
        }
        // every SQL panel of the leaders' overview follows the selected scheme and year or the time range
        for (JsonNode p : panels(leaders)) {
            for (JsonNode t : p.path("targets")) assertTrue(t.path("rawSql").asText().contains("$__timeFilter("), p.path("title").asText());
        }
    }

    // ================================================================== dashboards: SQL against the database

    @Test
    void everySqlQueryRunsAsTheReaderRoleAndReturnsRows() throws SQLException {
        boolean timescaledb = timescaledbFlag();
        List<String> problems = new ArrayList<>();
        int queries = 0;
        try (Connection c = reader()) {
            for (String file : DASHBOARDS.keySet()) {
                JsonNode d = dashboard(file);
                Map<String, Variable> vars = DashboardQueries.resolveVariables(file, d, sql -> {
                    Result r = run(c, sql);
                    return new DashboardQueries.Rows(r.columns(), r.rows());
                }, RANGE, timescaledb, problems, null, null);
                for (JsonNode p : panels(d)) {
                    for (JsonNode t : p.path("targets")) {
                        if (!dataSourceUid(p, t).equals(PG_UID)) continue;
                        for (Map<String, Variable> scope : scopes(p, vars)) {
                            String where = file + " / " + p.path("title").asText() + scopeLabel(p, scope);
                            queries++;
                            String sql;
                            try {
                                sql = expand(t.path("rawSql").asText(), scope, RANGE, timescaledb);
                            } catch (RuntimeException e) {
                                problems.add(where + ": " + e.getMessage());
                                continue;
                            }
                            Result r;
                            try {
                                run(c, sql);                    // warm-up: plans and caches, as a dashboard in use has
                                r = run(c, sql);
                            } catch (SQLException e) {
                                problems.add(where + ": " + e.getMessage() + "\n" + sql);
                                continue;
                            }
                            TIMINGS.add(new Timing(where, r.nanos()));
                            if (r.rows().isEmpty()) problems.add(where + ": no rows on the demo data\n" + sql);
                            boolean timeSeries = t.path("format").asText().equals("time_series");
                            String type = p.path("type").asText();
                            if (timeSeries || type.equals("timeseries") || type.equals("state-timeline")) {
                                problems.addAll(timeColumnProblems(where, r, timeSeries));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(queries >= 40, "SQL panel queries checked: " + queries);
        assertEquals(List.of(), problems);
    }

    @Test
    void theReaderRoleSeesTheReportingViewsAndNothingElse() throws SQLException {
        try (Connection c = reader()) {
            assertEquals(1, run(c, "SELECT count(*) FROM reporting.platforms").rows().size());
            SQLException denied = assertThrows(SQLException.class, () -> run(c, "SELECT count(*) FROM alert"));
            assertTrue(denied.getMessage().contains("permission denied"), denied.getMessage());
        }
    }

    private static List<String> timeColumnProblems(String where, Result r, boolean needsValue) {
        List<String> problems = new ArrayList<>();
        int time = r.columns().indexOf("time");
        if (time < 0) {
            problems.add(where + ": no column named time: " + r.columns());
            return problems;
        }
        int type = r.types().get(time);
        if (type != Types.TIMESTAMP && type != Types.TIMESTAMP_WITH_TIMEZONE && type != Types.DATE) {
            problems.add(where + ": time column of SQL type " + type);
        }
        if (needsValue && r.types().stream().filter(DashboardsTest::numeric).count() == 0) {
            problems.add(where + ": no numeric column: " + r.columns());
        }
        Timestamp last = null;
        for (List<Object> row : r.rows()) {
            Object v = row.get(time);
            Timestamp ts = v instanceof Timestamp t ? t : v instanceof java.sql.Date dt ? new Timestamp(dt.getTime()) : null;
            if (ts != null && last != null && ts.before(last)) {
                problems.add(where + ": rows not in time order (Grafana needs ascending time)");
                break;
            }
            if (ts != null) last = ts;
        }
        return problems;
    }

    private static boolean numeric(int sqlType) {
        return switch (sqlType) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.NUMERIC, Types.DECIMAL, Types.DOUBLE, Types.FLOAT,
                 Types.REAL -> true;
            default -> false;
        };
    }

    // ================================================================== dashboards: the data-quality gate (issue 13)

    @Test
    void theLeadersRankingTableSaysWhichEntriesRestOnHeldCappedOrOutlyingValues() throws SQLException {
        JsonNode table = panel("leaders-overview.json", "年度综合排名");
        try (Connection c = reader()) {
            Result r = runPanel(c, "leaders-overview.json", table, Map.of("scheme", "mu_benefit", "year", "2025"), RANGE);
            Map<String, String> quality = new TreeMap<>();
            for (List<Object> row : r.rows()) {
                String text = text(r, row, "数据质量");
                if (!text.isEmpty()) quality.put(text(r, row, "代码"), text);
            }
            // The planted unit error held the platform's tax per mu; its R&D intensity (the demo's planted
            // outlier) is at mu_benefit's cap of 2; both carry a peer_outlier warning. Five more platforms
            // have one indicator at the cap.
            assertEquals("暂不采用 1 项 · 封顶 1 项 · 离群 2 项", quality.get(HELD_PLATFORM));
            assertEquals(Map.of(HELD_PLATFORM, "暂不采用 1 项 · 封顶 1 项 · 离群 2 项", "ZJ-JX-JS-ETDZ", "封顶 1 项",
                    "ZJ-JX-PH-ETDZ", "封顶 1 项", "ZJ-JX-TX-ETDZ", "封顶 1 项", "ZJ-NB-DX-ETDZ", "封顶 1 项", "ZJ-SX-HTZ", "封顶 1 项"), quality);
            // ... as many as the run's own breakdown flags (read past the reporting views, as the service stores it)
            assertEquals(service.scalar("SELECT count(DISTINCT platform_code) FROM ranking_component WHERE run_id = " + heldRun
                    + " AND (held OR capped OR outlier OR imputed)"), quality.size());
            assertEquals(63, r.rows().size(), "ranked platforms");
            assertEquals(57, r.rows().size() - quality.size(), "the other entries: an empty cell");

            // Cell colours: held entries orange, any other finding blue, none uncoloured.
            List<Pattern> patterns = new ArrayList<>();
            List<String> colours = new ArrayList<>();
            for (JsonNode m : override(table, "数据质量", "mappings")) {
                assertEquals("regex", m.path("type").asText());
                patterns.add(Pattern.compile(m.path("options").path("pattern").asText()));
                colours.add(m.path("options").path("result").path("color").asText());
            }
            assertEquals("orange", colour(patterns, colours, quality.get(HELD_PLATFORM)));
            assertEquals("blue", colour(patterns, colours, "封顶 1 项"));
            assertEquals(null, colour(patterns, colours, ""));
            assertEquals("color-text", override(table, "数据质量", "custom.cellOptions").path("type").asText());

            // A run without findings: every cell empty.
            Result clean = runPanel(c, "leaders-overview.json", table, Map.of("scheme", "zone_development", "year", "2024"), RANGE);
            assertEquals(63, clean.rows().size());
            for (List<Object> row : clean.rows()) assertEquals("", text(clean, row, "数据质量"), String.valueOf(row));
        }
    }

    @Test
    void theLeadersNoteSaysWhenARunIsIncompleteOrPublishedOverTheDataQualityCheck() throws SQLException {
        JsonNode note = panel("leaders-overview.json", "本次排名数据质量");
        assertEquals("stat", note.path("type").asText());
        assertEquals("/^数据质量$/", note.path("options").path("reduceOptions").path("fields").asText(), "the stat shows the text column");
        List<Pattern> patterns = new ArrayList<>();
        List<String> colours = new ArrayList<>();
        for (JsonNode m : note.path("fieldConfig").path("defaults").path("mappings")) {
            patterns.add(Pattern.compile(m.path("options").path("pattern").asText()));
            colours.add(m.path("options").path("result").path("color").asText());
        }
        try (Connection c = reader()) {
            String overridden = onlyText(runPanel(c, "leaders-overview.json", note, Map.of("scheme", "mu_benefit", "year", "2025"), RANGE));
            assertEquals("越过数据质量检查发布：" + OVERRIDE_REASON, overridden);
            assertEquals("red", colour(patterns, colours, overridden));
            // 63 of the 64 platforms active at the end of 2024 reported (the test's platform did not): 98.4 %
            String incomplete = onlyText(runPanel(c, "leaders-overview.json", note, Map.of("scheme", "zone_development", "year", "2024"), RANGE));
            assertEquals("报送不完整，报送率 98.4%", incomplete);
            assertEquals("orange", colour(patterns, colours, incomplete));
            String plain = onlyText(runPanel(c, "leaders-overview.json", note, Map.of("scheme", "mu_benefit", "year", "2024"), RANGE));
            assertEquals("报送完整，已通过数据质量检查发布", plain);
            assertEquals("green", colour(patterns, colours, plain));
        }
    }

    @Test
    void thePlatformBreakdownFlagsHeldCappedAndOutlyingValues() throws SQLException {
        JsonNode breakdown = panel("platform-detail.json", "得分构成");
        try (Connection c = reader()) {
            Result r = runPanel(c, "platform-detail.json", breakdown, Map.of("platform", HELD_PLATFORM, "scheme", "mu_benefit"), RANGE);
            Map<String, List<String>> flags = new TreeMap<>();
            for (List<Object> row : r.rows()) {
                assertEquals(2025, ((Number) row.get(r.columns().indexOf("年度"))).intValue());
                flags.put(text(r, row, "指标"), List.of(text(r, row, "暂不采用"), text(r, row, "插补"), text(r, row, "缩尾"),
                        text(r, row, "封顶"), text(r, row, "离群")));
            }
            List<String> none = List.of("", "", "", "", "");
            assertEquals(Map.of(
                    "亩均税收", List.of("暂不采用（预警 #" + plantedUnitAlert + "）", "插补", "", "", "离群"),
                    service.text("SELECT name_zh FROM indicator WHERE code = 'rd_intensity'"), List.of("", "", "", "封顶", "离群"),
                    service.text("SELECT name_zh FROM indicator WHERE code = 'value_added_per_mu'"), none,
                    service.text("SELECT name_zh FROM indicator WHERE code = 'value_added_per_energy'"), none,
                    service.text("SELECT name_zh FROM indicator WHERE code = 'value_added_per_cod'"), none,
                    service.text("SELECT name_zh FROM indicator WHERE code = 'labour_productivity'"), none), flags);
            for (String column : List.of("暂不采用", "封顶", "离群")) {
                assertEquals("color-text", override(breakdown, column, "custom.cellOptions").path("type").asText(), column);
            }
        }
    }

    @Test
    void theWarningTablesListTheHeldValues() throws SQLException {
        JsonNode leaders = panel("leaders-overview.json", "暂不采用的数值");
        JsonNode monitor = panel("indicator-monitor.json", "暂不采用的数值");
        for (JsonNode p : List.of(leaders, monitor)) {
            String sql = p.path("targets").get(0).path("rawSql").asText();
            assertTrue(sql.contains("FROM reporting.held_values") && sql.contains("$__timeFilter(period)"), sql);
        }
        // reporting.held_values (V15) lists every held value of the newest run of each period, ranked or not:
        // the planted year-end unit error; in the provisional 2025Q3 run the demo's unit error (Q3 against
        // Q2's inflated value), whose four held value-added ratios cost the platform its rank, and the
        // demo's YTD fall of tax revenue.
        List<String> yearEnd = List.of("2025年度", "舟山高新技术产业园区", HELD_PLATFORM, "亩均税收", "suspect_unit", "tax_revenue",
                "2025Q4", "open", Long.toString(plantedUnitAlert), Long.toString(heldRun), "参评");
        String unitPlatform = io.zonewatch.demo.DemoDataGenerator.SUSPECT_UNIT_PLATFORM;
        String unitAlert = Long.toString(service.scalar("SELECT id FROM alert WHERE rule = 'suspect_unit' AND platform_code = '"
                + unitPlatform + "' AND indicator_code = 'industrial_value_added' AND period = '2025-07-01'"));
        List<List<String>> q3 = new ArrayList<>();
        for (String held : List.of("labour_productivity", "value_added_per_cod", "value_added_per_energy", "value_added_per_mu")) {
            q3.add(List.of("2025Q3 临时", service.text("SELECT name FROM platform WHERE code = '" + unitPlatform + "'"), unitPlatform,
                    service.text("SELECT name_zh FROM indicator WHERE code = '" + held + "'"), "suspect_unit", "industrial_value_added",
                    "2025Q3", "open", unitAlert, Long.toString(provisionalRun), "未参评"));
        }
        q3.add(List.of("2025Q3 临时", "温岭经济开发区", io.zonewatch.demo.DemoDataGenerator.YTD_DECREASE_PLATFORM, "亩均税收",
                "ytd_decrease", "tax_revenue", "2025Q3", "open",
                Long.toString(service.scalar("SELECT id FROM alert WHERE rule = 'ytd_decrease' AND platform_code = '"
                        + io.zonewatch.demo.DemoDataGenerator.YTD_DECREASE_PLATFORM + "' AND period = '2025-07-01'")),
                Long.toString(provisionalRun), "参评"));
        List<List<String>> all = new ArrayList<>();
        all.add(yearEnd);
        all.addAll(q3);
        List<String> columns = List.of("排名期", "平台", "代码", "暂不采用的指标", "规则", "预警指标", "预警季度", "预警状态", "预警编号", "排名运行", "参评");
        try (Connection c = reader()) {
            Result r = runPanel(c, "leaders-overview.json", leaders, Map.of("scheme", "mu_benefit", "year", "2025"), RANGE);
            assertEquals(columns, r.columns());
            assertEquals(all, texts(r), "newest period first");
            assertEquals(List.of(), texts(runPanel(c, "leaders-overview.json", leaders, Map.of("scheme", "zone_development", "year", "2025"), RANGE)));
            // Grafana's time range: up to the middle of 2025 neither (the year-end run's period is its fourth quarter).
            TimeRange early = new TimeRange(RANGE.from(), Instant.parse("2025-06-30T00:00:00Z"));
            assertEquals(List.of(), texts(runPanel(c, "leaders-overview.json", leaders, Map.of("scheme", "mu_benefit", "year", "2025"), early)));
            TimeRange third = new TimeRange(Instant.parse("2025-07-01T00:00:00Z"), Instant.parse("2025-09-30T00:00:00Z"));
            assertEquals(q3, texts(runPanel(c, "leaders-overview.json", leaders, Map.of("scheme", "mu_benefit", "year", "2025"), third)));

            // The indicator monitor: by the ranked indicator or the indicator the warning is on, with the scheme.
            List<String> withScheme = new ArrayList<>(yearEnd);
            withScheme.add(1, "mu_benefit");
            for (String indicator : List.of("tax_per_mu", "tax_revenue")) {
                Result m = runPanel(c, "indicator-monitor.json", monitor, Map.of("indicator", indicator), RANGE);
                assertEquals("方案", m.columns().get(1));
                assertEquals(2, m.rows().size(), indicator);
                assertEquals(withScheme, texts(m).get(0), indicator);
            }
            assertEquals(List.of(), texts(runPanel(c, "indicator-monitor.json", monitor, Map.of("indicator", "rd_intensity"), RANGE)));
        }
    }

    private static JsonNode panel(String file, String titlePrefix) {
        List<JsonNode> found = panels(dashboard(file)).stream().filter(p -> p.path("title").asText().startsWith(titlePrefix)).toList();
        assertEquals(1, found.size(), file + ": one panel titled " + titlePrefix + "...");
        return found.get(0);
    }

    /** A panel's first query with the given variable values, as Grafana sends it. */
    private static Result runPanel(Connection c, String file, JsonNode panel, Map<String, String> values, TimeRange range) throws SQLException {
        Map<String, Variable> vars = new LinkedHashMap<>();
        values.forEach((name, value) -> vars.put(name, new Variable(name, List.of(value), List.of(value), false, false, false)));
        return run(c, expand(panel.path("targets").get(0).path("rawSql").asText(), vars, range, timescaledbFlag()));
    }

    private static JsonNode override(JsonNode panel, String field, String property) {
        for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
            if (!o.path("matcher").path("options").asText().equals(field)) continue;
            for (JsonNode p : o.path("properties")) if (p.path("id").asText().equals(property)) return p.path("value");
        }
        throw new AssertionError(panel.path("title").asText() + ": no " + property + " for " + field);
    }

    /** The colour of the first regex value mapping that matches, as Grafana picks it (null: none matches). */
    private static String colour(List<Pattern> patterns, List<String> colours, String value) {
        for (int i = 0; i < patterns.size(); i++) if (patterns.get(i).matcher(value).find()) return colours.get(i);
        return null;
    }

    private static String text(Result r, List<Object> row, String column) {
        int index = r.columns().indexOf(column);
        assertTrue(index >= 0, "column " + column + " in " + r.columns());
        return String.valueOf(row.get(index));
    }

    private static String onlyText(Result r) {
        assertEquals(1, r.rows().size(), String.valueOf(r.rows()));
        assertEquals(1, r.columns().size(), String.valueOf(r.columns()));
        return String.valueOf(r.rows().get(0).get(0));
    }

    private static List<List<String>> texts(Result r) {
        return r.rows().stream().map(row -> row.stream().map(String::valueOf).toList()).toList();
    }

    // ================================================================== alert rules

    @Test
    void alertRulesParseReferenceTheProvisionedSourcesAndTheirSqlRuns() throws Exception {
        JsonNode file = yaml("alerting/zonewatch-rules.yaml");
        assertEquals(1, file.path("apiVersion").asInt());
        boolean timescaledb = timescaledbFlag();
        List<String> problems = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        Map<String, JsonNode> rules = new LinkedHashMap<>();
        String providerFolder = yaml("dashboards/zonewatch.yaml").path("providers").get(0).path("folder").asText();
        for (JsonNode group : file.path("groups")) {
            assertFalse(group.path("name").asText().isBlank(), "group name");
            assertEquals(providerFolder, group.path("folder").asText(), "rules live in the dashboards' folder");
            assertTrue(group.path("interval").asText().matches("\\d+[smh]"), "group interval");
            for (JsonNode rule : group.path("rules")) {
                String uid = rule.path("uid").asText();
                assertTrue(uids.add(uid) && !uid.isBlank(), "rule uids are unique: " + uid);
                assertFalse(rule.path("title").asText().isBlank(), uid + ": title");
                assertFalse(rule.path("title").asText().contains("$"), uid + ": provisioning would expand $ in a title");
                rules.put(uid, rule);
            }
        }
        assertEquals(3, rules.size(), "rules: " + rules.keySet());

        try (Connection c = reader()) {
            for (Map.Entry<String, JsonNode> e : rules.entrySet()) {
                String uid = e.getKey();
                JsonNode rule = e.getValue();
                Map<String, JsonNode> data = new LinkedHashMap<>();
                for (JsonNode q : rule.path("data")) data.put(q.path("refId").asText(), q);
                if (!data.containsKey(rule.path("condition").asText())) problems.add(uid + ": condition is not a refId");
                if (!Set.of("NoData", "Alerting", "OK", "KeepLast").contains(rule.path("noDataState").asText())) problems.add(uid + ": noDataState");
                if (!Set.of("Error", "Alerting", "OK", "KeepLast").contains(rule.path("execErrState").asText())) problems.add(uid + ": execErrState");
                if (!Set.of("info", "warning", "critical").contains(rule.path("labels").path("severity").asText())) problems.add(uid + ": severity label");
                if (rule.path("annotations").path("summary").asText().isBlank()) problems.add(uid + ": summary annotation");
                checkDashboardLink(uid, rule, problems);
                for (JsonNode q : data.values()) {
                    String ref = uid + "/" + q.path("refId").asText();
                    String ds = q.path("datasourceUid").asText();
                    JsonNode model = q.path("model");
                    if (!model.path("refId").asText().equals(q.path("refId").asText())) problems.add(ref + ": model.refId");
                    if (!model.path("datasource").path("uid").asText().equals(ds)) problems.add(ref + ": model.datasource.uid");
                    switch (ds) {
                        case EXPR_UID -> checkExpression(ref, model, data.keySet(), problems);
                        case PROM_UID -> {
                            if (model.path("expr").asText().isBlank()) problems.add(ref + ": no expr");
                            if (!q.path("relativeTimeRange").has("from")) problems.add(ref + ": relativeTimeRange");
                        }
                        case PG_UID -> checkSqlRule(ref, q, c, timescaledb, problems);
                        default -> problems.add(ref + ": data source uid not provisioned: " + ds);
                    }
                }
            }
            assertEquals(List.of(), problems);

            // The three warnings the rules watch, and that they fire on the demo's planted anomalies.
            JsonNode critical = rules.values().stream().filter(r -> r.toString().contains("zonewatch_alerts_open")).findFirst().orElseThrow();
            assertTrue(critical.toString().contains("severity=\\\"critical\\\""), "critical warnings open");
            assertTrue(criticalOpen() > 0, "the demo's critical warnings (suspect unit, YTD decrease, ...) are open");

            JsonNode red = ruleReading(rules, "reporting.target_progress");
            Result lights = run(c, expand(ruleSql(red), Map.of(), RANGE, timescaledb));
            assertTrue(number(lights, lastRow(lights), "red_lights") > 0, "the planted investment collapse is red in 2025Q4");

            JsonNode overdue = ruleReading(rules, "reporting.submission_completeness");
            Result missing = run(c, expand(ruleSql(overdue), Map.of(), RANGE, timescaledb));
            double q3 = missing.rows().stream().filter(r -> r.get(0).toString().startsWith("2025-10-25"))
                    .mapToDouble(r -> ((Number) r.get(1)).doubleValue()).findFirst().orElse(-1);
            assertTrue(q3 > 0 && q3 < 5, "2025Q3, due 2025-10-25: one platform of ~63 sent nothing: " + q3);
        }
    }

    private static void checkSqlRule(String ref, JsonNode q, Connection c, boolean timescaledb, List<String> problems) {
        JsonNode model = q.path("model");
        String sql = model.path("rawSql").asText();
        if (!model.path("format").asText().equals("time_series")) problems.add(ref + ": SQL alert queries must be time_series");
        problems.addAll(sqlProblems(ref, sql, false));
        if (!sql.contains("$__timeFilter(") && !sql.contains("$__timeFrom()")) problems.add(ref + ": not bound to the rule's time range");
        long from = q.path("relativeTimeRange").path("from").asLong(-1);
        long to = q.path("relativeTimeRange").path("to").asLong(-1);
        if (from <= to || to < 0) problems.add(ref + ": relativeTimeRange " + from + ".." + to);
        try {
            Result r = run(c, expand(sql, Map.of(), RANGE, timescaledb));
            if (r.rows().isEmpty()) problems.add(ref + ": no rows on the demo data");
            problems.addAll(timeColumnProblems(ref, r, true));
            // and over the rule's own window, as Grafana evaluates it (rows may legitimately be none)
            Instant now = Instant.now();
            run(c, expand(sql, Map.of(), new TimeRange(now.minusSeconds(from), now.minusSeconds(to)), timescaledb));
        } catch (SQLException | RuntimeException e) {
            problems.add(ref + ": " + e.getMessage());
        }
    }

    private static void checkExpression(String ref, JsonNode model, Set<String> refIds, List<String> problems) {
        String type = model.path("type").asText();
        switch (type) {
            case "reduce" -> {
                if (!refIds.contains(model.path("expression").asText())) problems.add(ref + ": reduces an unknown refId");
                if (!Set.of("last", "mean", "min", "max", "sum", "count").contains(model.path("reducer").asText())) problems.add(ref + ": reducer");
            }
            case "threshold" -> {
                if (!refIds.contains(model.path("expression").asText())) problems.add(ref + ": threshold on an unknown refId");
                JsonNode conditions = model.path("conditions");
                if (conditions.size() != 1) problems.add(ref + ": a threshold has exactly one condition");
                JsonNode evaluator = conditions.path(0).path("evaluator");
                if (!Set.of("gt", "lt", "within_range", "outside_range").contains(evaluator.path("type").asText())
                        || evaluator.path("params").isEmpty()) {
                    problems.add(ref + ": threshold evaluator " + evaluator);
                }
            }
            case "math" -> {
                if (model.path("expression").asText().isBlank()) problems.add(ref + ": math expression");
            }
            default -> problems.add(ref + ": expression type not checked here: " + type);
        }
    }

    private static void checkDashboardLink(String uid, JsonNode rule, List<String> problems) {
        if (!rule.has("dashboardUid")) return;
        String dashboardUid = rule.path("dashboardUid").asText();
        String file = DASHBOARDS.entrySet().stream().filter(e -> e.getValue().equals(dashboardUid)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        if (file == null) {
            problems.add(uid + ": links to an unknown dashboard " + dashboardUid);
            return;
        }
        int panelId = rule.path("panelId").asInt(-1);
        if (panels(dashboard(file)).stream().noneMatch(p -> p.path("id").asInt() == panelId)) {
            problems.add(uid + ": links to a panel " + panelId + " that " + dashboardUid + " does not have");
        }
    }

    private static JsonNode ruleReading(Map<String, JsonNode> rules, String view) {
        return rules.values().stream().filter(r -> ruleSql(r).contains(view)).findFirst()
                .orElseThrow(() -> new AssertionError("no alert rule reads " + view));
    }

    private static String ruleSql(JsonNode rule) {
        for (JsonNode q : rule.path("data")) {
            if (q.path("datasourceUid").asText().equals(PG_UID)) return q.path("model").path("rawSql").asText();
        }
        return "";
    }

    private static List<Object> lastRow(Result r) {
        assertFalse(r.rows().isEmpty());
        return r.rows().get(r.rows().size() - 1);
    }

    private static double number(Result r, List<Object> row, String column) {
        int index = r.columns().indexOf(column);
        assertTrue(index >= 0, "column " + column + " in " + r.columns());
        return ((Number) row.get(index)).doubleValue();
    }

    /** The gauge the critical-warnings rule reads, summed over rules as the rule does. */
    private static double criticalOpen() {
        double sum = 0;
        for (String line : metrics().split("\n")) {
            if (line.startsWith("zonewatch_alerts_open{") && line.contains("severity=\"critical\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    // ================================================================== PromQL

    @Test
    void everyPromQlQueryNamesMetricsThatTheServiceExports() throws IOException {
        PromQl.Exposition exported = PromQl.Exposition.parse(metrics());
        Map<String, String> queries = new LinkedHashMap<>();
        for (String file : DASHBOARDS.keySet()) {
            JsonNode d = dashboard(file);
            for (JsonNode p : panels(d)) {
                for (JsonNode t : p.path("targets")) {
                    if (dataSourceUid(p, t).equals(PROM_UID)) queries.put(file + " / " + p.path("title").asText() + " / " + t.path("refId").asText(), t.path("expr").asText());
                }
            }
            for (JsonNode v : d.path("templating").path("list")) {
                if (v.path("datasource").path("uid").asText().equals(PROM_UID)) {
                    queries.put(file + " / variable " + v.path("name").asText(),
                            v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText());
                }
            }
        }
        for (JsonNode group : yaml("alerting/zonewatch-rules.yaml").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                for (JsonNode q : rule.path("data")) {
                    if (q.path("datasourceUid").asText().equals(PROM_UID)) queries.put("alert rule " + rule.path("uid").asText(), q.path("model").path("expr").asText());
                }
            }
        }
        assertTrue(queries.size() >= 15, "PromQL queries checked: " + queries.size());
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        queries.forEach((where, expr) -> {
            Set<String> names = PromQl.metricNames(expr);
            if (names.isEmpty()) problems.add(where + ": names no metric: " + expr);
            for (String name : names) {
                used.add(name);
                if (!exported.exports(name)) problems.add(where + ": " + name + " is not exported by /metrics");
            }
        });
        assertEquals(List.of(), problems);
        for (String family : List.of("vertx_http_server_requests_total", "vertx_pool_in_use", "jvm_memory_used_bytes",
                "zonewatch_alert_outbox_backlog", "zonewatch_alerts_open", "zonewatch_feed_rows_total")) {
            assertTrue(used.contains(family), "service health shows " + family);
        }
    }

    private static String metrics() {
        assertEquals(200, service.api.get("/health", null).status()); // so that the HTTP server metrics exist
        return service.api.get("/metrics", null).text();
    }

    // ================================================================== provisioning files

    @Test
    void provisioningFilesParseAndAgree() throws IOException {
        JsonNode datasources = yaml("datasources/zonewatch.yaml");
        assertEquals(1, datasources.path("apiVersion").asInt());
        Map<String, JsonNode> byUid = new TreeMap<>();
        datasources.path("datasources").forEach(ds -> byUid.put(ds.path("uid").asText(), ds));
        assertEquals(Set.of(PG_UID, PROM_UID), byUid.keySet());
        JsonNode pg = byUid.get(PG_UID);
        assertEquals(PG_TYPE, pg.path("type").asText());
        assertEquals("timescaledb:5432", pg.path("url").asText());
        assertEquals("zonewatch_grafana", pg.path("user").asText());
        assertEquals("zonewatch", pg.path("jsonData").path("database").asText());
        assertEquals("disable", pg.path("jsonData").path("sslmode").asText());
        assertEquals(1700, pg.path("jsonData").path("postgresVersion").asInt());
        assertTrue(pg.path("jsonData").path("timescaledb").asBoolean());
        assertEquals("${ZONEWATCH_GRAFANA_DB_PASSWORD}", pg.path("secureJsonData").path("password").asText());
        assertFalse(pg.has("password"), "the password is only in secureJsonData");
        JsonNode prom = byUid.get(PROM_UID);
        assertEquals("prometheus", prom.path("type").asText());
        assertEquals("http://prometheus:9090", prom.path("url").asText());
        assertEquals(1, datasources.path("datasources").findValues("isDefault").stream().filter(JsonNode::asBoolean).count(),
                "one default data source");

        JsonNode dashboards = yaml("dashboards/zonewatch.yaml");
        assertEquals(1, dashboards.path("apiVersion").asInt());
        assertEquals(1, dashboards.path("providers").size());
        JsonNode provider = dashboards.path("providers").get(0);
        assertEquals("file", provider.path("type").asText());
        assertEquals("ZoneWatch", provider.path("folder").asText());
        // docker-compose mounts ./dashboards at this path: the provider finds the five JSON files there
        assertEquals("/var/lib/grafana/dashboards", provider.path("options").path("path").asText());
        for (String file : DASHBOARDS.keySet()) assertTrue(Files.isRegularFile(DIR.resolve(file)), file);

        // every data source a dashboard or rule names is provisioned
        Set<String> referenced = new TreeSet<>();
        for (String file : DASHBOARDS.keySet()) {
            walkDataSources(dashboard(file), "", false, ref -> {
                if (!ref.inAnnotations()) referenced.add(ref.node().path("uid").asText());
            });
        }
        yaml("alerting/zonewatch-rules.yaml").findValues("datasourceUid").forEach(n -> referenced.add(n.asText()));
        referenced.remove(EXPR_UID);
        assertEquals(byUid.keySet(), referenced, "data sources used = data sources provisioned");

        JsonNode contactPoints = yaml("alerting/contact-points.yaml");
        assertEquals(1, contactPoints.path("apiVersion").asInt());
        Set<String> receivers = new TreeSet<>();
        for (JsonNode cp : contactPoints.path("contactPoints")) {
            receivers.add(cp.path("name").asText());
            for (JsonNode r : cp.path("receivers")) {
                assertFalse(r.path("uid").asText().isBlank(), "receiver uid");
                assertEquals("webhook", r.path("type").asText());
                assertEquals("${ZONEWATCH_ALERT_WEBHOOK_URL}", r.path("settings").path("url").asText(), "the placeholder URL");
            }
        }
        JsonNode policies = yaml("alerting/policies.yaml");
        assertEquals(1, policies.path("apiVersion").asInt());
        assertEquals(1, policies.path("policies").size());
        List<String> routed = policies.findValues("receiver").stream().map(JsonNode::asText).toList();
        assertFalse(routed.isEmpty());
        for (String r : routed) assertTrue(receivers.contains(r), "policy routes to the contact point " + r);
        for (JsonNode group : yaml("alerting/zonewatch-rules.yaml").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertTrue(rule.path("labels").has("severity"), rule.path("uid").asText() + ": a severity label for routing");
            }
        }
    }

    // ================================================================== helpers

    private static Connection reader() throws SQLException {
        Connection c = TestDatabase.connect(service.db);
        try (Statement s = c.createStatement()) {
            s.execute("SET ROLE zonewatch_reader");
            s.execute("SET statement_timeout = '30s'");
        }
        return c;
    }

    private record Result(List<String> columns, List<Integer> types, List<List<Object>> rows, long nanos) {
    }

    private static Result run(Connection c, String sql) throws SQLException {
        long started = System.nanoTime();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            List<Integer> types = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add(md.getColumnLabel(i));
                types.add(md.getColumnType(i));
            }
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) row.add(rs.getObject(i));
                rows.add(row);
            }
            return new Result(columns, types, rows, System.nanoTime() - started);
        }
    }

    private static List<String> variableNames(JsonNode d) {
        List<String> names = new ArrayList<>();
        d.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    private static JsonNode variable(JsonNode d, String name) {
        for (JsonNode v : d.path("templating").path("list")) if (v.path("name").asText().equals(name)) return v;
        throw new AssertionError("no variable " + name);
    }

    private static boolean hasTagAnnotation(JsonNode d, String tag) {
        for (JsonNode a : d.path("annotations").path("list")) {
            if (a.path("enable").asBoolean() && a.path("target").path("type").asText().equals("tags")
                    && a.path("target").path("tags").toString().contains("\"" + tag + "\"")
                    && GRAFANA_UIDS.contains(a.path("datasource").path("uid").asText())) {
                return true;
            }
        }
        return false;
    }

    private record DataSourceRef(String path, JsonNode node, boolean inAnnotations) {
    }

    private static void walkDataSources(JsonNode node, String path, boolean inAnnotations, Consumer<DataSourceRef> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                String p = path + "." + f.getKey();
                if (f.getKey().equals("datasource") && !f.getValue().isNull()) out.accept(new DataSourceRef(p, f.getValue(), inAnnotations));
                else walkDataSources(f.getValue(), p, inAnnotations || f.getKey().equals("annotations"), out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) walkDataSources(node.get(i), path + "[" + i + "]", inAnnotations, out);
        }
    }
}
