package io.zonewatch.targets;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zonewatch.auth.Role;
import io.zonewatch.http.ApiException;
import io.zonewatch.http.Http;
import io.zonewatch.observations.Period;

import java.nio.charset.Charset;
import java.util.Locale;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/**
 * POST /targets (CSV or JSON, validated like feeds, all or nothing, versioned), GET
 * /platforms/{code}/targets and GET /platforms/{code}/progress (序时进度 against them).
 */
public final class TargetRoutes {
    private final TargetService targets;

    public TargetRoutes(TargetService targets) {
        this.targets = targets;
    }

    public void mount(Router router) {
        router.post(Http.API + "/targets").handler(allow(Role.BUREAU, Role.ADMIN)).handler(Http.params()).handler(Http.json(200, this::submit));
        router.get(Http.API + "/platforms/:code/targets").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER, Role.PLATFORM))
                .handler(Http.params("year"))
                .handler(Http.json(200, ctx -> {
                    String code = ownCode(ctx);
                    return targets.ofPlatform(code, yearParam(ctx)).map(list -> {
                        JsonArray out = new JsonArray();
                        for (TargetService.StoredTarget t : list) {
                            out.add(new JsonObject().put("indicator", t.indicator()).put("year", t.year()).put("value", t.value())
                                    .put("revision", t.revision()).put("recordedAt", t.recordedAt().toString()));
                        }
                        return new JsonObject().put("platform", code).put("targets", out);
                    });
                }));
        router.get(Http.API + "/platforms/:code/progress").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER, Role.PLATFORM))
                .handler(Http.params("year"))
                .handler(Http.json(200, ctx -> targets.progress(ownCode(ctx), yearParam(ctx))));
    }

    /** The path's platform code, when the token may see it. */
    private static String ownCode(RoutingContext ctx) {
        String code = Http.codeParam(ctx, "code");
        if (!principal(ctx).maySee(code)) throw ApiException.forbidden();
        return code;
    }

    /** The optional ?year= of a read: null when absent. */
    private static Integer yearParam(RoutingContext ctx) {
        String v = ctx.queryParams().get("year");
        if (v == null) return null;
        try {
            int year = Integer.parseInt(v.trim());
            if (year >= Period.MIN_YEAR && year <= Period.MAX_YEAR) return year;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("bad_parameter", "year 必须是 1949–2100 之间的整数", "year must be a whole number from 1949 to 2100");
    }

    private Future<JsonObject> submit(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        String media = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        Charset charset = Http.charsetOf(contentType);
        if (charset == null || !(media.equals("text/csv") || media.equals("application/json"))) {
            throw new ApiException(415, "unsupported_media_type", "请使用 text/csv 或 application/json", "send text/csv or application/json");
        }
        io.vertx.core.buffer.Buffer raw = ctx.body().buffer() == null ? io.vertx.core.buffer.Buffer.buffer() : ctx.body().buffer();
        return targets.submit(principal(ctx), raw, charset, media.equals("text/csv")).map(s -> new JsonObject()
                .put("rows", s.rows()).put("inserted", s.inserted()).put("revised", s.revised()).put("unchanged", s.unchanged())
                .put("alerts", s.alerts().toJson()));
    }
}
