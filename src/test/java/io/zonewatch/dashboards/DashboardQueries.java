package io.zonewatch.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.zonewatch.dashboards.GrafanaSql.TimeRange;
import io.zonewatch.dashboards.GrafanaSql.Variable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL a dashboard sends, as Grafana sends it: the dashboards and alert rules under {@code dashboards/},
 * template variables resolved in order (each variable query run with the ones before it; the selection is
 * the saved current value, else the first), repeated panels once per value, macros expanded by
 * {@link GrafanaSql}. Shared by {@link DashboardsTest} and the dashboard benchmark
 * ({@code bench/src/io/zonewatch/bench/DashboardBenchmark.java}, which calls {@link #forBenchmark}).
 */
public final class DashboardQueries {
    static final Path DIR = Path.of("dashboards");
    static final Path PROVISIONING = DIR.resolve("provisioning");
    static final String PG_UID = "zonewatch-timescaledb";
    static final String PROM_UID = "zonewatch-prometheus";
    static final Map<String, String> DASHBOARDS = new TreeMap<>(Map.of(
            "leaders-overview.json", "zw-leaders",
            "platform-detail.json", "zw-platform",
            "indicator-monitor.json", "zw-indicator",
            "data-submission.json", "zw-submission",
            "service-health.json", "zw-service"));
    /** Grafana's auto interval ($__interval) for a multi-year range on a wide panel is about a day. */
    static final Duration INTERVAL = Duration.ofDays(1);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DashboardQueries() {
    }

    /** A query's column labels and rows. */
    record Rows(List<String> columns, List<List<Object>> rows) {
    }

    /** Runs one query; the benchmark and the test read rows through this. */
    interface Runner {
        Rows run(String sql) throws SQLException;
    }

    static JsonNode dashboard(String file) {
        try {
            return JSON.readTree(DIR.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file, e);
        }
    }

    static JsonNode yaml(String file) {
        try {
            return YAML.readTree(PROVISIONING.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file, e);
        }
    }

    /** Panels, including those inside rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            all.add(p);
            p.path("panels").forEach(all::add);
        }
        return all;
    }

    static String dataSourceUid(JsonNode panel, JsonNode target) {
        JsonNode ds = target.has("datasource") ? target.path("datasource") : panel.path("datasource");
        return ds.isObject() ? ds.path("uid").asText() : ds.asText();
    }

    static boolean timescaledbFlag() {
        for (JsonNode ds : yaml("datasources/zonewatch.yaml").path("datasources")) {
            if (ds.path("uid").asText().equals(PG_UID)) return ds.path("jsonData").path("timescaledb").asBoolean();
        }
        throw new AssertionError("no " + PG_UID);
    }

    /** A variable query, expanded with the variables before it. */
    record VariableQuery(String name, String sql) {
    }

    /**
     * Variables in order, each query run with the ones before it; the selection is the current value or the
     * first. Problems (no values, a default that is not among them, a failing query) are added to
     * {@code problems}; {@code queries}, when not null, receives each variable query as it was run, and
     * {@code first}, when not null, each variable with its first value selected.
     */
    static Map<String, Variable> resolveVariables(String file, JsonNode d, Runner runner, TimeRange range, boolean timescaledb,
                                                  List<String> problems, List<VariableQuery> queries, Map<String, Variable> first) {
        Map<String, Variable> vars = new LinkedHashMap<>();
        for (JsonNode v : d.path("templating").path("list")) {
            String name = v.path("name").asText();
            String where = file + " / variable " + name;
            List<String> values = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            String type = v.path("type").asText();
            if (type.equals("custom")) {
                Matcher m = Pattern.compile("(?:\\\\,|[^,])+").matcher(v.path("query").asText());
                while (m.find()) {
                    String option = m.group().replace("\\,", ",");
                    Matcher kv = Pattern.compile("^\\s*(.+)\\s:\\s(.+)$").matcher(option);
                    texts.add(kv.matches() ? kv.group(1).trim() : option.trim());
                    values.add(kv.matches() ? kv.group(2).trim() : option.trim());
                }
            } else if (type.equals("query") && v.path("datasource").path("uid").asText().equals(PG_UID)) {
                String query = v.path("query").isObject() ? v.path("query").path("rawSql").asText() : v.path("query").asText();
                problems.addAll(DashboardsTest.sqlProblems(where, query, false));
                try {
                    String sql = expand(query, vars, range, timescaledb);
                    if (queries != null) queries.add(new VariableQuery(name, sql));
                    Rows r = runner.run(sql);
                    int value = r.columns().contains("__value") ? r.columns().indexOf("__value") : 0;
                    int text = r.columns().contains("__text") ? r.columns().indexOf("__text") : value;
                    for (List<Object> row : r.rows()) {
                        values.add(String.valueOf(row.get(value)));
                        texts.add(String.valueOf(row.get(text)));
                    }
                } catch (SQLException | RuntimeException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
            } else if (type.equals("query") && v.path("datasource").path("uid").asText().equals(PROM_UID)) {
                continue; // Prometheus label values: checked with the PromQL queries, never used in SQL
            } else {
                problems.add(where + ": variable type not checked here: " + type);
                continue;
            }
            if (values.isEmpty()) {
                problems.add(where + ": no values");
                continue;
            }
            boolean multi = v.path("multi").asBoolean();
            boolean includeAll = v.path("includeAll").asBoolean();
            List<String> current = new ArrayList<>();
            JsonNode cur = v.path("current").path("value");
            if (cur.isArray()) cur.forEach(x -> current.add(x.asText()));
            else if (!cur.isMissingNode() && !cur.asText().isEmpty()) current.add(cur.asText());
            List<Integer> selected = new ArrayList<>();
            if (current.contains("$__all")) {
                if (!includeAll) problems.add(where + ": All selected without includeAll");
                for (int i = 0; i < values.size(); i++) selected.add(i);
            } else if (!current.isEmpty()) {
                for (String s : current) {
                    if (values.contains(s)) selected.add(values.indexOf(s));
                    else problems.add(where + ": the default " + s + " is not among its values " + values);
                }
            }
            if (selected.isEmpty()) selected.add(0);
            vars.put(name, new Variable(name, selected.stream().map(values::get).toList(),
                    selected.stream().map(texts::get).toList(), multi, includeAll, multi));
            if (first != null) first.put(name, new Variable(name, List.of(values.get(0)), List.of(texts.get(0)), multi, includeAll, multi));
        }
        return vars;
    }

    /** A repeated panel runs once per value of its variable, which it sees as one plain value. */
    static List<Map<String, Variable>> scopes(JsonNode panel, Map<String, Variable> vars) {
        String repeat = panel.path("repeat").asText();
        if (repeat.isEmpty()) return List.of(vars);
        Variable v = vars.get(repeat);
        if (v == null) throw new AssertionError(panel.path("title").asText() + ": repeats over an unknown variable " + repeat);
        List<Map<String, Variable>> scopes = new ArrayList<>();
        for (int i = 0; i < v.values().size(); i++) {
            Map<String, Variable> scope = new LinkedHashMap<>(vars);
            scope.put(repeat, v.scoped(i));
            scopes.add(scope);
        }
        return scopes;
    }

    static String scopeLabel(JsonNode panel, Map<String, Variable> scope) {
        String repeat = panel.path("repeat").asText();
        return repeat.isEmpty() ? "" : " [" + repeat + "=" + scope.get(repeat).values().get(0) + "]";
    }

    static String expand(String sql, Map<String, Variable> vars, TimeRange range, boolean timescaledb) {
        String expanded = GrafanaSql.expandMacros(GrafanaSql.interpolateVariables(sql, vars), range, timescaledb, INTERVAL);
        Matcher left = Pattern.compile("\\$\\{?\\w+|\\[\\[\\w+").matcher(expanded);
        if (left.find()) throw new IllegalStateException("unresolved variable or macro " + left.group() + " in\n" + expanded);
        return expanded;
    }

    /** A dashboard's default time range ("now-5y" to "now"), computed as Grafana's date math does in UTC. */
    static TimeRange defaultRange(JsonNode dashboard, Instant now) {
        return new TimeRange(relative(dashboard.path("time").path("from").asText(), now),
                relative(dashboard.path("time").path("to").asText(), now));
    }

    private static Instant relative(String text, Instant now) {
        if (text.equals("now")) return now;
        Matcher m = Pattern.compile("^now-(\\d+)([smhdwMy])$").matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("time not supported here: " + text);
        long n = Long.parseLong(m.group(1));
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        return switch (m.group(2)) {
            case "y" -> t.minusYears(n).toInstant();
            case "M" -> t.minusMonths(n).toInstant();
            case "w" -> t.minusWeeks(n).toInstant();
            case "d" -> t.minusDays(n).toInstant();
            case "h" -> t.minusHours(n).toInstant();
            case "m" -> t.minusMinutes(n).toInstant();
            default -> t.minusSeconds(n).toInstant();
        };
    }

    /**
     * Every SQL query the dashboards and alert rules send, for the benchmark: per dashboard, at its default
     * time range ending {@code now}, its variable queries, then every SQL panel target with the variables'
     * default (else first) values, and once more with a variable's first value where the default is another
     * one (so both a derived and a base indicator are measured); then every SQL alert-rule query over the
     * rule's relative time range. Each element: {dashboard, title, kind ("variable", "panel", "alert rule"), sql}.
     * Called by name from bench/src, which is compiled without the test classpath.
     */
    public static List<String[]> forBenchmark(Connection reader, Instant now) {
        boolean timescaledb = timescaledbFlag();
        Runner runner = sql -> rows(reader, sql);
        List<String> problems = new ArrayList<>();
        List<String[]> out = new ArrayList<>();
        for (String file : DASHBOARDS.keySet()) {
            JsonNode d = dashboard(file);
            String title = d.path("title").asText();
            TimeRange range = defaultRange(d, now);
            List<VariableQuery> variableQueries = new ArrayList<>();
            Map<String, Variable> firstValues = new LinkedHashMap<>();
            Map<String, Variable> vars = resolveVariables(file, d, runner, range, timescaledb, problems, variableQueries, firstValues);
            for (VariableQuery q : variableQueries) out.add(new String[]{title, "$" + q.name(), "variable", q.sql()});
            List<Map<String, Variable>> variants = new ArrayList<>();
            variants.add(vars);
            for (String name : vars.keySet()) {
                Variable first = firstValues.get(name);
                if (first != null && !first.values().equals(vars.get(name).values()) && !vars.get(name).includeAll()) {
                    Map<String, Variable> other = new LinkedHashMap<>(vars);
                    other.put(name, first);
                    variants.add(other);
                }
            }
            for (int variant = 0; variant < variants.size(); variant++) {
                Map<String, Variable> base = variants.get(variant);
                String label = "";
                if (variant > 0) {
                    for (String name : base.keySet()) {
                        if (base.get(name) != vars.get(name)) label = " [" + name + "=" + base.get(name).values().get(0) + "]";
                    }
                }
                for (JsonNode p : panels(d)) {
                    for (JsonNode t : p.path("targets")) {
                        if (!dataSourceUid(p, t).equals(PG_UID)) continue;
                        for (Map<String, Variable> scope : scopes(p, base)) {
                            String where = p.path("title").asText() + scopeLabel(p, scope) + label;
                            out.add(new String[]{title, where, "panel", expand(t.path("rawSql").asText(), scope, range, timescaledb)});
                        }
                    }
                }
            }
        }
        for (JsonNode group : yaml("alerting/zonewatch-rules.yaml").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                for (JsonNode q : rule.path("data")) {
                    if (!q.path("datasourceUid").asText().equals(PG_UID)) continue;
                    long from = q.path("relativeTimeRange").path("from").asLong();
                    long to = q.path("relativeTimeRange").path("to").asLong();
                    TimeRange range = new TimeRange(now.minusSeconds(from), now.minusSeconds(to));
                    out.add(new String[]{"alert rules", rule.path("title").asText() + " / " + q.path("refId").asText(), "alert rule",
                            expand(q.path("model").path("rawSql").asText(), Map.of(), range, timescaledb)});
                }
            }
        }
        if (!problems.isEmpty()) throw new IllegalStateException("dashboard queries: " + problems);
        return out;
    }

    static Rows rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= n; i++) columns.add(rs.getMetaData().getColumnLabel(i));
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) row.add(rs.getObject(i));
                rows.add(row);
            }
            return new Rows(columns, rows);
        }
    }
}
