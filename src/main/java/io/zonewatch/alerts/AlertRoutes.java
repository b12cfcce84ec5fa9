package io.zonewatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zonewatch.auth.Principal;
import io.zonewatch.auth.Role;
import io.zonewatch.http.ApiException;
import io.zonewatch.http.Http;
import io.zonewatch.observations.Period;

import java.util.Set;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/** GET /alerts, POST /alerts/{id}/ack, GET /me/alerts. */
public final class AlertRoutes {
    static final Set<String> RULES = Set.of(RuleSettings.TARGET_PROGRESS, RuleSettings.YOY_CHANGE, RuleSettings.PEER_OUTLIER,
            RuleSettings.SUSPECT_UNIT, RuleSettings.YTD_DECREASE, RuleSettings.MISSING_SUBMISSION, RuleSettings.RANK_DROP,
            RuleSettings.BELOW_BENCHMARK);
    private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");
    private static final Set<String> STATES = Set.of("open", "acknowledged", "resolved");

    private final AlertService alerts;

    public AlertRoutes(AlertService alerts) {
        this.alerts = alerts;
    }

    public void mount(Router router) {
        router.get(Http.API + "/alerts").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER, Role.PLATFORM))
                .handler(Http.params("platform", "rule", "severity", "state", "indicator", "from", "to", "limit"))
                .handler(Http.json(200, ctx -> {
                    Principal who = principal(ctx);
                    String platform = ctx.queryParams().get("platform");
                    if (who.role() == Role.PLATFORM) {
                        if (platform != null && !platform.equals(who.platformCode())) throw ApiException.forbidden();
                        platform = who.platformCode();
                    }
                    return list(ctx, platform);
                }));
        router.get(Http.API + "/me/alerts").handler(allow(Role.PLATFORM))
                .handler(Http.params("rule", "severity", "state", "indicator", "from", "to", "limit"))
                .handler(Http.json(200, ctx -> list(ctx, principal(ctx).platformCode())));
        router.post(Http.API + "/alerts/:id/ack").handler(allow(Role.BUREAU, Role.ADMIN, Role.PLATFORM)).handler(Http.params())
                .handler(Http.json(200, this::acknowledge));
    }

    private Future<JsonObject> list(RoutingContext ctx, String platform) {
        String rule = Http.choiceParam(ctx, "rule", RULES);
        String severity = Http.choiceParam(ctx, "severity", SEVERITIES);
        String state = Http.choiceParam(ctx, "state", STATES);
        String indicator = ctx.queryParams().get("indicator");
        Period from = period(ctx, "from", new Period(Period.MIN_YEAR, 1));
        Period to = period(ctx, "to", new Period(Period.MAX_YEAR, 4));
        int limit = 500;
        if (ctx.queryParams().get("limit") != null) {
            try {
                limit = Integer.parseInt(ctx.queryParams().get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 5000) {
                throw ApiException.badRequest("bad_parameter", "limit 必须在 1 到 5000 之间", "limit must be between 1 and 5000");
            }
        }
        return alerts.list(new AlertService.AlertQuery(platform, rule, severity, state, indicator, from, to, limit))
                .map(list -> new JsonObject().put("alerts", list));
    }

    private Future<JsonObject> acknowledge(RoutingContext ctx) {
        return alerts.acknowledge(principal(ctx), Http.idParam(ctx, "id"), comment(ctx));
    }

    /** The optional body of an acknowledgement: {"comment": "..."} (at most 500 characters), or nothing. */
    private static String comment(RoutingContext ctx) {
        if (ctx.body().buffer() == null || ctx.body().buffer().length() == 0) return null;
        JsonObject body = Http.bodyObject(ctx);
        for (String key : body.fieldNames()) {
            if (!key.equals("comment")) {
                throw ApiException.badRequest("unknown_field", "未知字段 '" + key + "'，可用：comment", "unknown field '" + key + "'; known: comment");
            }
        }
        Object value = body.getValue("comment");
        if (value == null) return null;
        if (!(value instanceof String text)) {
            throw ApiException.unprocessable("bad_comment", "comment 必须是文字", "comment must be text");
        }
        String c = text.strip();
        if (c.isEmpty()) return null;
        if (c.length() > 500) throw ApiException.unprocessable("bad_comment", "说明最多 500 个字符", "the comment may have at most 500 characters");
        int bad = io.zonewatch.errors.DisplayText.offending(c);
        if (bad >= 0) throw io.zonewatch.errors.DisplayText.refusal("comment", bad);
        return c;
    }

    private static Period period(RoutingContext ctx, String name, Period def) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isBlank()) return def;
        Period p = Period.parse(v);
        if (p == null) throw ApiException.badRequest("bad_period", name + " 期别 '" + v + "' 无效", name + ": invalid period '" + v + "'");
        return p;
    }
}
