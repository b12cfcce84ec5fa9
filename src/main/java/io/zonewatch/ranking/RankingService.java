package io.zonewatch.ranking;

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
import io.zonewatch.http.ApiException;
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

    public RankingService(Vertx vertx, Pool pool, Clock clock) {
        this.vertx = vertx;
        this.pool = pool;
        this.clock = clock;
    }

    /** Everything a run reads, taken in one snapshot. */
    record Inputs(Scheme scheme, Catalog catalog, OffsetDateTime asOf, String fingerprint,
                  Map<String, Map<String, NavigableMap<Period, ObservationValue>>> values) {
    }

    /** Computes and stores a run; resolves to its id. */
    public Future<Long> compute(Principal actor, String schemeCode, int year, Integer quarter, String trigger) {
        if (quarter != null && (quarter < 1 || quarter > 3)) {
            throw ApiException.badRequest("bad_parameter", "quarter 必须是 1、2 或 3（第四季度即年度排名）",
                    "quarter must be 1, 2 or 3 (the fourth quarter is the year-end ranking)");
        }
        if (year < Period.MIN_YEAR || year > Period.MAX_YEAR) {
            throw ApiException.notFound("年份 " + year + " 无效", "invalid year " + year);
        }
        Period period = new Period(year, quarter == null ? 4 : quarter);
        LocalDate today = ZonedDateTime.now(clock).withZoneSameInstant(Period.CHINA).toLocalDate();
        if (!period.lastDay().isBefore(today)) {
            throw ApiException.unprocessable("period_not_ended", period + " 尚未结束，不能排名", period + " has not ended yet");
        }
        long[] at = {System.nanoTime(), 0, 0};
        return readInputs(schemeCode, period)
                .compose(in -> {
                    at[1] = System.nanoTime();
                    return vertx.executeBlocking(() -> RankingEngine.compute(in.scheme(), quarter == null ? year : null,
                            candidates(in, period), higherBetter(in.catalog())), false).map(result -> Map.entry(in, result));
                })
                .compose(r -> {
                    at[2] = System.nanoTime();
                    return store(actor, r.getKey(), year, quarter, trigger, r.getValue()).onSuccess(runId ->
                            // Where a run's time goes, for operators and the benchmarks (bench/RESULTS.md).
                            LOG.info("ranking run {} ({} {}): {} ranked; inputs read in {} ms, computed in {} ms, stored in {} ms",
                                    runId, schemeCode, period, r.getValue().entries().size(), (at[1] - at[0]) / 1_000_000,
                                    (at[2] - at[1]) / 1_000_000, (System.nanoTime() - at[2]) / 1_000_000));
                });
    }

    private Future<Inputs> readInputs(String schemeCode, Period period) {
        return pool.withTransaction(conn -> conn.query(RankingSql.SNAPSHOT).execute()
                .compose(v -> CatalogRepository.loadWith(conn))
                .compose(catalog -> conn.preparedQuery(RankingSql.LATEST_SCHEME).execute(Tuple.of(schemeCode)).compose(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("未知排名方案 '" + schemeCode + "'", "unknown scheme '" + schemeCode + "'");
                    }
                    Scheme scheme = SchemeRepository.toScheme(SchemeRepository.describe(rows.iterator().next()), catalog.indicators());
                    Set<String> base = new LinkedHashSet<>();
                    for (String code : scheme.indicatorCodes()) {
                        Indicator ind = catalog.indicator(code);
                        if (ind.derived()) base.addAll(ind.inputs());
                        else base.add(code);
                    }
                    LocalDate[] periods = {period.firstDay(), period.minusYears(1).firstDay()};
                    return conn.query(RankingSql.NOW).execute().compose(now -> conn.preparedQuery(RankingSql.DATA_FINGERPRINT)
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
                                        fp.iterator().next().getString("fingerprint"), values);
                            })));
                })));
    }

    /** Steps 1–2: the population active in the year, and each platform's value per scheme indicator. */
    static List<RankingEngine.Candidate> candidates(Inputs in, Period period) {
        LocalDate yearStart = LocalDate.of(period.year(), 1, 1);
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
            for (String code : in.scheme().indicatorCodes()) {
                Indicator ind = in.catalog().indicator(code);
                ObservationValue v = ind.derived()
                        ? DerivedIndicators.compute(ind, base).get(period)
                        : base.getOrDefault(code, new TreeMap<>()).get(period);
                values.put(code, v == null ? null : v.value().doubleValue());
            }
            String group = "type".equals(in.scheme().group()) ? p.type() : "level".equals(in.scheme().group()) ? p.level() : null;
            out.add(new RankingEngine.Candidate(p.code(), p.name(), p.type(), group, values, exclusion));
        }
        return out;
    }

    private static Map<String, Boolean> higherBetter(Catalog catalog) {
        Map<String, Boolean> out = new HashMap<>();
        catalog.indicators().values().forEach(i -> out.put(i.code(), i.better() != Indicator.Better.LOWER));
        return out;
    }

    private Future<Long> store(Principal actor, Inputs in, int year, Integer quarter, String trigger, RankingEngine.Result result) {
        Scheme s = in.scheme();
        return pool.withTransaction(conn -> conn.preparedQuery(RankingSql.INSERT_RUN).execute(Tuple.from(new Object[]{
                        s.code(), s.version(), year, quarter, s.group(), in.asOf(), actor.name(), trigger,
                        result.entries().size(), result.notRanked().size(), new JsonArray(result.warnings()), in.fingerprint(),
                        indicatorVersions(s, in.catalog())}))
                .compose(rows -> {
                    long runId = rows.iterator().next().getLong("id");
                    return insertEntries(conn, runId, result)
                            .compose(v -> insertComponents(conn, runId, result))
                            .compose(v -> insertNotRanked(conn, runId, result))
                            .compose(v -> AuditLog.record(conn, actor, "ranking.run", "run:" + runId, new JsonObject()
                                    .put("scheme", s.code()).put("schemeVersion", s.version()).put("year", year)
                                    .put("quarter", quarter).put("trigger", trigger).put("ranked", result.entries().size())))
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
        List<Boolean> imputed = new ArrayList<>(), treated = new ArrayList<>();
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
            }
        }
        if (platform.isEmpty()) return Future.succeededFuture();
        return conn.preparedQuery(RankingSql.INSERT_COMPONENTS).execute(Tuple.from(new Object[]{runId,
                platform.toArray(new String[0]), indicator.toArray(new String[0]), position.toArray(new Integer[0]),
                dimension.toArray(new String[0]), raw.toArray(new Double[0]), value.toArray(new Double[0]),
                imputed.toArray(new Boolean[0]), treated.toArray(new Boolean[0]), normalized.toArray(new Double[0]),
                weight.toArray(new Double[0]), effective.toArray(new Double[0]), contribution.toArray(new Double[0])})).mapEmpty();
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

    /** Marks a year-end run official. Publishing twice is harmless; provisional runs cannot be published. */
    public Future<Void> publish(Principal actor, int year, long runId) {
        return pool.withTransaction(conn -> conn.preparedQuery(RankingSql.RUN).execute(Tuple.of(runId)).compose(rows -> {
            if (rows.size() == 0 || rows.iterator().next().getInteger("year") != year) {
                throw ApiException.notFound("没有编号为 " + runId + " 的 " + year + " 年排名", "no " + year + " run " + runId);
            }
            Row run = rows.iterator().next();
            if (run.getInteger("quarter") != null) {
                throw ApiException.conflict("not_year_end", "季度临时排名不能发布为年度正式排名",
                        "a provisional quarterly run cannot be published as the official year-end ranking");
            }
            if (run.getOffsetDateTime("published_at") != null) return Future.succeededFuture();
            return conn.preparedQuery(RankingSql.PUBLISH).execute(Tuple.of(runId, actor.name()))
                    .compose(v -> AuditLog.record(conn, actor, "ranking.publish", "run:" + runId,
                            new JsonObject().put("year", year).put("scheme", run.getString("scheme_code"))));
        })).onSuccess(v -> vertx.eventBus().publish("zonewatch.alerts.evaluate", runId));
    }
}
