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

    private final Pool pool;

    public AlertRoutes(Pool pool) {
        this.pool = pool;
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
        return pool.preparedQuery(AlertSql.LIST).execute(Tuple.from(new Object[]{platform, rule, severity, state, indicator,
                from.firstDay(), to.firstDay(), limit})).map(rows -> {
            JsonArray out = new JsonArray();
            rows.forEach(r -> out.add(toJson(r)));
            return new JsonObject().put("alerts", out);
        });
    }

    private Future<JsonObject> acknowledge(RoutingContext ctx) {
        long id = Http.idParam(ctx, "id");
        Principal who = principal(ctx);
        String comment = comment(ctx);
        return pool.withTransaction(conn -> conn.preparedQuery(AlertSql.ONE).execute(Tuple.of(id)).compose(rows -> {
            if (rows.size() == 0) throw ApiException.notFound("没有编号为 " + id + " 的预警", "no warning " + id);
            Row a = rows.iterator().next();
            if (!who.maySee(a.getString("platform_code"))) throw ApiException.forbidden();
            if ("resolved".equals(a.getString("state"))) {
                throw ApiException.conflict("alert_resolved", "预警已解除，无需确认", "the warning is resolved already");
            }
            return conn.preparedQuery(AlertSql.ACK).execute(Tuple.of(id, who.name(), comment))
                    .compose(v -> AuditLog.record(conn, who, "alert.ack", "alert:" + id,
                            comment == null ? null : new io.vertx.core.json.JsonObject().put("comment", comment)))
                    .compose(v -> conn.preparedQuery(AlertSql.ONE).execute(Tuple.of(id)))
                    .map(after -> toJson(after.iterator().next()));
        }));
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

    static JsonObject toJson(Row r) {
        return new JsonObject()
                .put("id", r.getLong("id"))
                .put("rule", r.getString("rule"))
                .put("severity", r.getString("severity"))
                .put("platform", r.getString("platform_code"))
                .put("platformName", r.getString("platform_name"))
                .put("indicator", r.getString("indicator_code").isEmpty() ? null : r.getString("indicator_code"))
                .put("period", Period.of(r.getLocalDate("period")).toString())
                .put("value", r.getDouble("value"))
                .put("reference", r.getDouble("reference"))
                .put("deviation", r.getDouble("deviation"))
                .put("state", r.getString("state"))
                .put("message", new JsonObject().put("zh", r.getString("message_zh")).put("en", r.getString("message_en")))
                .put("details", r.getValue("details"))
                .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
                .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString())
                .put("acknowledgedAt", r.getOffsetDateTime("acknowledged_at") == null ? null : r.getOffsetDateTime("acknowledged_at").toInstant().toString())
                .put("acknowledgedBy", r.getString("acknowledged_by"))
                .put("acknowledgedComment", r.getString("acknowledged_comment"))
                .put("resolvedAt", r.getOffsetDateTime("resolved_at") == null ? null : r.getOffsetDateTime("resolved_at").toInstant().toString());
    }
}
