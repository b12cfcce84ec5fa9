package io.zonewatch.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/** Small helpers shared by every feature's handlers: JSON replies and failure propagation. */
public final class Http {
    public static final String JSON = "application/json; charset=utf-8";
    /** Every API route lives under this prefix. */
    public static final String API = "/api/v1";

    private Http() {
    }

    /**
     * Adapts an asynchronous handler: the future's value is sent as JSON with the given status; a
     * failure (or an exception thrown while building the future) goes to the router's failure handler.
     */
    public static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<?>> action) {
        return ctx -> {
            Future<?> result;
            try {
                result = action.apply(ctx);
            } catch (RuntimeException e) {
                ctx.fail(e);
                return;
            }
            result.onSuccess(value -> send(ctx, status, value)).onFailure(ctx::fail);
        };
    }

    public static void send(RoutingContext ctx, int status, Object value) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        String body = value instanceof JsonObject o ? o.encode()
                : value instanceof JsonArray a ? a.encode()
                : value == null ? "{}" : value.toString();
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body);
    }

    public static JsonObject bodyObject(RoutingContext ctx) {
        try {
            Object value = ctx.body().buffer() == null ? null : ctx.body().buffer().toJsonValue();
            if (value instanceof JsonObject o) return o;
        } catch (DecodeException e) {
            throw ApiException.badRequest("malformed_json", "请求体不是有效的 JSON", "the request body is not valid JSON");
        }
        throw ApiException.badRequest("malformed_json", "请求体必须是 JSON 对象", "the request body must be a JSON object");
    }

    /** A path parameter that must be a positive whole number (an id). */
    public static long idParam(RoutingContext ctx, String name) {
        String raw = ctx.pathParam(name);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) return id;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.notFound("不存在：" + raw, "not found: " + raw);
    }
}
