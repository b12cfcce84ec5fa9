package io.zonewatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.catalog.Catalog;
import io.zonewatch.errors.Problem;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.catalog.Platform;
import io.zonewatch.observations.DerivedIndicators;
import io.zonewatch.observations.ObservationValue;
import io.zonewatch.observations.Period;
import io.zonewatch.ops.ServiceMetrics;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Evaluates the deviation rules (docs/domain.md section 5) and keeps the warnings table in step: after
 * feeds (only the platforms and periods they changed, plus what depends on them), for missing
 * submissions, and after a year-end run is published. Each evaluation is one transaction under an
 * advisory lock, writing warnings and their Grafana outbox rows together.
 */
public final class AlertService {
    private static final List<String> PLATFORM_RULES = List.of(RuleSettings.TARGET_PROGRESS, RuleSettings.YOY_CHANGE,
            RuleSettings.SUSPECT_UNIT, RuleSettings.YTD_DECREASE);
    /** Missing submissions are looked for in this many past quarters. */
    private static final int MISSING_WINDOW_QUARTERS = 8;

    private final Vertx vertx;
    private final Pool pool;
    private final ServiceMetrics metrics;
    private final Clock clock;
    private final boolean grafanaOutbox;

    /** {@code grafanaOutbox}: whether warnings are queued for Grafana (the push is on). */
    public AlertService(Vertx vertx, Pool pool, ServiceMetrics metrics, Clock clock, boolean grafanaOutbox) {
        this.vertx = vertx;
        this.pool = pool;
        this.metrics = metrics;
        this.clock = clock;
        this.grafanaOutbox = grafanaOutbox;
    }

    /** What an evaluation changed. */
    public record Summary(int raised, int updated, int resolved) {
        Summary plus(Summary o) {
            return new Summary(raised + o.raised, updated + o.updated, resolved + o.resolved);
        }

        public JsonObject toJson() {
            return new JsonObject().put("raised", raised).put("updated", updated).put("resolved", resolved);
        }
    }

    static final Summary NONE = new Summary(0, 0, 0);

    /** A scope entry: warnings of this rule for this platform and period (indicator null: any) are re-decided. */
    record Scope(String rule, String platform, String indicator, LocalDate period) {
    }

    /** Loads rule settings; seeds the defaults on first use. */
    public Future<Void> seedDefaults(JsonObject defaults) {
        return pool.withTransaction(conn -> conn.query(AlertSql.LOCK_EVALUATION).execute()
                .compose(v -> conn.query(AlertSql.ANY_SETTING).execute())
                .compose(any -> {
                    if (any.iterator().next().getBoolean(0)) return Future.succeededFuture();
                    Future<Void> chain = Future.succeededFuture();
                    for (String rule : defaults.fieldNames()) {
                        JsonObject t = defaults.getJsonObject(rule).copy();
                        boolean enabled = t.getBoolean("enabled", true);
                        t.remove("enabled");
                        chain = chain.compose(v -> conn.preparedQuery(AlertSql.INSERT_SETTING).execute(Tuple.of(rule, enabled, t)).mapEmpty());
                    }
                    return chain;
                }));
    }

    private static Future<RuleSettings> settings(SqlConnection conn) {
        return conn.query(AlertSql.SETTINGS).execute().map(rows -> {
            RuleSettings s = new RuleSettings();
            for (Row r : rows) s.put(r.getString("rule"), r.getString("indicator_code"), r.getBoolean("enabled"), (JsonObject) r.getValue("thresholds"));
            return s;
        });
    }

    /**
     * 序时进度 of each annual target of a platform's year (null: the latest year with targets) in each
     * quarter with a value, by the warning rule's own arithmetic ({@link Rules#progress}) and thresholds
     * (the rule switched off for an indicator: no severity). Resolves to the API's shape.
     */
    public Future<JsonObject> progress(String code, Integer year) {
        return pool.withConnection(conn -> conn.query(AlertSql.SETTINGS).execute()
                .compose(settingRows -> CatalogRepository.loadWith(conn)
                        .compose(catalog -> conn.preparedQuery(AlertSql.PROGRESS).execute(Tuple.of(code, year)).map(rows -> {
                            RuleSettings settings = new RuleSettings();
                            for (Row r : settingRows) {
                                settings.put(r.getString("rule"), r.getString("indicator_code"), r.getBoolean("enabled"),
                                        (JsonObject) r.getValue("thresholds"));
                            }
                            return progressJson(code, year, settings, catalog, rows);
                        }))));
    }

    private static JsonObject progressJson(String code, Integer requested, RuleSettings settings, Catalog catalog,
                                           io.vertx.sqlclient.RowSet<Row> rows) {
        Map<String, JsonObject> byIndicator = new java.util.LinkedHashMap<>();
        Integer year = requested;
        for (Row r : rows) {
            if (!r.getBoolean("known")) throw Problem.notFound("未知平台 '" + code + "'", "unknown platform '" + code + "'");
            year = r.getInteger("year");
            Indicator ind = r.getString("indicator_code") == null ? null : catalog.indicator(r.getString("indicator_code"));
            if (ind == null) continue;
            double target = r.getDouble("target");
            boolean enabled = settings.enabled(RuleSettings.TARGET_PROGRESS, ind.code());
            JsonObject entry = byIndicator.computeIfAbsent(ind.code(), k -> new JsonObject()
                    .put("indicator", ind.code()).put("unit", ind.unit()).put("kind", ind.kind().code())
                    .put("better", ind.better().code()).put("target", target).put("targetRevision", r.getInteger("revision"))
                    .put("ruleEnabled", enabled)
                    .put("warning", settings.number(RuleSettings.TARGET_PROGRESS, ind.code(), "warning", 10))
                    .put("critical", settings.number(RuleSettings.TARGET_PROGRESS, ind.code(), "critical", 30))
                    .put("quarters", new io.vertx.core.json.JsonArray()));
            if (r.getLocalDate("period") == null) continue;
            io.zonewatch.observations.Period p = io.zonewatch.observations.Period.of(r.getLocalDate("period"));
            double actual = r.getDouble("actual");
            Rules.Progress g = Rules.progress(settings, ind, p, actual, target);
            entry.getJsonArray("quarters").add(new JsonObject().put("period", p.toString()).put("quarter", p.quarter())
                    .put("actual", actual)
                    .put("progressPct", g == null ? null : g.progressPct())
                    .put("expectedPct", g == null ? null : g.expectedPct())
                    .put("lag", g == null ? null : g.lag())
                    .put("severity", g == null || !enabled ? null : g.severity()));
        }
        return new JsonObject().put("platform", code).put("year", year).put("indicators", new io.vertx.core.json.JsonArray(new ArrayList<>(byIndicator.values())));
    }

    /** A read of warnings: each filter null for any; periods inclusive; at most {@code limit} rows, newest change first. */
    public record AlertQuery(String platform, String rule, String severity, String state, String indicator,
                             Period from, Period to, int limit) {
    }

    /** The warnings a query selects, each as the API and the pages show it. */
    public Future<io.vertx.core.json.JsonArray> list(AlertQuery q) {
        return pool.preparedQuery(AlertSql.LIST).execute(Tuple.from(new Object[]{q.platform(), q.rule(), q.severity(), q.state(),
                q.indicator(), q.from().firstDay(), q.to().firstDay(), q.limit()})).map(rows -> {
            io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
            rows.forEach(r -> out.add(toJson(r)));
            return out;
        });
    }

    /**
     * Acknowledges a warning with an optional comment (kept on the warning and in the audit trail). Only
     * who may see its platform may; a resolved warning is refused.
     */
    public Future<JsonObject> acknowledge(io.zonewatch.auth.Principal who, long id, String comment) {
        return pool.withTransaction(conn -> conn.preparedQuery(AlertSql.ONE).execute(Tuple.of(id)).compose(rows -> {
            if (rows.size() == 0) throw Problem.notFound("没有编号为 " + id + " 的预警", "no warning " + id);
            Row a = rows.iterator().next();
            if (!who.maySee(a.getString("platform_code"))) throw Problem.forbidden();
            if ("resolved".equals(a.getString("state"))) {
                throw Problem.conflict("alert_resolved", "预警已解除，无需确认", "the warning is resolved already");
            }
            return conn.preparedQuery(AlertSql.ACK).execute(Tuple.of(id, who.name(), comment))
                    .compose(v -> io.zonewatch.audit.AuditLog.record(conn, who, "alert.ack", "alert:" + id,
                            comment == null ? null : new JsonObject().put("comment", comment)))
                    .compose(v -> conn.preparedQuery(AlertSql.ONE).execute(Tuple.of(id)))
                    .map(after -> toJson(after.iterator().next()));
        }));
    }

    /** One warning as the API shows it. */
    static JsonObject toJson(Row r) {
        return new JsonObject()
                .put("id", r.getLong("id"))
                .put("rule", r.getString("rule"))
                .put("severity", r.getString("severity"))
                .put("platform", r.getString("platform_code"))
                .put("platformName", r.getString("platform_name"))
                .put("indicator", r.getString("indicator_code").isEmpty() ? null : r.getString("indicator_code"))
                .put("period", Period.of(r.getLocalDate("period")).toString())
                .put("value", r.getDouble("value"))
                .put("reference", r.getDouble("reference"))
                .put("deviation", r.getDouble("deviation"))
                .put("state", r.getString("state"))
                .put("message", new JsonObject().put("zh", r.getString("message_zh")).put("en", r.getString("message_en")))
                .put("details", r.getValue("details"))
                .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
                .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString())
                .put("acknowledgedAt", r.getOffsetDateTime("acknowledged_at") == null ? null : r.getOffsetDateTime("acknowledged_at").toInstant().toString())
                .put("acknowledgedBy", r.getString("acknowledged_by"))
                .put("acknowledgedComment", r.getString("acknowledged_comment"))
                .put("resolvedAt", r.getOffsetDateTime("resolved_at") == null ? null : r.getOffsetDateTime("resolved_at").toInstant().toString());
    }

    /**
     * Evaluates every feed and published run not evaluated yet, in one transaction under the
     * evaluation lock (so a concurrent round waits, then finds nothing left).
     */
    public Future<Summary> processPending() {
        return pool.withTransaction(conn -> conn.query(AlertSql.LOCK_EVALUATION).execute()
                .compose(v -> settings(conn))
                .compose(settings -> CatalogRepository.loadWith(conn).compose(catalog -> conn.query(AlertSql.PENDING_FEEDS).execute()
                        .compose(feeds -> {
                            List<Long> ids = new ArrayList<>();
                            feeds.forEach(r -> ids.add(r.getLong("id")));
                            Map<String, Set<Period>> touched = new HashMap<>();
                            Future<Void> keys = Future.succeededFuture();
                            for (long id : ids) {
                                keys = keys.compose(v -> conn.preparedQuery(AlertSql.FEED_KEYS).execute(Tuple.of(id)).map(rows -> {
                                    rows.forEach(r -> touched.computeIfAbsent(r.getString("platform_code"), k -> new TreeSet<>())
                                            .add(Period.of(r.getLocalDate("period"))));
                                    return null;
                                }));
                            }
                            return keys.compose(v -> evaluate(conn, catalog, settings, touched))
                                    .compose(summary -> markAll(conn, AlertSql.MARK_FEED, ids).map(summary));
                        })
                        .compose(fromFeeds -> conn.query(AlertSql.PENDING_RUNS).execute().compose(runs -> {
                            Future<Summary> chain = Future.succeededFuture(fromFeeds);
                            for (Row r : runs) {
                                long runId = r.getLong("id");
                                chain = chain.compose(acc -> evaluateRun(conn, catalog, settings, runId)
                                        .compose(s -> conn.preparedQuery(AlertSql.MARK_RUN).execute(Tuple.of(runId)).map(acc.plus(s))));
                            }
                            return chain;
                        })))));
    }

    /** Re-evaluates target progress for platforms whose targets changed (all quarters of those years). */
    public Future<Summary> evaluateTargets(Map<String, Set<Integer>> platformYears) {
        Map<String, Set<Period>> touched = new HashMap<>();
        platformYears.forEach((p, years) -> years.forEach(y -> {
            for (int q = 1; q <= 4; q++) touched.computeIfAbsent(p, k -> new TreeSet<>()).add(new Period(y, q));
        }));
        return pool.withTransaction(conn -> conn.query(AlertSql.LOCK_EVALUATION).execute()
                .compose(v -> settings(conn))
                .compose(settings -> CatalogRepository.loadWith(conn).compose(catalog -> evaluate(conn, catalog, settings, touched))));
    }

    private static Future<Void> markAll(SqlConnection conn, String sql, List<Long> ids) {
        Future<Void> chain = Future.succeededFuture();
        for (long id : ids) chain = chain.compose(v -> conn.preparedQuery(sql).execute(Tuple.of(id)).mapEmpty());
        return chain;
    }

    // ---- per-platform rules and peer groups ----

    /** Platforms evaluated together: bounds the memory of one step whatever the feed's size. */
    static final int SLICE = 500;

    private Future<Summary> evaluate(SqlConnection conn, Catalog catalog, RuleSettings settings, Map<String, Set<Period>> touched) {
        if (touched.isEmpty()) return Future.succeededFuture(NONE);
        // What depends on a changed value: the same period, the next quarter (YTD fall, unit check;
        // after Q4 the next year's Q1, whose unit check compares with it) and the same quarter a year
        // later (year on year).
        Map<String, Set<Period>> affected = new TreeMap<>();
        touched.forEach((platform, periods) -> {
            Set<Period> out = affected.computeIfAbsent(platform, k -> new TreeSet<>());
            for (Period p : periods) {
                out.add(p);
                if (p.quarter() < 4) out.add(new Period(p.year(), p.quarter() + 1));
                else if (p.year() < Period.MAX_YEAR) out.add(new Period(p.year() + 1, 1));
                if (p.year() < Period.MAX_YEAR) out.add(new Period(p.year() + 1, p.quarter()));
            }
        });
        List<String> platforms = new ArrayList<>(affected.keySet());
        Future<Summary> chain = Future.succeededFuture(NONE);
        for (int i = 0; i < platforms.size(); i += SLICE) {
            Map<String, Set<Period>> slice = new TreeMap<>();
            platforms.subList(i, Math.min(platforms.size(), i + SLICE)).forEach(p -> slice.put(p, affected.get(p)));
            chain = chain.compose(acc -> evaluatePlatforms(conn, catalog, settings, slice).map(acc::plus));
        }
        Set<String> types = new TreeSet<>();
        Set<Period> periods = new TreeSet<>();
        affected.forEach((platform, ps) -> {
            Platform pl = catalog.platform(platform);
            if (pl != null) types.add(pl.type());
            periods.addAll(ps);
        });
        for (Period p : periods) {
            chain = chain.compose(acc -> evaluatePeers(conn, catalog, settings, types, p).map(acc::plus));
        }
        return chain;
    }

    /** The per-platform rules for one slice of platforms: read, compute off the event loop, write. */
    private Future<Summary> evaluatePlatforms(SqlConnection conn, Catalog catalog, RuleSettings settings, Map<String, Set<Period>> affected) {
        TreeSet<Period> all = new TreeSet<>();
        affected.values().forEach(all::addAll);
        LocalDate from = all.first().minusYears(1).firstDay();
        LocalDate to = all.last().firstDay();
        String[] platforms = affected.keySet().toArray(new String[0]);
        Integer[] years = all.stream().map(Period::year).distinct().toArray(Integer[]::new);
        return conn.preparedQuery(AlertSql.VALUES).execute(Tuple.of(platforms, from, to))
                .compose(valueRows -> conn.preparedQuery(AlertSql.TARGETS)
                        .execute(Tuple.tuple().addArrayOfString(platforms).addArrayOfInteger(years))
                        .compose(targetRows -> vertx.executeBlocking(() -> {
                            Map<String, Map<String, NavigableMap<Period, ObservationValue>>> values = group(valueRows);
                            Map<String, Double> targets = new HashMap<>();
                            for (Row r : targetRows) {
                                targets.put(r.getString("platform_code") + "|" + r.getString("indicator_code") + "|" + r.getInteger("year"),
                                        r.getDouble("value"));
                            }
                            List<Finding> findings = new ArrayList<>();
                            List<Scope> scope = new ArrayList<>();
                            affected.forEach((platform, periods) -> {
                                Map<String, NavigableMap<Period, ObservationValue>> withDerived =
                                        withDerived(catalog, values.getOrDefault(platform, Map.of()));
                                for (Period p : periods) {
                                    for (String rule : PLATFORM_RULES) scope.add(new Scope(rule, platform, null, p.firstDay()));
                                    for (Indicator ind : catalog.indicators().values()) {
                                        findings.addAll(platformRules(settings, ind, platform, p,
                                                withDerived.getOrDefault(ind.code(), new TreeMap<>()), targets));
                                    }
                                }
                            });
                            return Map.entry(findings, scope);
                        }, false)))
                .compose(r -> write(conn, r.getKey(), r.getValue()));
    }

    private static List<Finding> platformRules(RuleSettings s, Indicator ind, String platform, Period p,
                                               NavigableMap<Period, ObservationValue> series, Map<String, Double> targets) {
        List<Finding> out = new ArrayList<>();
        ObservationValue v = series.get(p);
        if (v == null) return out;
        double value = v.value().doubleValue();
        Double target = targets.get(platform + "|" + ind.code() + "|" + p.year());
        if (target != null) add(out, Rules.targetProgress(s, ind, platform, p, value, target));
        ObservationValue lastYear = series.get(p.minusYears(1));
        if (lastYear != null) add(out, Rules.yoyChange(s, ind, platform, p, value, lastYear.value().doubleValue()));
        if (!ind.derived()) {
            ObservationValue prevQuarter = series.get(p.previous());
            // Q1 follows Q4 of the year before for stocks; a YTD flow restarts, so compare with last year's Q1.
            boolean comparableQuarter = prevQuarter != null && (p.quarter() > 1 || ind.kind() != Indicator.Kind.YTD_FLOW);
            if (comparableQuarter) {
                add(out, Rules.suspectUnit(s, ind, platform, p, value, prevQuarter.value().doubleValue(), p.previous()));
            } else if (lastYear != null) {
                add(out, Rules.suspectUnit(s, ind, platform, p, value, lastYear.value().doubleValue(), p.minusYears(1)));
            }
            if (prevQuarter != null && p.quarter() > 1) add(out, Rules.ytdDecrease(s, ind, platform, p, value, prevQuarter.value().doubleValue()));
        }
        return out;
    }

    private static void add(List<Finding> out, Finding f) {
        if (f != null) out.add(f);
    }

    /** Peer outliers of every intensive indicator among the platforms of each given type, in one period. */
    private Future<Summary> evaluatePeers(SqlConnection conn, Catalog catalog, RuleSettings settings, Set<String> types, Period p) {
        List<Indicator> intensive = catalog.indicators().values().stream()
                .filter(i -> i.derived() || i.kind() == Indicator.Kind.RATIO).toList();
        if (intensive.isEmpty() || types.isEmpty()) return Future.succeededFuture(NONE);
        Set<String> inputs = new HashSet<>();
        intensive.forEach(i -> inputs.addAll(i.derived() ? i.inputs() : List.of(i.code())));
        LocalDate[] dates = {p.firstDay(), p.minusYears(1).firstDay()};
        return conn.preparedQuery(AlertSql.PEER_VALUES).execute(Tuple.of(types.toArray(new String[0]), dates, inputs.toArray(new String[0])))
                .compose(rows -> vertx.executeBlocking(() -> {
                    Map<String, Map<String, NavigableMap<Period, ObservationValue>>> values = group(rows);
                    List<Finding> findings = new ArrayList<>();
                    List<Scope> scope = new ArrayList<>();
                    for (String type : types) {
                        List<String> members = values.keySet().stream()
                                .filter(c -> catalog.platform(c) != null && type.equals(catalog.platform(c).type())).sorted().toList();
                        Map<String, Map<String, NavigableMap<Period, ObservationValue>>> derived = new HashMap<>();
                        for (String m : members) derived.put(m, withDerived(catalog, values.get(m)));
                        for (String m : members) scope.add(new Scope(RuleSettings.PEER_OUTLIER, m, null, p.firstDay()));
                        for (Indicator ind : intensive) {
                            Map<String, Double> group = new TreeMap<>();
                            for (String m : members) {
                                ObservationValue v = derived.get(m).getOrDefault(ind.code(), new TreeMap<>()).get(p);
                                if (v != null) group.put(m, v.value().doubleValue());
                            }
                            findings.addAll(Rules.peerOutliers(settings, ind, type, p, group));
                        }
                    }
                    return Map.entry(findings, scope);
                }, false))
                .compose(r -> write(conn, r.getKey(), r.getValue()));
    }

    /** Base series plus every derived indicator computed from them. */
    private static Map<String, NavigableMap<Period, ObservationValue>> withDerived(Catalog catalog,
                                                                                   Map<String, NavigableMap<Period, ObservationValue>> base) {
        Map<String, NavigableMap<Period, ObservationValue>> out = new HashMap<>(base);
        for (Indicator ind : catalog.indicators().values()) {
            if (ind.derived()) out.put(ind.code(), DerivedIndicators.compute(ind, base));
        }
        return out;
    }

    private static Map<String, Map<String, NavigableMap<Period, ObservationValue>>> group(Iterable<Row> rows) {
        Map<String, Map<String, NavigableMap<Period, ObservationValue>>> out = new HashMap<>();
        for (Row r : rows) {
            out.computeIfAbsent(r.getString("platform_code"), k -> new HashMap<>())
                    .computeIfAbsent(r.getString("indicator_code"), k -> new TreeMap<>())
                    .put(Period.of(r.getLocalDate("period")), new ObservationValue(BigDecimal.valueOf(r.getDouble("value")),
                            r.getString("status"), null, null));
        }
        return out;
    }

    // ---- missing submissions ----

    /** The periodic sweep: quarters whose grace period has passed and that others reported for. */
    public Future<Summary> sweepMissing() {
        LocalDate today = ZonedDateTime.now(clock).withZoneSameInstant(Period.CHINA).toLocalDate();
        return pool.withTransaction(conn -> conn.query(AlertSql.LOCK_EVALUATION).execute()
                .compose(v -> settings(conn))
                .compose(settings -> CatalogRepository.loadWith(conn).compose(catalog -> {
                    int grace = (int) settings.number(RuleSettings.MISSING_SUBMISSION, null, "graceDays", 25);
                    Period last = Period.current(ZonedDateTime.now(clock));
                    while (!last.lastDay().plusDays(grace).isBefore(today)) last = last.previous();
                    Period first = last;
                    for (int i = 1; i < MISSING_WINDOW_QUARTERS; i++) first = first.previous();
                    Period lastDue = last;
                    return conn.preparedQuery(AlertSql.REPORTED_PERIODS).execute(Tuple.of(first.firstDay(), lastDue.firstDay()))
                            .compose(periods -> {
                                List<Finding> findings = new ArrayList<>();
                                List<Scope> scope = new ArrayList<>();
                                List<String> base = catalog.indicators().values().stream().filter(i -> !i.derived()).map(Indicator::code).toList();
                                Future<Void> chain = Future.succeededFuture();
                                for (Row pr : periods) {
                                    Period p = Period.of(pr.getLocalDate("period"));
                                    chain = chain.compose(v -> conn.preparedQuery(AlertSql.SUBMISSIONS)
                                            .execute(Tuple.of(p.firstDay()))
                                            .map(rows -> {
                                                for (Row r : rows) {
                                                    String platform = r.getString("platform_code");
                                                    Set<String> present = new HashSet<>(List.of(r.getArrayOfStrings("present")));
                                                    List<String> missing = base.stream().filter(c -> !present.contains(c)).toList();
                                                    scope.add(new Scope(RuleSettings.MISSING_SUBMISSION, platform, "", p.firstDay()));
                                                    add(findings, Rules.missingSubmission(settings, platform, p,
                                                            missing.stream().map(c -> catalog.indicator(c).nameZh()).toList(), missing, base.size()));
                                                }
                                                return null;
                                            }));
                                }
                                return chain.compose(v -> write(conn, findings, scope));
                            });
                })));
    }

    // ---- published runs ----

    private Future<Summary> evaluateRun(SqlConnection conn, Catalog catalog, RuleSettings settings, long runId) {
        return conn.preparedQuery(AlertSql.RUN).execute(Tuple.of(runId)).compose(rows -> {
            Row run = rows.iterator().next();
            if (run.getInteger("quarter") != null) return Future.succeededFuture(NONE);
            String scheme = run.getString("scheme_code");
            JsonObject definition = (JsonObject) run.getValue("definition");
            int year = run.getInteger("year");
            LocalDate period = new Period(year, 4).firstDay();
            List<Finding> findings = new ArrayList<>();
            List<Scope> scope = new ArrayList<>();
            return conn.preparedQuery(AlertSql.ENTRIES).execute(Tuple.of(runId)).compose(entries -> {
                Map<String, Row> now = new HashMap<>();
                entries.forEach(e -> now.put(e.getString("platform_code"), e));
                now.keySet().forEach(p -> scope.add(new Scope(RuleSettings.RANK_DROP, p, scheme, period)));
                return conn.preparedQuery(AlertSql.PREVIOUS_PUBLISHED).execute(Tuple.of(scheme, year - 1)).compose(prev -> {
                    if (prev.size() == 0) return Future.succeededFuture();
                    return conn.preparedQuery(AlertSql.ENTRIES).execute(Tuple.of(prev.iterator().next().getLong("id"))).map(before -> {
                        for (Row b : before) {
                            Row e = now.get(b.getString("platform_code"));
                            if (e == null) continue;
                            add(findings, Rules.rankDrop(settings, scheme, definition.getString("name", scheme), e.getString("platform_code"),
                                    year, e.getInteger("rank"), e.getString("class"), b.getInteger("rank"), b.getString("class")));
                        }
                        return null;
                    });
                }).compose(v -> {
                    if (!"benchmark_ratio".equals(definition.getString("method"))) return Future.succeededFuture();
                    return conn.preparedQuery(AlertSql.COMPONENTS).execute(Tuple.of(runId)).map(components -> {
                        for (Row c : components) {
                            Indicator ind = catalog.indicator(c.getString("indicator_code"));
                            if (ind == null) continue;
                            scope.add(new Scope(RuleSettings.BELOW_BENCHMARK, c.getString("platform_code"), ind.code(), period));
                            // Only reported values: an imputed value says nothing about the platform.
                            Double x = c.getDouble("raw_value");
                            double n = c.getDouble("normalized");
                            if (x == null || c.getBoolean("imputed") || n <= 0) continue;
                            // n = 100·x/b (higher better) or 100·b/x (lower better): recover the benchmark b.
                            double b = ind.better() == Indicator.Better.LOWER ? n * x / 100 : 100 * x / n;
                            add(findings, Rules.belowBenchmark(settings, ind, c.getString("platform_code"), year, x, b));
                        }
                        return null;
                    });
                }).compose(v -> write(conn, findings, scope));
            });
        });
    }

    // ---- writing ----

    private Future<Summary> write(SqlConnection conn, List<Finding> findings, Collection<Scope> scope) {
        int n = findings.size();
        String[] rule = new String[n], platform = new String[n], indicator = new String[n], severity = new String[n],
                zh = new String[n], en = new String[n];
        LocalDate[] period = new LocalDate[n];
        Double[] value = new Double[n], reference = new Double[n], deviation = new Double[n];
        JsonObject[] details = new JsonObject[n];
        for (int i = 0; i < n; i++) {
            Finding f = findings.get(i);
            rule[i] = f.rule();
            platform[i] = f.platform();
            indicator[i] = f.indicator();
            period[i] = f.period();
            severity[i] = f.severity();
            value[i] = finite(f.value());
            reference[i] = finite(f.reference());
            deviation[i] = finite(f.deviation());
            zh[i] = f.messageZh();
            en[i] = f.messageEn();
            details[i] = f.details();
        }
        Future<Summary> upserted = n == 0 ? Future.succeededFuture(NONE)
                : conn.preparedQuery(AlertSql.UPSERT).execute(Tuple.from(new Object[]{rule, platform, indicator, period, severity,
                value, reference, deviation, zh, en, details, grafanaOutbox})).map(rows -> {
                    int raised = 0, updated = 0;
                    for (Row r : rows) {
                        if (r.getBoolean("raised")) {
                            raised++;
                            metrics.alertRaised(r.getString("rule"), r.getString("severity"));
                        } else {
                            updated++;
                        }
                    }
                    return new Summary(raised, updated, 0);
                });
        List<Scope> scopes = new ArrayList<>(scope);
        int m = scopes.size();
        String[] sRule = new String[m], sPlatform = new String[m], sIndicator = new String[m];
        LocalDate[] sPeriod = new LocalDate[m];
        for (int i = 0; i < m; i++) {
            Scope s = scopes.get(i);
            sRule[i] = s.rule();
            sPlatform[i] = s.platform();
            sIndicator[i] = s.indicator();
            sPeriod[i] = s.period();
        }
        return upserted.compose(up -> m == 0 ? Future.succeededFuture(up)
                : conn.preparedQuery(AlertSql.RESOLVE).execute(Tuple.from(new Object[]{sRule, sPlatform, sIndicator, sPeriod,
                rule, platform, indicator, period, grafanaOutbox})).map(rows -> {
                    for (Row r : rows) metrics.alertResolved(r.getString("rule"));
                    return new Summary(up.raised(), up.updated(), rows.size());
                }));
    }

    private static Double finite(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? null : d;
    }
}
