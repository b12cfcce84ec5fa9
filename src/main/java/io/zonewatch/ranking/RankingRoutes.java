package io.zonewatch.ranking;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zonewatch.auth.Principal;
import io.zonewatch.auth.Role;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.http.ApiException;
import io.zonewatch.http.Http;
import io.zonewatch.errors.RowError;
import io.zonewatch.errors.RowErrors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/** Schemes, runs, ranking tables and each platform's ranking. */
public final class RankingRoutes {
    private final CatalogRepository catalog;
    private final SchemeRepository schemes;
    private final RankingService rankings;
    private final RankingViews views;

    public RankingRoutes(CatalogRepository catalog, SchemeRepository schemes, RankingService rankings, RankingViews views) {
        this.catalog = catalog;
        this.schemes = schemes;
        this.rankings = rankings;
        this.views = views;
    }

    public void mount(Router router) {
        router.get(Http.API + "/schemes").handler(Http.params())
                .handler(Http.json(200, ctx -> schemes.latest().map(list -> new JsonObject().put("schemes", list))));
        router.get(Http.API + "/schemes/:code").handler(Http.params("version")).handler(Http.json(200, this::scheme));
        router.put(Http.API + "/schemes/:code").handler(allow(Role.ADMIN)).handler(Http.params()).handler(this::putScheme);

        router.post(Http.API + "/rankings/:year/runs").handler(allow(Role.BUREAU, Role.ADMIN))
                .handler(Http.params("scheme", "quarter", "force")).handler(Http.json(201, this::computeRun));
        router.get(Http.API + "/rankings/:year/runs").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER)).handler(Http.params("scheme"))
                .handler(Http.json(200, ctx -> views.runs(year(ctx), ctx.queryParams().get("scheme")).map(l -> new JsonObject().put("runs", l))));
        router.get(Http.API + "/rankings/:year/runs/:id").handler(Http.params("group"))
                .handler(Http.json(200, ctx -> views.run(Http.idParam(ctx, "id")).compose(run -> {
            // A platform's own token sees a year-end run only once it is published (provisional quarterly
            // runs are never published: they are the quarter's monitoring, shown to everyone).
            if (run == null || run.getInteger("year") != year(ctx)
                    || publishedOnly(ctx) && run.getInteger("quarter") == null && run.getOffsetDateTime("published_at") == null) {
                throw ApiException.notFound("没有这个排名批次", "no such run");
            }
            return views.table(run, ctx.queryParams().get("group"));
        })));
        router.post(Http.API + "/rankings/:year/runs/:id/publish").handler(allow(Role.ADMIN)).handler(Http.params())
                .handler(Http.json(200, ctx -> {
                    long id = Http.idParam(ctx, "id");
                    RankingService.Publication request = publication(ctx);
                    return rankings.publish(principal(ctx), year(ctx), id, request).compose(v -> views.run(id)).map(RankingViews::runHeader);
                }));
        router.get(Http.API + "/rankings/:year").handler(Http.params("scheme", "quarter", "group")).handler(Http.json(200, this::table));

        router.get(Http.API + "/platforms/:code/ranking").handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER, Role.PLATFORM))
                .handler(Http.params("scheme", "year", "quarter"))
                .handler(Http.json(200, ctx -> {
                    String code = Http.codeParam(ctx, "code");
                    if (!principal(ctx).maySee(code)) throw ApiException.forbidden();
                    return platformRanking(ctx, code);
                }));
        router.get(Http.API + "/me").handler(Http.params()).handler(Http.json(200, this::me));
        router.get(Http.API + "/me/ranking").handler(allow(Role.PLATFORM)).handler(Http.params("scheme", "year", "quarter"))
                .handler(Http.json(200, ctx -> platformRanking(ctx, principal(ctx).platformCode())));
    }

    /**
     * The body of a publication: empty, or {"override": true, "reason": "..."} to publish over open
     * data-quality findings (docs/domain.md section 4). The reason is required with an override, 1-1000 characters.
     */
    private static RankingService.Publication publication(RoutingContext ctx) {
        if (ctx.body().buffer() == null || ctx.body().buffer().length() == 0) return RankingService.Publication.PLAIN;
        JsonObject body = Http.bodyObject(ctx);
        for (String key : body.fieldNames()) {
            if (!key.equals("override") && !key.equals("reason")) {
                throw ApiException.badRequest("unknown_field", "未知字段 '" + key + "'，可用：override、reason",
                        "unknown field '" + key + "'; known: override, reason");
            }
        }
        Object override = body.getValue("override");
        if (override != null && !(override instanceof Boolean)) {
            throw ApiException.unprocessable("bad_override", "override 必须是 true 或 false", "override must be true or false");
        }
        boolean on = Boolean.TRUE.equals(override);
        Object reason = body.getValue("reason");
        if (!on) {
            if (reason != null) {
                throw ApiException.unprocessable("bad_override", "reason 只和 override: true 一起使用", "reason goes with override: true only");
            }
            return RankingService.Publication.PLAIN;
        }
        if (!(reason instanceof String text) || text.isBlank()) {
            throw ApiException.unprocessable("override_reason_required", "越过数据质量检查发布时必须说明理由（reason）",
                    "an override of the data-quality checks needs a reason");
        }
        if (text.length() > 1000) {
            throw ApiException.unprocessable("override_reason_too_long", "理由最多 1000 个字符", "the reason may have at most 1000 characters");
        }
        int bad = io.zonewatch.errors.DisplayText.offending(text);
        if (bad >= 0) throw io.zonewatch.errors.DisplayText.refusal("reason", bad);
        return new RankingService.Publication(true, text.strip());
    }

    private Future<JsonObject> scheme(RoutingContext ctx) {
        String code = Http.codeParam(ctx, "code");
        Integer version = null;
        if (ctx.queryParams().get("version") != null) {
            try {
                version = Integer.parseInt(ctx.queryParams().get("version"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bad_parameter", "version 必须是整数", "version must be a whole number");
            }
        }
        return schemes.find(code, version).compose(s -> {
            if (s == null) throw ApiException.notFound("未知排名方案 '" + code + "'", "unknown scheme '" + code + "'");
            return schemes.versions(code).map(v -> s.put("versions", v));
        });
    }

    private void putScheme(RoutingContext ctx) {
        String code = ctx.pathParam("code");
        JsonObject body = Http.bodyObject(ctx);
        catalog.indicators().compose(list -> {
            Map<String, Indicator> byCode = new LinkedHashMap<>();
            list.forEach(i -> byCode.put(i.code(), i));
            if (body.getValue("code") != null && !code.equals(body.getValue("code"))) {
                throw ApiException.unprocessable("code_mismatch", "请求体中的 code 与路径不一致", "code in the body differs from the path");
            }
            SchemeCodec.Parsed parsed = SchemeCodec.parse(code, 0, body, byCode);
            if (parsed.scheme() == null) throw invalid(parsed.errors());
            io.vertx.core.json.JsonArray advisories = SchemeCodec.advisories(parsed.scheme());
            return schemes.save(principal(ctx), parsed.scheme()).map(saved -> Map.entry(saved, advisories));
        }).onSuccess(r -> Http.send(ctx, r.getKey().getValue() ? 201 : 200,
                        r.getKey().getKey().put("changed", r.getKey().getValue()).put("warnings", r.getValue())))
                .onFailure(ctx::fail);
    }

    private Future<JsonObject> computeRun(RoutingContext ctx) {
        int year = year(ctx);
        String scheme = ctx.queryParams().get("scheme") == null ? RankingViews.DEFAULT_SCHEME : ctx.queryParams().get("scheme");
        Integer quarter = quarter(ctx);
        return rankings.compute(principal(ctx), scheme, year, quarter, "manual", Http.flagParam(ctx, "force"))
                .compose(views::run)
                .compose(run -> views.table(run, null));
    }

    private Future<JsonObject> table(RoutingContext ctx) {
        int year = year(ctx);
        String scheme = ctx.queryParams().get("scheme") == null ? RankingViews.DEFAULT_SCHEME : ctx.queryParams().get("scheme");
        Integer quarter = quarter(ctx);
        return views.selectRun(scheme, year, quarter, publishedOnly(ctx)).compose(run -> {
            if (run == null) {
                throw ApiException.notFound("方案 " + scheme + " 尚无 " + year + (quarter == null ? " 年度" : " 年第 " + quarter + " 季度") + "排名",
                        "no " + (quarter == null ? "year-end" : "Q" + quarter) + " ranking of scheme " + scheme + " for " + year);
            }
            return views.table(run, ctx.queryParams().get("group"));
        });
    }

    private Future<String> platformRanking(RoutingContext ctx, String code) {
        String scheme = ctx.queryParams().get("scheme") == null ? RankingViews.DEFAULT_SCHEME : ctx.queryParams().get("scheme");
        Integer year = null;
        if (ctx.queryParams().get("year") != null) year = year(ctx.queryParams().get("year"));
        String q = ctx.queryParams().get("quarter");
        if (q == null || q.isBlank()) return views.platform(code, year, scheme, publishedOnly(ctx));
        // quarter=latest: the newest provisional run (季度监测), whatever its year and quarter
        if (q.trim().equals("latest")) {
            if (year != null) {
                throw ApiException.badRequest("bad_parameter", "quarter=latest 不能与 year 同用", "quarter=latest cannot go with year");
            }
            return views.provisional(code, null, null, scheme, publishedOnly(ctx)).map(JsonObject::encode);
        }
        Integer quarter = quarter(ctx);
        if (quarter == null) return views.platform(code, year, scheme, publishedOnly(ctx));
        return views.provisional(code, year, quarter, scheme, publishedOnly(ctx)).map(JsonObject::encode);
    }

    /** Platforms see year-end rankings once published; the bureau, leaders and admins see drafts too. */
    private static boolean publishedOnly(RoutingContext ctx) {
        return principal(ctx).role() == Role.PLATFORM;
    }

    private Future<JsonObject> me(RoutingContext ctx) {
        Principal p = principal(ctx);
        JsonObject out = new JsonObject().put("role", p.role().code()).put("name", p.name()).put("tokenId", p.tokenId());
        if (p.platformCode() == null) return Future.succeededFuture(out.put("platform", null));
        return catalog.platform(p.platformCode()).map(platform -> out.put("platform", platform == null ? null : platform.toJson()));
    }

    private static int year(RoutingContext ctx) {
        return year(ctx.pathParam("year") == null ? ctx.queryParams().get("year") : ctx.pathParam("year"));
    }

    private static int year(String text) {
        try {
            int y = Integer.parseInt(text);
            if (y >= 1949 && y <= 2100) return y;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("bad_parameter", "年份 '" + text + "' 无效", "invalid year '" + text + "'");
    }

    private static Integer quarter(RoutingContext ctx) {
        String q = ctx.queryParams().get("quarter");
        if (q == null || q.isBlank()) return null;
        return switch (q.trim()) {
            case "1", "2", "3" -> Integer.parseInt(q.trim());
            case "4" -> null;
            default -> throw ApiException.badRequest("bad_parameter", "quarter 必须是 1–4", "quarter must be 1-4");
        };
    }

    private static ApiException invalid(RowErrors errors) {
        io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
        errors.sorted().forEach(e -> list.add(e.toJson().put("field", e.column())));
        RowError first = errors.first();
        return new ApiException(422, first.code(), first.messageZh() + "（" + first.column() + "）",
                first.messageEn() + " (" + first.column() + ")",
                errors.details().put("errors", list));
    }
}
