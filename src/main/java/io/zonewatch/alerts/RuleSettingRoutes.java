package io.zonewatch.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Future;
import io.zonewatch.auth.Role;
import io.zonewatch.http.Http;

import java.util.List;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/** GET /alert-rules and PUT /alert-rules/{rule} ({"indicator"?, "enabled"?, "thresholds"?}): see {@link RuleSettingService}. */
public final class RuleSettingRoutes {
    private final RuleSettingService settings;

    public RuleSettingRoutes(RuleSettingService settings) {
        this.settings = settings;
    }

    public void mount(Router router) {
        router.get(Http.API + "/alert-rules").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER)).handler(Http.params())
                .handler(Http.json(200, ctx -> settings.list().map(RuleSettingRoutes::toJson)));
        router.put(Http.API + "/alert-rules/:rule").handler(allow(Role.ADMIN)).handler(Http.params()).handler(Http.json(200, this::put));
    }

    private Future<JsonObject> put(RoutingContext ctx) {
        JsonObject body = Http.bodyObject(ctx);
        String indicator = body.getValue("indicator") instanceof String s && !s.isBlank() ? s : "";
        boolean enabled = !(body.getValue("enabled") instanceof Boolean b) || b;
        JsonObject thresholds = body.getValue("thresholds") instanceof JsonObject t ? t : new JsonObject();
        return settings.save(principal(ctx), ctx.pathParam("rule"), indicator, enabled, thresholds).map(RuleSettingRoutes::toJson);
    }

    private static JsonObject toJson(List<RuleSettingService.RuleSetting> all) {
        JsonArray out = new JsonArray();
        for (RuleSettingService.RuleSetting r : all) {
            out.add(new JsonObject().put("rule", r.rule()).put("indicator", r.indicator().isEmpty() ? null : r.indicator())
                    .put("enabled", r.enabled()).put("thresholds", r.thresholds()).put("updatedAt", r.updatedAt().toString()));
        }
        return new JsonObject().put("rules", out);
    }
}
