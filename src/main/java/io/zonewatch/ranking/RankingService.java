package io.zonewatch.ranking;

import io.zonewatch.events.Events;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.auth.Principal;
import io.zonewatch.catalog.Catalog;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.catalog.Platform;
import io.zonewatch.errors.Problem;
import io.zonewatch.observations.DerivedIndicators;
import io.zonewatch.observations.ObservationValue;
import io.zonewatch.observations.Period;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes ranking runs (steps 1–2 here, 3–11 in {@link RankingEngine}) and stores them immutably.
 * Inputs are read in one REPEATABLE READ snapshot, so a run is exactly the data as of its instant.
 */
public final class RankingService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RankingService.class);
    private final Vertx vertx;
    private final Pool pool;
    private final Clock clock;
    private final double completeness;

    /** @param completeness the reporting share below which a run is refused unless forced (ZONEWATCH_RANKING_COMPLETENESS) */
    public RankingService(Vertx vertx, Pool pool, Clock clock, double completeness) {
        this.vertx = vertx;
        this.pool = pool;
        this.clock = clock;
        this.completeness = completeness;
    }

    /** A warning the data-quality gate reads: data-error rules hold a value, peer_outlier is said. */
    record QualityAlert(long id, String rule, String platform, String indicator, Period period) {
        boolean holds() {
            return !io.zonewatch.alerts.RuleSettings.PEER_OUTLIER.equals(rule);
        }
    }

    /** The reporting share of a run's period (see RankingSql.REPORTING). */
    record Reporting(long expected, long reported, List<String> missing) {
        Double share() {
            return expected == 0 ? null : (double) reported / expected;
        }
    }

    /** Everything a run reads, taken in one snapshot. */
    record Inputs(Scheme scheme, Catalog catalog, OffsetDateTime asOf, String fingerprint,
                  Map<String, Map<String, NavigableMap<Period, ObservationValue>>> values,
                  List<QualityAlert> alerts, Reporting reporting) {
    }

    /** Computes and stores a run; resolves to its id. */
    public Future<Long> compute(Principal actor, String schemeCode, int year, Integer quarter, String trigger) {
        return compute(actor, schemeCode, year, quarter, trigger, false);
    }

    /**
     * Computes and stores a run; resolves to its id. Below the completeness threshold the run is
     * refused (422 incomplete_period) unless {@code force}, and a forced run is marked incomplete.
     */
    public Future<Long> compute(Principal actor, String schemeCode, int year, Integer quarter, String trigger, boolean force) {
        if (quarter != null && (quarter < 1 || quarter > 3)) {
            throw Problem.invalid("bad_parameter", "quarter 必须是 1、2 或 3（第四季度即年度排名）",
                    "quarter must be 1, 2 or 3 (the fourth quarter is the year-end ranking)");
        }
        if (year < Period.MIN_YEAR || year > Period.MAX_YEAR) {
            throw Problem.notFound("年份 " + year + " 无效", "invalid year " + year);
        }
        Period period = new Period(year, quarter == null ? 4 : quarter);
        LocalDate today = ZonedDateTime.now(clock).withZoneSameInstant(Period.CHINA).toLocalDate();
        if (!period.lastDay().isBefore(today)) {
            throw Problem.unprocessable("period_not_ended", period + " 尚未结束，不能排名", period + " has not ended yet");
        }
        long[] at = {System.nanoTime(), 0, 0};
        return readInputs(schemeCode, period)
                .compose(in -> {
                    at[1] = System.nanoTime();
                    boolean incomplete = isIncomplete(in.reporting());
                    if (incomplete && !force) throw incompletePeriod(period, in.reporting());
                    return vertx.executeBlocking(() -> {
                        List<RankingEngine.Candidate> candidates = candidates(in, period);
                        RankingEngine.Result result = RankingEngine.compute(in.scheme(), quarter == null ? year : null,
                                candidates, higherBetter(in.catalog()));
                        return new Computed(in, result, DataQuality.of(in, candidates, result, incomplete));
                    }, false);
                })
                .compose(r -> {
                    at[2] = System.nanoTime();
                    return store(actor, r, year, quarter, trigger).onSuccess(runId -> Events.publish(vertx.eventBus(),
                            new Events.RunComputed(runId, schemeCode, year, quarter))).onSuccess(runId ->
                            // Where a run's time goes, for operators and the benchmarks (bench/RESULTS.md).
                            LOG.info("ranking run {} ({} {}): {} ranked; inputs read in {} ms, computed in {} ms, stored in {} ms",
                                    runId, schemeCode, period, r.result().entries().size(), (at[1] - at[0]) / 1_000_000,
                                    (at[2] - at[1]) / 1_000_000, (System.nanoTime() - at[2]) / 1_000_000));
                });
    }

    /** What a run computed, ready to store. */
    record Computed(Inputs inputs, RankingEngine.Result result, JsonObject dataQuality) {
    }

    /** The one completeness rule: a share below the threshold, or nobody expected at all. */
    boolean isIncomplete(Reporting r) {
        return r.share() == null || r.share() + 1e-12 < completeness;
    }

    private Problem incompletePeriod(Period period, Reporting r) {
        String share = r.share() == null ? "—" : String.format("%.1f%%", 100 * r.share());
        JsonObject extra = new JsonObject().put("reportingShare", r.share()).put("reported", r.reported())
                .put("expected", r.expected()).put("threshold", completeness)
                .put("missing", new JsonArray(r.missing().subList(0, Math.min(r.missing().size(), 1000))))
                .put("missingCount", r.missing().size());
        return Problem.unprocessable("incomplete_period",
                String.format("%s 仅 %d/%d 个平台报送数据（%s），低于完整性要求 %.0f%%；如确需计算请加 force=true",
                        period, r.reported(), r.expected(), share, 100 * completeness),
                String.format("only %d of %d platforms reported for %s (%s), below the completeness threshold of %.0f%%; add force=true to compute anyway",
                        r.reported(), r.expected(), period, share, 100 * completeness), extra);
    }

    private Future<Inputs> readInputs(String schemeCode, Period period) {
        return pool.withTransaction(conn -> conn.query(RankingSql.SNAPSHOT).execute()
                .compose(v -> CatalogRepository.loadWith(conn))
                .compose(catalog -> conn.preparedQuery(RankingSql.LATEST_SCHEME).execute(Tuple.of(schemeCode)).compose(rows -> {
                    if (rows.size() == 0) {
                        throw Problem.notFound("未知排名方案 '" + schemeCode + "'", "unknown scheme '" + schemeCode + "'");
                    }
                    Scheme scheme = SchemeRepository.toScheme(SchemeRepository.describe(rows.iterator().next()), catalog.indicators());
                    Set<String> base = DataQuality.baseInputs(scheme, catalog);
                    LocalDate[] periods = {period.firstDay(), period.minusYears(1).firstDay()};
                    List<QualityAlert> alerts = new ArrayList<>();
                    Reporting[] reporting = new Reporting[1];
                    return conn.preparedQuery(RankingSql.QUALITY_ALERTS).execute(Tuple.tuple().addArrayOfLocalDate(periods))
                            .compose(alertRows -> {
                                for (Row a : alertRows) {
                                    alerts.add(new QualityAlert(a.getLong("id"), a.getString("rule"), a.getString("platform_code"),
                                            a.getString("indicator_code"), Period.of(a.getLocalDate("period"))));
                                }
                                return conn.preparedQuery(RankingSql.REPORTING).execute(Tuple.of(period.firstDay()));
                            })
                            .compose(rep -> {
                                Row r = rep.iterator().next();
                                reporting[0] = new Reporting(r.getLong("expected"), r.getLong("reported"),
                                        List.of(r.getArrayOfStrings("missing")));
                                return conn.query(RankingSql.NOW).execute();
                            })
                            .compose(now -> conn.preparedQuery(RankingSql.DATA_FINGERPRINT)
                            .execute(Tuple.tuple().addArrayOfLocalDate(periods)).compose(fp -> conn.preparedQuery(RankingSql.VALUES)
                            .execute(Tuple.tuple().addArrayOfString(base.toArray(new String[0])).addArrayOfLocalDate(periods))
                            .map(valueRows -> {
                                Map<String, Map<String, NavigableMap<Period, ObservationValue>>> values = new HashMap<>();
                                for (Row r : valueRows) {
                                    values.computeIfAbsent(r.getString("platform_code"), k -> new HashMap<>())
                                            .computeIfAbsent(r.getString("indicator_code"), k -> new TreeMap<>())
                                            .put(Period.of(r.getLocalDate("period")), new ObservationValue(
                                                    BigDecimal.valueOf(r.getDouble("value")), r.getString("status"), null, null));
                                }
                                return new Inputs(scheme, catalog, now.iterator().next().getOffsetDateTime("as_of"),
                                        fp.iterator().next().getString("fingerprint"), values, alerts, reporting[0]);
                            })));
                })));
    }

    /**
     * Steps 1–2: the population active in the year, and each platform's value per scheme indicator,
     * with the data-quality gate of docs/domain.md section 4: a value whose inputs carry an open critical
     * data-error warning is held (missing for this run, with the warning's id).
     */
    static List<RankingEngine.Candidate> candidates(Inputs in, Period period) {
        LocalDate yearStart = LocalDate.of(period.year(), 1, 1);
        Map<String, Long> holding = new HashMap<>();
        Map<String, Long> outlying = new HashMap<>();
        for (QualityAlert a : in.alerts()) {
            (a.holds() ? holding : outlying).merge(key(a.platform(), a.indicator(), a.period()), a.id(), Math::min);
        }
        List<RankingEngine.Candidate> out = new ArrayList<>();
        List<Platform> platforms = new ArrayList<>(in.catalog().platforms().values());
        platforms.sort((a, b) -> a.code().compareTo(b.code()));
        for (Platform p : platforms) {
            if (!p.activeDuring(yearStart, period.lastDay())) continue;
            String exclusion = p.activeTo() != null && p.activeTo().isBefore(period.lastDay())
                    ? "于 " + p.activeTo() + " 撤并或退出，期末前已不存续 / closed on " + p.activeTo() + ", before the end of " + period
                    : null;
            Map<String, NavigableMap<Period, ObservationValue>> base = in.values().getOrDefault(p.code(), Map.of());
            Map<String, Double> values = new HashMap<>();
            Map<String, Long> held = new HashMap<>();
            Map<String, Long> outliers = new HashMap<>();
            for (String code : in.scheme().indicatorCodes()) {
                Indicator ind = in.catalog().indicator(code);
                Long heldBy = heldBy(ind, p.code(), period, holding);
                Long outlier = outlying.get(key(p.code(), code, period));
                if (outlier != null) outliers.put(code, outlier);
                if (heldBy != null) {
                    held.put(code, heldBy);
                    values.put(code, null);
                    continue;
                }
                ObservationValue v = ind.derived()
                        ? DerivedIndicators.compute(ind, base).get(period)
                        : base.getOrDefault(code, new TreeMap<>()).get(period);
                values.put(code, v == null ? null : v.value().doubleValue());
            }
            String group = "type".equals(in.scheme().group()) ? p.type() : "level".equals(in.scheme().group()) ? p.level() : null;
            out.add(new RankingEngine.Candidate(p.code(), p.name(), p.type(), group, values, exclusion, held, outliers));
        }
        return out;
    }

    /**
     * The warning that holds a platform's value of an indicator for a period, or null: a base value is
     * held by a warning on it; a derived one by a warning on an input of the same period, or, for a
     * growth rate, of the same quarter a year earlier.
     */
    static Long heldBy(Indicator ind, String platform, Period period, Map<String, Long> holding) {
        if (!ind.derived()) return holding.get(key(platform, ind.code(), period));
        Long by = null;
        for (String input : ind.inputs()) {
            by = min(by, holding.get(key(platform, input, period)));
            if (ind.formula() == Indicator.Formula.GROWTH) by = min(by, holding.get(key(platform, input, period.minusYears(1))));
        }
        return by;
    }

    private static Long min(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    private static String key(String platform, String indicator, Period period) {
        return platform + '\u0000' + indicator + '\u0000' + period;
    }

    private static Map<String, Boolean> higherBetter(Catalog catalog) {
        Map<String, Boolean> out = new HashMap<>();
        catalog.indicators().values().forEach(i -> out.put(i.code(), i.better() != Indicator.Better.LOWER));
        return out;
    }

    private static JsonArray runWarnings(RankingEngine.Result result, JsonObject dataQuality) {
        JsonArray out = new JsonArray(new java.util.ArrayList<>(result.warnings()));
        DataQuality.warnings(dataQuality).forEach(out::add);
        return out;
    }

    private Future<Long> store(Principal actor, Computed computed, int year, Integer quarter, String trigger) {
        Inputs in = computed.inputs();
        RankingEngine.Result result = computed.result();
        Scheme s = in.scheme();
        JsonObject dq = computed.dataQuality();
        return pool.withTransaction(conn -> conn.preparedQuery(RankingSql.INSERT_RUN).execute(Tuple.from(new Object[]{
                        s.code(), s.version(), year, quarter, s.group(), in.asOf(), actor.name(), trigger,
                        result.entries().size(), result.notRanked().size(), runWarnings(result, dq), in.fingerprint(),
                        indicatorVersions(s, in.catalog()), dq, dq.getDouble("reportingShare"), dq.getBoolean("incomplete")}))
                .compose(rows -> {
                    long runId = rows.iterator().next().getLong("id");
                    return insertEntries(conn, runId, result)
                            .compose(v -> insertComponents(conn, runId, result))
                            .compose(v -> insertNotRanked(conn, runId, result))
                            .compose(v -> AuditLog.record(conn, actor, "ranking.run", "run:" + runId, new JsonObject()
                                    .put("scheme", s.code()).put("schemeVersion", s.version()).put("year", year)
                                    .put("quarter", quarter).put("trigger", trigger).put("ranked", result.entries().size())
                                    .put("held", dq.getJsonObject("counts").getInteger("held")).put("incomplete", dq.getBoolean("incomplete"))))
                            .map(runId);
                }));
    }

    /** The definition versions a run computes with: its scheme's indicators and their inputs, {code: version}. */
    static JsonObject indicatorVersions(Scheme s, Catalog catalog) {
        java.util.TreeMap<String, Integer> out = new java.util.TreeMap<>();
        for (Scheme.Dimension d : s.dimensions()) {
            for (Scheme.Member m : d.indicators()) {
                Indicator ind = catalog.indicator(m.indicator());
                if (ind == null) continue;
                out.put(ind.code(), ind.version());
                for (String input : ind.inputs()) {
                    Indicator base = catalog.indicator(input);
                    if (base != null) out.put(base.code(), base.version());
                }
            }
        }
        JsonObject json = new JsonObject();
        out.forEach(json::put);
        return json;
    }

    private static Future<Void> insertEntries(SqlConnection conn, long runId, RankingEngine.Result r) {
        int n = r.entries().size();
        if (n == 0) return Future.succeededFuture();
        String[] platform = new String[n], group = new String[n], cls = new String[n], gapPlatform = new String[n];
        Integer[] rank = new Integer[n], lo = new Integer[n], hi = new Integer[n];
        Double[] score = new Double[n], median = new Double[n], gapScore = new Double[n];
        JsonObject[] dims = new JsonObject[n], closing = new JsonObject[n];
        for (int i = 0; i < n; i++) {
            RankingEngine.Entry e = r.entries().get(i);
            platform[i] = e.platform();
            group[i] = e.group();
            rank[i] = e.rank();
            score[i] = e.score();
            cls[i] = e.cls();
            lo[i] = e.rankLow();
            hi[i] = e.rankHigh();
            median[i] = e.medianRank();
            JsonObject d = new JsonObject();
            e.dimensionScores().forEach(d::put);
            dims[i] = d;
            if (e.gap() != null) {
                gapPlatform[i] = e.gap().platform();
                gapScore[i] = e.gap().scoreGap();
                JsonObject c = new JsonObject();
                e.gap().closingValues().forEach(c::put);
                closing[i] = c;
            }
        }
        return conn.preparedQuery(RankingSql.INSERT_ENTRIES).execute(Tuple.from(new Object[]{
                runId, platform, group, rank, score, cls, lo, hi, median, dims, gapPlatform, gapScore, closing})).mapEmpty();
    }

    private static Future<Void> insertComponents(SqlConnection conn, long runId, RankingEngine.Result r) {
        List<String> platform = new ArrayList<>(), indicator = new ArrayList<>(), dimension = new ArrayList<>();
        List<Integer> position = new ArrayList<>();
        List<Double> raw = new ArrayList<>(), value = new ArrayList<>(), normalized = new ArrayList<>(), weight = new ArrayList<>(),
                effective = new ArrayList<>(), contribution = new ArrayList<>();
        List<Boolean> imputed = new ArrayList<>(), treated = new ArrayList<>(), held = new ArrayList<>(), capped = new ArrayList<>(),
                outlier = new ArrayList<>();
        List<Long> heldBy = new ArrayList<>(), outlierAlert = new ArrayList<>();
        for (RankingEngine.Entry e : r.entries()) {
            int pos = 0;
            for (RankingEngine.Component c : e.components()) {
                platform.add(e.platform());
                indicator.add(c.indicator());
                position.add(pos++);
                dimension.add(c.dimension());
                raw.add(c.raw());
                value.add(Double.isNaN(c.value()) ? null : c.value());
                imputed.add(c.imputed());
                treated.add(c.treated());
                normalized.add(c.normalized());
                weight.add(c.weight());
                effective.add(c.effectiveWeight());
                contribution.add(c.contribution());
                held.add(c.held());
                heldBy.add(c.heldBy());
                capped.add(c.capped());
                outlier.add(c.outlierAlert() != null);
                outlierAlert.add(c.outlierAlert());
            }
        }
        if (platform.isEmpty()) return Future.succeededFuture();
        return conn.preparedQuery(RankingSql.INSERT_COMPONENTS).execute(Tuple.from(new Object[]{runId,
                platform.toArray(new String[0]), indicator.toArray(new String[0]), position.toArray(new Integer[0]),
                dimension.toArray(new String[0]), raw.toArray(new Double[0]), value.toArray(new Double[0]),
                imputed.toArray(new Boolean[0]), treated.toArray(new Boolean[0]), normalized.toArray(new Double[0]),
                weight.toArray(new Double[0]), effective.toArray(new Double[0]), contribution.toArray(new Double[0]),
                held.toArray(new Boolean[0]), heldBy.toArray(new Long[0]), capped.toArray(new Boolean[0]),
                outlier.toArray(new Boolean[0]), outlierAlert.toArray(new Long[0])})).mapEmpty();
    }

    private static Future<Void> insertNotRanked(SqlConnection conn, long runId, RankingEngine.Result r) {
        int n = r.notRanked().size();
        if (n == 0) return Future.succeededFuture();
        String[] platform = new String[n], group = new String[n], reason = new String[n], message = new String[n];
        Double[] coverage = new Double[n];
        for (int i = 0; i < n; i++) {
            RankingEngine.NotRanked x = r.notRanked().get(i);
            platform[i] = x.platform();
            group[i] = x.group();
            reason[i] = x.reason();
            message[i] = x.message();
            coverage[i] = x.coverage();
        }
        return conn.preparedQuery(RankingSql.INSERT_NOT_RANKED).execute(Tuple.from(new Object[]{
                runId, platform, group, reason, message, coverage})).mapEmpty();
    }

    /** What a publication request says: nothing, or an override of open data-quality findings with its reason. */
    public record Publication(boolean override, String reason) {
        public static final Publication PLAIN = new Publication(false, null);
    }

    /**
     * Marks a year-end run official (docs/domain.md section 4). Refused with 409 data_quality_open while a ranked
     * platform has a held value or a critical data-error warning on the run's inputs was raised after
     * its snapshot, unless the request overrides with a reason, which is then part of the published
     * record. Publishing twice is harmless; provisional runs cannot be published.
     */
    public Future<JsonObject> publish(Principal actor, int year, long runId, Publication request) {
        return pool.withTransaction(conn -> conn.preparedQuery(RankingSql.RUN_FOR_UPDATE).execute(Tuple.of(runId)).compose(rows -> {
            if (rows.size() == 0 || rows.iterator().next().getInteger("year") != year) {
                throw Problem.notFound("没有编号为 " + runId + " 的 " + year + " 年排名", "no " + year + " run " + runId);
            }
            Row run = rows.iterator().next();
            if (run.getInteger("quarter") != null) {
                throw Problem.conflict("not_year_end", "季度临时排名不能发布为年度正式排名",
                        "a provisional quarterly run cannot be published as the official year-end ranking");
            }
            if (run.getOffsetDateTime("published_at") != null) return Future.succeededFuture(new JsonObject().put("alreadyPublished", true));
            JsonObject dq = (JsonObject) run.getValue("data_quality");
            JsonArray held = DataQuality.heldRanked(dq);
            JsonArray inputs = dq == null ? null : dq.getJsonArray("inputs");
            // Runs stored before inputsLastYear was recorded: any of their inputs, a year earlier too.
            JsonArray lastYear = dq == null ? null : dq.getJsonArray("inputsLastYear", inputs);
            Period period = new Period(year, 4);
            Tuple later = Tuple.tuple().addLong(runId).addLocalDate(period.firstDay()).addArrayOfString(strings(inputs))
                    .addArrayOfLong(DataQuality.heldIds(dq)).addLocalDate(period.minusYears(1).firstDay()).addArrayOfString(strings(lastYear));
            return conn.preparedQuery(RankingSql.RAISED_AFTER_SNAPSHOT).execute(later).compose(raised -> {
                JsonArray after = new JsonArray();
                for (Row a : raised) {
                    after.add(new JsonObject().put("platform", a.getString("platform_code")).put("indicator", a.getString("indicator_code"))
                            .put("period", Period.of(a.getLocalDate("period")).toString()).put("rule", a.getString("rule"))
                            .put("alertId", a.getLong("id")));
                }
                boolean findings = !held.isEmpty() || !after.isEmpty();
                if (findings && !request.override()) {
                    throw Problem.conflict("data_quality_open",
                            String.format("该排名有 %d 个参评平台的数据疑点未解决（%d 项暂不采用的数值，%d 项计算后新发现的数据错误预警）；"
                                    + "请先核实更正，或以 {\"override\": true, \"reason\": \"…\"} 说明理由后发布", held.size() + after.size(),
                                    held.size(), after.size()),
                            String.format("%d data-quality findings are open on this run (%d held values of ranked platforms, "
                                    + "%d data-error warnings raised after its snapshot); correct them, or publish with "
                                    + "{\"override\": true, \"reason\": \"...\"}", held.size() + after.size(), held.size(), after.size()),
                            new JsonObject().put("held", held).put("raisedAfterSnapshot", after));
                }
                String reason = findings ? request.reason() : null;
                return conn.preparedQuery(RankingSql.PUBLISH).execute(Tuple.of(runId, actor.name(), reason))
                        .compose(v -> AuditLog.record(conn, actor, "ranking.publish", "run:" + runId,
                                new JsonObject().put("year", year).put("scheme", run.getString("scheme_code"))
                                        .put("override", reason != null).put("reason", reason)
                                        // an override asked for where nothing was open: published plainly, the request kept
                                        .put("overrideRequested", request.override()).put("requestedReason", findings ? null : request.reason())
                                        .put("held", held).put("raisedAfterSnapshot", after)))
                        .map(v -> new JsonObject().put("alreadyPublished", false).put("scheme", run.getString("scheme_code")));
            });
        })).onSuccess(v -> {
            if (!v.getBoolean("alreadyPublished", false)) {
                Events.publish(vertx.eventBus(), new Events.RunPublished(runId, v.getString("scheme"), year));
            }
        });
    }

    private static String[] strings(JsonArray a) {
        return a == null ? null : a.stream().map(Object::toString).toArray(String[]::new);
    }

    public Future<Void> publish(Principal actor, int year, long runId) {
        return publish(actor, year, runId, Publication.PLAIN).mapEmpty();
    }
}
