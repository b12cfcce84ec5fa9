package io.zonewatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.auth.Role;
import io.zonewatch.http.ApiException;
import io.zonewatch.http.Http;

import java.util.Map;
import java.util.Set;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/**
 * Rule switches and thresholds (docs/domain.md section 5: "configurable per indicator"):
 * GET /alert-rules and PUT /alert-rules/{rule} with an optional indicator. Changes apply from the
 * next evaluation on; existing warnings are re-decided when their data is evaluated again.
 */
public final class RuleSettingRoutes {
    /** The thresholds each rule understands. */
    static final Map<String, Set<String>> KEYS = Map.of(
            RuleSettings.TARGET_PROGRESS, Set.of("warning", "critical"),
            RuleSettings.YOY_CHANGE, Set.of("warning", "critical"),
            RuleSettings.PEER_OUTLIER, Set.of("threshold", "minPeers"),
            RuleSettings.SUSPECT_UNIT, Set.of("factor"),
            RuleSettings.YTD_DECREASE, Set.of(),
            RuleSettings.MISSING_SUBMISSION, Set.of("graceDays"),
            RuleSettings.RANK_DROP, Set.of("places"),
            RuleSettings.BELOW_BENCHMARK, Set.of());
    private static final String LIST = """
            SELECT rule, indicator_code, enabled, thresholds, updated_at FROM alert_rule_setting ORDER BY rule, indicator_code
            """;
    private static final String UPSERT = """
            INSERT INTO alert_rule_setting (rule, indicator_code, enabled, thresholds, updated_at) VALUES ($1, $2, $3, $4, now())
            ON CONFLICT (rule, indicator_code) DO UPDATE SET enabled = excluded.enabled, thresholds = excluded.thresholds,
                                                             updated_at = now()
            """;
    private static final String INDICATOR_EXISTS = "SELECT EXISTS (SELECT 1 FROM indicator WHERE code = $1)";

    private final Pool pool;

    public RuleSettingRoutes(Pool pool) {
        this.pool = pool;
    }

    public void mount(Router router) {
        router.get(Http.API + "/alert-rules").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER)).handler(Http.params()).handler(Http.json(200, ctx -> list()));
        router.put(Http.API + "/alert-rules/:rule").handler(allow(Role.ADMIN)).handler(Http.params()).handler(Http.json(200, this::put));
    }

    private Future<JsonObject> list() {
        return pool.query(LIST).execute().map(rows -> {
            JsonArray out = new JsonArray();
            for (Row r : rows) {
                out.add(new JsonObject().put("rule", r.getString("rule"))
                        .put("indicator", r.getString("indicator_code").isEmpty() ? null : r.getString("indicator_code"))
                        .put("enabled", r.getBoolean("enabled")).put("thresholds", r.getValue("thresholds"))
                        .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString()));
            }
            return new JsonObject().put("rules", out);
        });
    }

    private Future<JsonObject> put(RoutingContext ctx) {
        String rule = ctx.pathParam("rule");
        if (!KEYS.containsKey(rule)) throw ApiException.notFound("未知规则 '" + rule + "'", "unknown rule '" + rule + "'");
        JsonObject body = Http.bodyObject(ctx);
        String indicator = body.getValue("indicator") instanceof String s && !s.isBlank() ? s : "";
        boolean enabled = !(body.getValue("enabled") instanceof Boolean b) || b;
        JsonObject thresholds = body.getValue("thresholds") instanceof JsonObject t ? t : new JsonObject();
        for (String key : thresholds.fieldNames()) {
            Object v = thresholds.getValue(key);
            if (!KEYS.get(rule).contains(key)) {
                throw ApiException.unprocessable("unknown_threshold", "规则 " + rule + " 没有阈值 " + key,
                        "rule " + rule + " has no threshold " + key + "; it has " + KEYS.get(rule));
            }
            if (!(v instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
                throw ApiException.unprocessable("bad_threshold", "阈值 " + key + " 必须是正数", "threshold " + key + " must be a positive number");
            }
        }
        Number warning = thresholds.getNumber("warning");
        Number critical = thresholds.getNumber("critical");
        if (warning != null && critical != null && warning.doubleValue() >= critical.doubleValue()) {
            throw ApiException.unprocessable("bad_threshold", "warning 必须小于 critical", "warning must be below critical");
        }
        Future<Boolean> known = indicator.isEmpty() ? Future.succeededFuture(true)
                : pool.preparedQuery(INDICATOR_EXISTS).execute(Tuple.of(indicator)).map(r -> r.iterator().next().getBoolean(0));
        return known.compose(ok -> {
            if (!ok) throw ApiException.unprocessable("unknown_indicator", "未知指标 '" + indicator + "'", "unknown indicator '" + indicator + "'");
            return pool.withTransaction(conn -> conn.preparedQuery(UPSERT).execute(Tuple.of(rule, indicator, enabled, thresholds))
                    .compose(v -> AuditLog.record(conn, principal(ctx), "alert_rule.save", "rule:" + rule + (indicator.isEmpty() ? "" : ":" + indicator),
                            new JsonObject().put("enabled", enabled).put("thresholds", thresholds))));
        }).compose(v -> list());
    }
}
