package io.zonewatch.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.auth.Role;
import io.zonewatch.http.ApiException;
import io.zonewatch.http.Http;

import java.nio.charset.Charset;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/** POST /feeds, GET /feeds, GET /feeds/{id}. */
public final class FeedRoutes {
    private final FeedService feeds;
    private final Pool pool;
    private final long maxFeedBytes;
    private final FeedAdmission admission;

    public FeedRoutes(FeedService feeds, Pool pool, long maxFeedBytes, FeedAdmission admission) {
        this.feeds = feeds;
        this.pool = pool;
        this.maxFeedBytes = maxFeedBytes;
        this.admission = admission;
    }

    public void mount(Router router) {
        // Role and format are checked on a route of their own, before the body (up to the feed limit) is read.
        router.post(Http.API + "/feeds")
                .handler(allow(Role.BUREAU, Role.ADMIN))
                .handler(Http.params("mode", "dryRun"))
                .handler(this::checkContentType)
                .handler(this::admit);
        router.post(Http.API + "/feeds")
                .handler(BodyHandler.create(false).setBodyLimit(maxFeedBytes))
                .handler(this::submit);
        router.get(Http.API + "/feeds").handler(allow(Role.BUREAU, Role.ADMIN)).handler(Http.params("before", "limit", "status")).handler(Http.json(200, this::list));
        router.get(Http.API + "/feeds/:id").handler(allow(Role.BUREAU, Role.ADMIN)).handler(Http.params()).handler(Http.json(200, ctx ->
                pool.preparedQuery(FeedSql.FIND_BY_ID).execute(Tuple.of(Http.idParam(ctx, "id"))).map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("没有编号为 " + ctx.pathParam("id") + " 的报送", "no feed " + ctx.pathParam("id"));
                    }
                    return FeedRecords.toJson(rows.iterator().next(), true);
                })));
    }

    /** Refuses unknown formats before reading a possibly large body. */
    private void checkContentType(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (FeedFormat.ofContentType(contentType) == null) {
            ctx.fail(new ApiException(415, "unsupported_media_type",
                    "不支持的内容类型 '" + contentType + "'；请使用 text/csv、application/json 或 application/vnd.sdmx.data+csv",
                    "unsupported Content-Type '" + contentType + "'; send text/csv, application/json or application/vnd.sdmx.data+csv"));
            return;
        }
        if (Http.charsetOf(contentType) == null) {
            ctx.fail(new ApiException(415, "unsupported_charset", "不支持的字符集；请使用 utf-8、gb18030 或 gbk",
                    "unsupported charset; send utf-8, gb18030 or gbk"));
            return;
        }
        ctx.next();
    }

    /**
     * Reserves the body's size (its Content-Length, or the feed limit when it is sent chunked) in the
     * process's feed memory until the answer is sent; refuses with 503 when that is taken now.
     */
    private void admit(RoutingContext ctx) {
        long declared = maxFeedBytes;
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = maxFeedBytes;
            }
        }
        // A body over the limit is refused with 413 by the body handler; it never takes more than the limit.
        long bytes = Math.max(0, Math.min(declared, maxFeedBytes));
        if (!admission.tryReserve(bytes)) {
            ctx.fail(new ApiException(503, "feeds_busy", "其他报送正在接收中，内存已满；请稍后重试（见 Retry-After）",
                    "other feeds are being received and their memory is in use; retry later (see Retry-After)"));
            return;
        }
        ctx.addEndHandler(done -> admission.release(bytes));
        ctx.next();
    }

    private void submit(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        FeedFormat format = FeedFormat.ofContentType(contentType);
        Charset charset = Http.charsetOf(contentType);
        boolean lenient = switch (param(ctx, "mode", "atomic")) {
            case "atomic" -> false;
            case "lenient" -> true;
            default -> throw ApiException.badRequest("bad_parameter", "mode 必须是 atomic 或 lenient", "mode must be atomic or lenient");
        };
        boolean dryRun = switch (param(ctx, "dryRun", "false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("bad_parameter", "dryRun 必须是 true 或 false", "dryRun must be true or false");
        };
        String key = ctx.request().getHeader("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > 200 || !key.matches("[\\x21-\\x7E]+"))) {
            throw ApiException.badRequest("bad_idempotency_key", "Idempotency-Key 应为 1–200 个可见 ASCII 字符",
                    "Idempotency-Key must be 1-200 visible ASCII characters");
        }
        io.vertx.core.buffer.Buffer body = ctx.body().buffer() == null ? io.vertx.core.buffer.Buffer.buffer() : ctx.body().buffer();
        feeds.submit(new FeedSubmission(principal(ctx), format, charset, body, lenient, dryRun, key))
                .onSuccess(outcome -> Http.send(ctx, status(outcome.kind()), outcome.body()))
                .onFailure(ctx::fail);
    }

    private io.vertx.core.Future<JsonObject> list(RoutingContext ctx) {
        String before = ctx.queryParams().get("before");
        String status = Http.choiceParam(ctx, "status", java.util.Set.of("accepted", "partial", "rejected"));
        int limit = 50;
        Long beforeId = null;
        try {
            if (ctx.queryParams().get("limit") != null) limit = Integer.parseInt(ctx.queryParams().get("limit"));
            if (before != null) beforeId = Long.parseLong(before);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("bad_parameter", "limit 和 before 必须是整数", "limit and before must be whole numbers");
        }
        if (limit < 1 || limit > 500) {
            throw ApiException.badRequest("bad_parameter", "limit 必须在 1 到 500 之间", "limit must be between 1 and 500");
        }
        return pool.preparedQuery(FeedSql.LIST).execute(Tuple.of(beforeId, status, limit)).map(rows -> {
            JsonArray list = new JsonArray();
            rows.forEach(r -> list.add(FeedRecords.toJson(r, false)));
            return new JsonObject().put("feeds", list);
        });
    }

    private static String param(RoutingContext ctx, String name, String def) {
        String v = ctx.queryParams().get(name);
        return v == null ? def : v;
    }

    /** 201 for a feed stored now, 422 for a rejected one, 200 for a replay or a dry run's preview. */
    private static int status(FeedOutcome.Kind kind) {
        return switch (kind) {
            case STORED -> 201;
            case REJECTED -> 422;
            case REPLAYED, PREVIEWED -> 200;
        };
    }
}
