package io.zonewatch.alerts;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * Rule switches and thresholds: a default per rule, optionally overridden per indicator (docs/domain.md
 * section 5: "thresholds are configurable per indicator").
 */
public final class RuleSettings {
    public static final String TARGET_PROGRESS = "target_progress";
    public static final String YOY_CHANGE = "yoy_change";
    public static final String PEER_OUTLIER = "peer_outlier";
    public static final String SUSPECT_UNIT = "suspect_unit";
    public static final String YTD_DECREASE = "ytd_decrease";
    public static final String MISSING_SUBMISSION = "missing_submission";
    public static final String RANK_DROP = "rank_drop";
    public static final String BELOW_BENCHMARK = "below_benchmark";

    /** rule → indicator ("" for the default) → settings. */
    private final Map<String, Map<String, JsonObject>> settings = new HashMap<>();

    public void put(String rule, String indicator, boolean enabled, JsonObject thresholds) {
        settings.computeIfAbsent(rule, r -> new HashMap<>()).put(indicator, thresholds.copy().put("enabled", enabled));
    }

    private JsonObject of(String rule, String indicator) {
        Map<String, JsonObject> byIndicator = settings.getOrDefault(rule, Map.of());
        JsonObject merged = byIndicator.getOrDefault("", new JsonObject()).copy();
        if (indicator != null && byIndicator.containsKey(indicator)) merged.mergeIn(byIndicator.get(indicator));
        return merged;
    }

    public boolean enabled(String rule, String indicator) {
        return of(rule, indicator).getBoolean("enabled", true);
    }

    public double number(String rule, String indicator, String key, double def) {
        Object v = of(rule, indicator).getValue(key);
        return v instanceof Number n ? n.doubleValue() : def;
    }
}
