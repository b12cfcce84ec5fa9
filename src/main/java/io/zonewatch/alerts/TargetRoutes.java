package io.zonewatch.alerts;

import io.zonewatch.events.Events;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.auth.Role;
import io.zonewatch.catalog.Catalog;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.http.ApiException;
import io.zonewatch.http.Http;
import io.zonewatch.errors.RowError;
import io.zonewatch.errors.RowErrors;
import io.zonewatch.ingest.InputNumber;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/**
 * Annual targets (年度目标): POST /targets (CSV or JSON, validated like feeds, all or nothing,
 * versioned), GET /platforms/{code}/targets and GET /platforms/{code}/progress (序时进度 against them).
 * Accepted targets re-evaluate 序时进度 at once.
 */
public final class TargetRoutes {
    private static final String UPSERT = """
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS t(platform_code, indicator_code, year, value_text)
            ), classified AS (
                SELECT i.platform_code, i.indicator_code, i.year, i.value_text::numeric AS value, c.revision AS old_revision,
                       CASE WHEN c.revision IS NULL THEN 'inserted'
                            WHEN c.value = i.value_text::numeric THEN 'unchanged' ELSE 'revised' END AS outcome
                FROM input i LEFT JOIN target_current c USING (platform_code, indicator_code, year)
            ), versions AS (
                INSERT INTO target_version (platform_code, indicator_code, year, revision, value, submitted_by)
                SELECT platform_code, indicator_code, year, coalesce(old_revision, 0) + 1, value, $5
                FROM classified WHERE outcome <> 'unchanged'
            ), moved AS (
                INSERT INTO target_current (platform_code, indicator_code, year, revision, value, recorded_at)
                SELECT platform_code, indicator_code, year, coalesce(old_revision, 0) + 1, value, now()
                FROM classified WHERE outcome <> 'unchanged'
                ON CONFLICT (platform_code, indicator_code, year) DO UPDATE
                   SET revision = excluded.revision, value = excluded.value, recorded_at = excluded.recorded_at
            )
            SELECT count(*) FILTER (WHERE outcome = 'inserted') AS inserted,
                   count(*) FILTER (WHERE outcome = 'revised') AS revised,
                   count(*) FILTER (WHERE outcome = 'unchanged') AS unchanged
            FROM classified
            """;
    private static final String LOCK = io.zonewatch.db.AdvisoryLock.TARGETS.xact();
    private static final String OF_PLATFORM = """
            SELECT indicator_code, year, value::text AS value, revision, recorded_at
            FROM target_current WHERE platform_code = $1 AND ($2::int IS NULL OR year = $2)
            ORDER BY year, indicator_code
            """;

    private final Pool pool;
    private final CatalogRepository catalog;
    private final AlertService alerts;

    public TargetRoutes(Pool pool, CatalogRepository catalog, AlertService alerts) {
        this.pool = pool;
        this.catalog = catalog;
        this.alerts = alerts;
    }

    record Target(long row, String platform, String indicator, int year, BigDecimal value) {
    }

    public void mount(Router router) {
        router.post(Http.API + "/targets").handler(allow(Role.BUREAU, Role.ADMIN)).handler(Http.params()).handler(Http.json(200, this::submit));
        router.get(Http.API + "/platforms/:code/targets").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER, Role.PLATFORM))
                .handler(Http.params("year"))
                .handler(Http.json(200, ctx -> {
                    String code = Http.codeParam(ctx, "code");
                    if (!principal(ctx).maySee(code)) throw ApiException.forbidden();
                    Integer year = yearParam(ctx);
                    return pool.preparedQuery(OF_PLATFORM).execute(Tuple.of(code, year)).map(rows -> {
                        JsonArray out = new JsonArray();
                        for (Row r : rows) {
                            out.add(new JsonObject().put("indicator", r.getString("indicator_code")).put("year", r.getInteger("year"))
                                    .put("value", new BigDecimal(r.getString("value"))).put("revision", r.getInteger("revision"))
                                    .put("recordedAt", r.getOffsetDateTime("recorded_at").toInstant().toString()));
                        }
                        return new JsonObject().put("platform", code).put("targets", out);
                    });
                }));
        router.get(Http.API + "/platforms/:code/progress").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER, Role.PLATFORM))
                .handler(Http.params("year"))
                .handler(Http.json(200, this::progress));
    }

    /** The optional ?year= of a read: null when absent. */
    private static Integer yearParam(RoutingContext ctx) {
        String v = ctx.queryParams().get("year");
        if (v == null) return null;
        try {
            int year = Integer.parseInt(v.trim());
            if (year >= 1949 && year <= 2100) return year;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("bad_parameter", "year 必须是 1949–2100 之间的整数", "year must be a whole number from 1949 to 2100");
    }

    /**
     * GET /platforms/{code}/progress?year=: 序时进度 of each annual target of the year (default: the
     * latest year with targets) in each quarter with a value, by the warning rule's own arithmetic
     * ({@link Rules#progress}) and thresholds (the rule switched off for an indicator: no severity).
     */
    private Future<JsonObject> progress(RoutingContext ctx) {
        String code = Http.codeParam(ctx, "code");
        if (!principal(ctx).maySee(code)) throw ApiException.forbidden();
        Integer year = yearParam(ctx);
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
            if (!r.getBoolean("known")) throw ApiException.notFound("未知平台 '" + code + "'", "unknown platform '" + code + "'");
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
                    .put("quarters", new JsonArray()));
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
        return new JsonObject().put("platform", code).put("year", year).put("indicators", new JsonArray(new ArrayList<>(byIndicator.values())));
    }

    private Future<JsonObject> submit(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        String media = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        Charset charset = Http.charsetOf(contentType);
        if (charset == null || !(media.equals("text/csv") || media.equals("application/json"))) {
            throw new ApiException(415, "unsupported_media_type", "请使用 text/csv 或 application/json", "send text/csv or application/json");
        }
        io.vertx.core.buffer.Buffer raw = ctx.body().buffer() == null ? io.vertx.core.buffer.Buffer.buffer() : ctx.body().buffer();
        boolean csv = media.equals("text/csv");
        // Decoding, parsing and validating up to the body limit is worker-thread work.
        return catalog.load().compose(catalog -> ctx.vertx().executeBlocking(() -> {
            String body = raw.toString(charset);
            if (!body.isEmpty() && body.charAt(0) == '\uFEFF') body = body.substring(1);
            RowErrors errors = new RowErrors();
            List<Target> valid = validate(csv ? csv(body) : json(body), catalog, errors);
            if (!errors.isEmpty() || valid.isEmpty()) {
                if (errors.isEmpty()) errors.add(new RowError(1, null, "empty_feed", "没有目标数据", "no targets in the request"));
                throw errors.rejection();
            }
            return valid;
        }, false)).compose(targets -> {
            int n = targets.size();
            String[] platform = new String[n], indicator = new String[n], value = new String[n];
            Integer[] year = new Integer[n];
            Map<String, Set<Integer>> touched = new HashMap<>();
            for (int i = 0; i < n; i++) {
                Target t = targets.get(i);
                platform[i] = t.platform();
                indicator[i] = t.indicator();
                year[i] = t.year();
                value[i] = t.value().toPlainString();
                touched.computeIfAbsent(t.platform(), k -> new TreeSet<>()).add(t.year());
            }
            return pool.withTransaction(conn -> conn.query(LOCK).execute()
                    .compose(v -> conn.preparedQuery(UPSERT).execute(Tuple.from(new Object[]{platform, indicator, year, value, principal(ctx).name()})))
                    .compose(rows -> {
                        Row r = rows.iterator().next();
                        JsonObject counts = new JsonObject().put("rows", n).put("inserted", r.getLong("inserted"))
                                .put("revised", r.getLong("revised")).put("unchanged", r.getLong("unchanged"));
                        return AuditLog.record(conn, principal(ctx), "targets.submit", "targets", counts).map(counts);
                    }))
                    .onSuccess(counts -> Events.publish(ctx.vertx().eventBus(), new Events.TargetsChanged(n)))
                    .compose(counts -> alerts.evaluateTargets(touched).map(summary -> counts.put("alerts", summary.toJson())));
        });
    }

    private static List<Map<String, Object>> csv(String text) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> header = null;
        try {
            for (CsvRecord r : CsvReader.builder().skipEmptyLines(true).allowExtraFields(true).allowMissingFields(true).ofCsvRecord(text)) {
                if (header == null) {
                    header = r.getFields().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
                    for (String required : List.of("platform_code", "indicator_code", "year", "value")) {
                        if (!header.contains(required)) {
                            throw new ApiException(422, "missing_column", "缺少必需的列 " + required,
                                    "required column " + required + " is missing; columns are platform_code, indicator_code, year, value",
                                    new JsonObject().put("errors", new JsonArray().add(new RowError(1, required, "missing_column",
                                            "缺少必需的列 " + required, "required column " + required + " is missing").toJson())));
                        }
                    }
                    continue;
                }
                Map<String, Object> row = new HashMap<>();
                row.put("_row", r.getStartingLineNumber());
                for (int i = 0; i < header.size() && i < r.getFieldCount(); i++) row.put(header.get(i), r.getField(i).trim());
                out.add(row);
            }
        } catch (CsvParseException e) {
            throw ApiException.unprocessable("bad_csv", "CSV 格式错误", "malformed CSV");
        }
        return out;
    }

    private static List<Map<String, Object>> json(String text) {
        Object parsed;
        try {
            Object body = Http.parseJson(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!(body instanceof JsonObject o)) throw new ClassCastException();
            parsed = o.getValue("targets");
        } catch (ClassCastException e) {
            throw ApiException.badRequest("malformed_json", "请求体必须是 {\"targets\": [...]}", "the body must be {\"targets\": [...]}");
        }
        if (!(parsed instanceof JsonArray array)) {
            throw ApiException.badRequest("malformed_json", "请求体必须是 {\"targets\": [...]}", "the body must be {\"targets\": [...]}");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Map<String, Object> row = new HashMap<>();
            row.put("_row", (long) i + 1);
            if (array.getValue(i) instanceof JsonObject o) {
                row.put("platform_code", o.getValue("platform"));
                row.put("indicator_code", o.getValue("indicator"));
                row.put("year", o.getValue("year"));
                row.put("value", o.getValue("value"));
            }
            out.add(row);
        }
        return out;
    }

    private static List<Target> validate(List<Map<String, Object>> raw, Catalog catalog, RowErrors errors) {
        List<Target> out = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        for (Map<String, Object> r : raw) {
            long row = ((Number) r.get("_row")).longValue();
            long before = errors.count();
            String platform = r.get("platform_code") instanceof String s && !s.isBlank() ? s : null;
            String indicator = r.get("indicator_code") instanceof String s && !s.isBlank() ? s : null;
            if (platform == null || catalog.platform(platform) == null) {
                errors.add(new RowError(row, "platform_code", "unknown_platform", "未知平台代码 '" + RowErrors.clip(platform) + "'",
                        "unknown platform code '" + RowErrors.clip(platform) + "'"));
            }
            Indicator ind = indicator == null ? null : catalog.indicator(indicator);
            if (ind == null) {
                errors.add(new RowError(row, "indicator_code", "unknown_indicator", "未知指标代码 '" + RowErrors.clip(indicator) + "'",
                        "unknown indicator code '" + RowErrors.clip(indicator) + "'"));
            } else if (ind.derived()) {
                errors.add(new RowError(row, "indicator_code", "derived_indicator", "派生指标不能设定目标", "derived indicators have no targets"));
            }
            Integer year = InputNumber.year(String.valueOf(r.get("year")));
            if (year != null && (year < 1949 || year > 2100)) year = null;
            if (year == null) {
                errors.add(new RowError(row, "year", "bad_year", "年份无效", "invalid year '" + RowErrors.clip(String.valueOf(r.get("year"))) + "'"));
            }
            BigDecimal value = null;
            String shown = RowErrors.clip(String.valueOf(r.get("value")));
            try {
                value = InputNumber.parse(String.valueOf(r.get("value")));
                if (value.signum() <= 0 || value.precision() > 30 || value.stripTrailingZeros().scale() > 16
                        || value.compareTo(new BigDecimal("1e15")) > 0) {
                    errors.add(new RowError(row, "value", "out_of_range", "目标值必须是合理的正数", "a target must be a positive number of sane size"));
                    value = null;
                }
            } catch (InputNumber.Refused e) {
                if (e.problem() == InputNumber.Problem.OUT_OF_RANGE) {
                    errors.add(new RowError(row, "value", "out_of_range", "目标值必须是合理的正数", "a target must be a positive number of sane size"));
                } else {
                    errors.add(new RowError(row, "value", "not_a_number", "'" + shown + "' 不是数字" + e.hintZh(),
                            "'" + shown + "' is not a number" + e.hintEn()));
                }
            }
            if (errors.count() > before) continue;
            String key = platform + "|" + indicator + "|" + year;
            Long first = seen.putIfAbsent(key, row);
            if (first != null) {
                errors.add(new RowError(row, null, "duplicate_key", "与第 " + first + " 行重复", "same platform, indicator and year as row " + first));
                continue;
            }
            out.add(new Target(row, platform, indicator, year, value));
        }
        return out;
    }
}
