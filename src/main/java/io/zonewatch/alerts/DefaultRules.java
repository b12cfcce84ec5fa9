package io.zonewatch.alerts;

import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Resources;

/** The default rule settings shipped as {@code alerts/default-rules.yaml}. */
public final class DefaultRules {
    public static final String RESOURCE = "alerts/default-rules.yaml";

    private DefaultRules() {
    }

    public static JsonObject load() {
        return Resources.yaml(RESOURCE).getJsonObject("rules");
    }
}
