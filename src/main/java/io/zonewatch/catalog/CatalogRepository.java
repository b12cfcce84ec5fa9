package io.zonewatch.catalog;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.auth.Principal;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes the catalog tables. */
public final class CatalogRepository {
    private final Pool pool;
    private final IndicatorCache indicatorCache;

    public CatalogRepository(Pool pool) {
        this(pool, new IndicatorCache());
    }

    /** @param indicatorCache shared by the process's event loops (see {@link IndicatorCache}) */
    public CatalogRepository(Pool pool, IndicatorCache indicatorCache) {
        this.pool = pool;
        this.indicatorCache = indicatorCache;
    }

    public record UpsertCounts(int created, int updated) {
    }

    /** The whole catalog, read in one transaction so that the three parts agree. */
    public Future<Catalog> load() {
        return pool.withTransaction(conn -> loadWith(conn));
    }

    public static Future<Catalog> loadWith(SqlClient client) {
        Map<String, Indicator> indicators = new LinkedHashMap<>();
        Map<String, BigDecimal> conversions = new HashMap<>();
        Map<String, Platform> platforms = new HashMap<>();
        return client.query(CatalogSql.SELECT_INDICATORS).execute()
                .compose(rows -> {
                    rows.forEach(r -> indicators.put(r.getString("code"), indicator(r)));
                    return client.query(CatalogSql.SELECT_CONVERSIONS).execute();
                })
                .compose(rows -> {
                    rows.forEach(r -> conversions.put(Catalog.key(r.getString("unit"), r.getString("from_unit")),
                            new BigDecimal(r.getString("factor"))));
                    return client.query(CatalogSql.SELECT_ALL_PLATFORMS).execute();
                })
                .map(rows -> {
                    rows.forEach(r -> platforms.put(r.getString("code"), platform(r)));
                    return new Catalog(indicators, conversions, platforms);
                });
    }

    public Future<List<Indicator>> indicators() {
        return pool.query(CatalogSql.SELECT_INDICATORS).execute().map(rows -> {
            List<Indicator> out = new ArrayList<>();
            rows.forEach(r -> out.add(indicator(r)));
            return out;
        });
    }

    /** The indicators for read paths: at most {@link IndicatorCache#TTL_MILLIS} old, fresh after a change made here. */
    public Future<List<Indicator>> cachedIndicators() {
        return indicatorCache.get(this::definitions).map(IndicatorCache.Definitions::current);
    }

    /**
     * The definitions in force at {@code instant}, in catalog order: what a read as of that instant
     * computes derived values with. An indicator created later is not among them.
     */
    public Future<List<Indicator>> cachedIndicatorsAt(java.time.OffsetDateTime instant) {
        return indicatorCache.get(this::definitions).map(d -> d.at(instant));
    }

    private Future<IndicatorCache.Definitions> definitions() {
        return indicators().compose(current -> pool.query(CatalogSql.SELECT_VERSIONS).execute().map(rows -> {
            List<IndicatorCache.Version> history = new ArrayList<>();
            rows.forEach(r -> history.add(new IndicatorCache.Version(indicator(r), r.getOffsetDateTime("valid_from"))));
            return new IndicatorCache.Definitions(current, history);
        }));
    }

    /** One version of an indicator's definition, with when it came into force and who made it; null when there is none. */
    public Future<JsonObject> indicatorVersion(String code, int version) {
        return pool.preparedQuery(CatalogSql.SELECT_INDICATOR_VERSION).execute(Tuple.of(code, version))
                .map(rows -> rows.size() == 0 ? null : versionJson(rows.iterator().next()));
    }

    /** The versions of an indicator: number, in force from, by whom. */
    public Future<io.vertx.core.json.JsonArray> indicatorHistory(String code) {
        return pool.preparedQuery(CatalogSql.SELECT_INDICATOR_HISTORY).execute(Tuple.of(code)).map(rows -> {
            io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
            rows.forEach(r -> out.add(new JsonObject().put("version", r.getInteger("version"))
                    .put("validFrom", validFrom(r.getOffsetDateTime("valid_from"))).put("createdBy", r.getString("created_by"))));
            return out;
        });
    }

    private static JsonObject versionJson(Row r) {
        return indicator(r).toJson().put("validFrom", validFrom(r.getOffsetDateTime("valid_from"))).put("createdBy", r.getString("created_by"));
    }

    /** '-infinity' (always in force) is null in the API. */
    private static String validFrom(java.time.OffsetDateTime t) {
        return t == null || t.getYear() < 1 ? null : t.toInstant().toString();
    }

    public Future<Indicator> indicator(String code) {
        return pool.preparedQuery(CatalogSql.SELECT_INDICATOR).execute(Tuple.of(code))
                .map(rows -> rows.size() == 0 ? null : indicator(rows.iterator().next()));
    }

    public Future<List<Platform>> platforms(String type, String level) {
        return pool.preparedQuery(CatalogSql.SELECT_PLATFORMS).execute(Tuple.of(type, level)).map(rows -> {
            List<Platform> out = new ArrayList<>();
            rows.forEach(r -> out.add(platform(r)));
            return out;
        });
    }

    public Future<Platform> platform(String code) {
        return pool.preparedQuery(CatalogSql.SELECT_PLATFORM).execute(Tuple.of(code))
                .map(rows -> rows.size() == 0 ? null : platform(rows.iterator().next()));
    }

    /**
     * Inserts or updates platforms in one statement. {@code validate} sees the current platforms
     * (read under a lock, so parents and cycles are checked against what will really be there) and
     * throws to abort without writing anything.
     */
    public Future<UpsertCounts> upsertPlatforms(Principal actor, List<Platform> batch,
                                                java.util.function.Consumer<Map<String, Platform>> validate) {
        return pool.withTransaction(conn -> conn.query(CatalogSql.LOCK_PLATFORMS).execute()
                .compose(locked -> conn.query(CatalogSql.SELECT_ALL_PLATFORMS).execute())
                .compose(rows -> {
                    Map<String, Platform> existing = new HashMap<>();
                    rows.forEach(r -> existing.put(r.getString("code"), platform(r)));
                    validate.accept(existing);
                    int n = batch.size();
                    String[] code = new String[n], name = new String[n], nameEn = new String[n], level = new String[n],
                            type = new String[n], region = new String[n], parent = new String[n];
                    LocalDate[] from = new LocalDate[n], to = new LocalDate[n];
                    for (int i = 0; i < n; i++) {
                        Platform p = batch.get(i);
                        code[i] = p.code();
                        name[i] = p.name();
                        nameEn[i] = p.nameEn();
                        level[i] = p.level();
                        type[i] = p.type();
                        region[i] = p.region();
                        parent[i] = p.parentCode();
                        from[i] = p.activeFrom();
                        to[i] = p.activeTo();
                    }
                    return conn.preparedQuery(CatalogSql.UPSERT_PLATFORMS)
                            .execute(Tuple.of(code, name, nameEn, level, type, region, parent).addArrayOfLocalDate(from).addArrayOfLocalDate(to));
                })
                .compose(rows -> {
                    int created = 0;
                    for (Row r : rows) if (r.getBoolean("created")) created++;
                    UpsertCounts counts = new UpsertCounts(created, rows.rowCount() - created);
                    String subject = batch.size() == 1 ? "platform:" + batch.get(0).code() : "platforms";
                    return AuditLog.record(conn, actor, "platform.upsert", subject,
                                    new JsonObject().put("count", batch.size()).put("created", counts.created()).put("updated", counts.updated()))
                            .map(counts);
                }));
    }

    /**
     * Inserts or updates one indicator. {@code guard} gets whether the indicator already has stored
     * observations and which derived indicators use it, and throws to refuse the change.
     */
    public Future<Boolean> upsertIndicator(Principal actor, Indicator ind, IndicatorGuard guard) {
        return pool.withTransaction(conn -> conn.preparedQuery(CatalogSql.SELECT_INDICATOR).execute(Tuple.of(ind.code()))
                .compose(existingRows -> {
                    Indicator existing = existingRows.size() == 0 ? null : indicator(existingRows.iterator().next());
                    return conn.preparedQuery(CatalogSql.INDICATOR_HAS_DATA).execute(Tuple.of(ind.code()))
                            .compose(has -> conn.preparedQuery(CatalogSql.INDICATOR_USED_AS_INPUT).execute(Tuple.of(ind.code()))
                                    .map(users -> {
                                        List<String> usedBy = new ArrayList<>();
                                        users.forEach(u -> usedBy.add(u.getString("code")));
                                        guard.check(existing, has.iterator().next().getBoolean(0), usedBy);
                                        return existing;
                                    }));
                })
                .compose(existing -> conn.preparedQuery(CatalogSql.UPSERT_INDICATOR).execute(Tuple.from(new Object[]{
                        ind.code(), ind.nameZh(), ind.nameEn(), ind.unit(), ind.kind().code(), ind.better().code(),
                        ind.nonNegative(), ind.formula() == null ? null : ind.formula().code(), ind.numerator(),
                        ind.denominator(), ind.factor().toPlainString(), ind.growthOf(),
                        existing == null ? null : existing.sortOrder()})))
                .compose(rows -> {
                    Row r = rows.iterator().next();
                    boolean created = r.getBoolean("created");
                    int version = r.getInteger("version");
                    // A new definition (or a new indicator) is kept as a version, in force from this transaction on.
                    return conn.preparedQuery(CatalogSql.RECORD_VERSIONS).execute(Tuple.of(ind.code(), actor.name(), false))
                            .compose(v -> AuditLog.record(conn, actor, "indicator.upsert", "indicator:" + ind.code(),
                                    ind.withVersion(version).toJson()))
                            .map(created);
                })).onComplete(done -> indicatorCache.invalidate());
    }

    @FunctionalInterface
    public interface IndicatorGuard {
        void check(Indicator existing, boolean hasObservations, List<String> usedBy);
    }

    /** Loads the default catalog into an empty database, once, whichever instance gets there first. */
    public Future<Boolean> seedDefaults(DefaultCatalog defaults) {
        return pool.withTransaction(conn -> conn.query(CatalogSql.LOCK_SEED).execute()
                .compose(locked -> conn.query(CatalogSql.SEEDED).execute())
                .compose(seeded -> {
                    if (seeded.iterator().next().getBoolean(0)) return Future.succeededFuture(false);
                    List<Indicator> list = defaults.indicators();
                    int n = list.size();
                    String[] code = new String[n], zh = new String[n], en = new String[n], unit = new String[n],
                            kind = new String[n], better = new String[n], formula = new String[n], num = new String[n],
                            den = new String[n], factor = new String[n], growth = new String[n];
                    Boolean[] nonNeg = new Boolean[n];
                    Integer[] order = new Integer[n];
                    for (int i = 0; i < n; i++) {
                        Indicator ind = list.get(i);
                        code[i] = ind.code();
                        zh[i] = ind.nameZh();
                        en[i] = ind.nameEn();
                        unit[i] = ind.unit();
                        kind[i] = ind.kind().code();
                        better[i] = ind.better().code();
                        nonNeg[i] = ind.nonNegative();
                        formula[i] = ind.formula() == null ? null : ind.formula().code();
                        num[i] = ind.numerator();
                        den[i] = ind.denominator();
                        factor[i] = ind.factor().toPlainString();
                        growth[i] = ind.growthOf();
                        order[i] = ind.sortOrder();
                    }
                    var conv = defaults.conversions();
                    String[] cUnit = conv.stream().map(c -> c[0]).toArray(String[]::new);
                    String[] cFrom = conv.stream().map(c -> c[1]).toArray(String[]::new);
                    String[] cFactor = conv.stream().map(c -> c[2]).toArray(String[]::new);
                    return conn.preparedQuery(CatalogSql.INSERT_INDICATORS)
                            .execute(Tuple.from(new Object[]{code, zh, en, unit, kind, better, nonNeg, formula, num, den, factor, growth, order}))
                            .compose(v -> conn.preparedQuery(CatalogSql.INSERT_CONVERSIONS).execute(Tuple.of(cUnit, cFrom, cFactor)))
                            .compose(v -> conn.preparedQuery(CatalogSql.RECORD_VERSIONS).execute(Tuple.of(null, "default catalog", true)))
                            .compose(v -> conn.query(CatalogSql.MARK_SEEDED).execute())
                            .compose(v -> AuditLog.record(conn, io.zonewatch.auth.Principal.SYSTEM, "catalog.seed", "indicators",
                                    new JsonObject().put("indicators", n).put("unitConversions", conv.size())))
                            .map(true);
                }));
    }

    static Indicator indicator(Row r) {
        return new Indicator(
                r.getString("code"), r.getString("name_zh"), r.getString("name_en"), r.getString("unit"),
                Indicator.Kind.of(r.getString("kind")), Indicator.Better.of(r.getString("better")),
                r.getBoolean("non_negative"), Indicator.Formula.of(r.getString("formula")),
                r.getString("numerator"), r.getString("denominator"), new BigDecimal(r.getString("factor")),
                r.getString("growth_of"), r.getInteger("sort_order"), r.getInteger("version"));
    }

    static Platform platform(Row r) {
        return new Platform(r.getString("code"), r.getString("name"), r.getString("name_en"), r.getString("level"),
                r.getString("type"), r.getString("region"), r.getString("parent_code"),
                r.getLocalDate("active_from"), r.getLocalDate("active_to"));
    }
}
