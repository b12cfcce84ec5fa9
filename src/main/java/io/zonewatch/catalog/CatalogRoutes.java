package io.zonewatch.catalog;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zonewatch.auth.Role;
import io.zonewatch.http.ApiException;
import io.zonewatch.http.Http;
import io.zonewatch.errors.RowErrors;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/** Catalog endpoints: indicators and platforms. */
public final class CatalogRoutes {
    private final CatalogRepository repository;

    public CatalogRoutes(CatalogRepository repository) {
        this.repository = repository;
    }

    public void mount(Router router) {
        router.get(Http.API + "/indicators").handler(Http.params()).handler(Http.json(200, ctx -> repository.indicators().map(list ->
                new JsonObject().put("indicators", new JsonArray(list.stream().map(Indicator::toJson).toList())))));
        router.get(Http.API + "/indicators/:code").handler(Http.params("version")).handler(Http.json(200, this::indicator));
        router.put(Http.API + "/indicators/:code").handler(allow(Role.ADMIN)).handler(Http.params()).handler(this::putIndicator);

        router.get(Http.API + "/platforms").handler(Http.params("type", "level")).handler(Http.json(200, ctx -> repository
                .platforms(Http.choiceParam(ctx, "type", Platform.TYPES), Http.choiceParam(ctx, "level", Platform.LEVELS))
                .map(list -> new JsonObject().put("platforms", new JsonArray(list.stream().map(Platform::toJson).toList())))));
        router.get(Http.API + "/platforms/:code").handler(Http.params()).handler(Http.json(200, ctx -> repository.platform(Http.codeParam(ctx, "code"))
                .map(p -> found(p, "平台", "platform", ctx.pathParam("code")).toJson())));
        router.put(Http.API + "/platforms/:code").handler(allow(Role.ADMIN)).handler(Http.params()).handler(this::putPlatform);
        router.post(Http.API + "/platforms").handler(allow(Role.ADMIN)).handler(Http.params()).handler(Http.json(200, this::postPlatforms));
    }

    /** The definition in force now, or {@code ?version=N}; with the list of versions (number, in force from, by whom). */
    private io.vertx.core.Future<JsonObject> indicator(RoutingContext ctx) {
        String code = Http.codeParam(ctx, "code");
        String v = ctx.queryParams().get("version");
        io.vertx.core.Future<JsonObject> definition;
        if (v == null) {
            definition = repository.indicator(code).map(ind -> ind == null ? null : ind.toJson());
        } else {
            int version;
            try {
                version = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bad_parameter", "version 必须是整数", "version must be a whole number");
            }
            definition = repository.indicatorVersion(code, version);
        }
        return definition.compose(d -> {
            found(d, "指标", "indicator", code + (v == null ? "" : " version " + v));
            return repository.indicatorHistory(code).map(history -> d.put("versions", history));
        });
    }

    private void putIndicator(RoutingContext ctx) {
        String code = ctx.pathParam("code");
        JsonObject body = Http.bodyObject(ctx);
        repository.load().compose(catalog -> {
            Indicator ind = IndicatorInput.parse(code, body, catalog.indicators());
            return repository.upsertIndicator(principal(ctx), ind, (existing, hasData, usedBy) -> {
                if (existing == null) return;
                boolean structural = existing.kind() != ind.kind() || !existing.unit().equals(ind.unit())
                        || existing.nonNegative() != ind.nonNegative();
                if (structural && hasData) {
                    throw ApiException.conflict("indicator_in_use", "该指标已有数据，不能修改类型、单位或非负约束",
                            "the indicator has stored observations: its kind, unit and sign rule cannot change");
                }
                if (ind.derived() != existing.derived() && !usedBy.isEmpty()) {
                    throw ApiException.conflict("indicator_in_use", "该指标被派生指标 " + usedBy + " 引用",
                            "the indicator is an input of " + usedBy);
                }
            }).compose(created -> repository.indicator(code).map(saved -> Map.entry(created, saved)));
        }).onSuccess(r -> Http.send(ctx, r.getKey() ? 201 : 200, r.getValue().toJson())).onFailure(ctx::fail);
    }

    private void putPlatform(RoutingContext ctx) {
        String code = ctx.pathParam("code");
        PlatformInput input = PlatformInput.ofJsonObject(Http.bodyObject(ctx), code);
        if (!input.errors().isEmpty()) {
            ctx.fail(invalid(input.errors()));
            return;
        }
        repository.upsertPlatforms(principal(ctx), input.platforms(), stored -> {
                    RowErrors errors = input.checkParents(stored);
                    if (!errors.isEmpty()) throw invalid(errors);
                })
                .compose(counts -> repository.platform(code).map(p -> Map.entry(counts.created() == 1, p)))
                .onSuccess(r -> Http.send(ctx, r.getKey() ? 201 : 200, r.getValue().toJson()))
                .onFailure(ctx::fail);
    }

    /** Bulk create/update from a JSON array or a CSV file; all rows or none. */
    private Future<JsonObject> postPlatforms(RoutingContext ctx) {
        String contentType = Objects.requireNonNullElse(ctx.request().getHeader("Content-Type"), "").toLowerCase();
        PlatformInput input;
        if (contentType.startsWith("application/json")) {
            Object value = ctx.body().buffer() == null ? null : Http.parseJson(ctx.body().buffer().getBytes());
            if (!(value instanceof JsonArray array)) {
                throw ApiException.badRequest("malformed_json", "请求体必须是平台对象的 JSON 数组", "the body must be a JSON array of platforms");
            }
            input = PlatformInput.ofJsonArray(array);
        } else if (contentType.startsWith("text/csv")) {
            java.nio.charset.Charset charset = Http.charsetOf(contentType);
            if (charset == null) {
                throw new ApiException(415, "unsupported_charset", "不支持的字符集", "unsupported charset");
            }
            String text = ctx.body().buffer() == null ? "" : ctx.body().buffer().toString(charset);
            if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
            input = PlatformInput.ofCsv(text);
        } else {
            throw new ApiException(415, "unsupported_media_type", "请使用 application/json 或 text/csv",
                    "send application/json or text/csv");
        }
        if (input.errors().isEmpty() && input.platforms().isEmpty()) {
            throw ApiException.unprocessable("empty_feed", "没有平台数据", "no platforms in the request");
        }
        if (!input.errors().isEmpty()) throw invalid(input.errors());
        return repository.upsertPlatforms(principal(ctx), input.platforms(), stored -> {
            RowErrors errors = input.checkParents(stored);
            if (!errors.isEmpty()) throw invalid(errors);
        }).map(counts -> new JsonObject()
                .put("platforms", input.platforms().size())
                .put("created", counts.created())
                .put("updated", counts.updated()));
    }

    private static io.zonewatch.errors.Problem invalid(RowErrors errors) {
        return errors.rejection();
    }

    private static <T> T found(T value, String zh, String en, String code) {
        if (value == null) throw ApiException.notFound("未知" + zh + " '" + code + "'", "unknown " + en + " '" + code + "'");
        return value;
    }
}
