package io.zonewatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.auth.Principal;
import io.zonewatch.errors.Problem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rule switches and thresholds (docs/domain.md section 5): a default per rule, optionally overridden
 * per indicator. Changes apply from the next evaluation on; existing warnings are re-decided when their
 * data is evaluated again.
 */
public final class RuleSettingService {
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

    /** One stored setting; {@code indicator} empty: the rule's default. */
    public record RuleSetting(String rule, String indicator, boolean enabled, JsonObject thresholds, Instant updatedAt) {
    }

    private final Pool pool;

    public RuleSettingService(Pool pool) {
        this.pool = pool;
    }

    public Future<List<RuleSetting>> list() {
        return pool.query(AlertSql.RULE_SETTINGS).execute().map(rows -> {
            List<RuleSetting> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new RuleSetting(r.getString("rule"), r.getString("indicator_code"), r.getBoolean("enabled"),
                        (JsonObject) r.getValue("thresholds"), r.getOffsetDateTime("updated_at").toInstant()));
            }
            return out;
        });
    }

    /** Saves one rule's setting (for an indicator, or its default when {@code indicator} is empty); resolves to all settings. */
    public Future<List<RuleSetting>> save(Principal actor, String rule, String indicator, boolean enabled, JsonObject thresholds) {
        if (!KEYS.containsKey(rule)) throw Problem.notFound("未知规则 '" + rule + "'", "unknown rule '" + rule + "'");
        for (String key : thresholds.fieldNames()) {
            Object v = thresholds.getValue(key);
            if (!KEYS.get(rule).contains(key)) {
                throw Problem.unprocessable("unknown_threshold", "规则 " + rule + " 没有阈值 " + key,
                        "rule " + rule + " has no threshold " + key + "; it has " + KEYS.get(rule));
            }
            if (!(v instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
                throw Problem.unprocessable("bad_threshold", "阈值 " + key + " 必须是正数", "threshold " + key + " must be a positive number");
            }
        }
        Number warning = thresholds.getNumber("warning");
        Number critical = thresholds.getNumber("critical");
        if (warning != null && critical != null && warning.doubleValue() >= critical.doubleValue()) {
            throw Problem.unprocessable("bad_threshold", "warning 必须小于 critical", "warning must be below critical");
        }
        Future<Boolean> known = indicator.isEmpty() ? Future.succeededFuture(true)
                : pool.preparedQuery(AlertSql.INDICATOR_EXISTS).execute(Tuple.of(indicator)).map(r -> r.iterator().next().getBoolean(0));
        return known.compose(ok -> {
            if (!ok) throw Problem.unprocessable("unknown_indicator", "未知指标 '" + indicator + "'", "unknown indicator '" + indicator + "'");
            return pool.withTransaction(conn -> conn.preparedQuery(AlertSql.SAVE_RULE_SETTING).execute(Tuple.of(rule, indicator, enabled, thresholds))
                    .compose(v -> AuditLog.record(conn, actor, "alert_rule.save", "rule:" + rule + (indicator.isEmpty() ? "" : ":" + indicator),
                            new JsonObject().put("enabled", enabled).put("thresholds", thresholds))));
        }).compose(v -> list());
    }
}
