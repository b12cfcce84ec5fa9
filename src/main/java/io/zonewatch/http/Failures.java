package io.zonewatch.http;

import io.zonewatch.errors.Problem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Maps every failure to the error contract: ApiException as it says, HTTP-level failures (404, 405,
 * 413, ...) to their codes, a database outage to 503 with Retry-After, anything else to a bare 500
 * (logged with its stack trace, never sent).
 */
public final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
    /** How much of a refused body is read and discarded before the connection is simply dropped. */
    private static final long DRAIN_LIMIT = 16L << 20;

    private Failures() {
    }

    public static void handle(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        Throwable failure = ctx.failure();
        ApiException error = toApiException(failure, ctx.statusCode());
        if (error.status() == 503) ctx.response().putHeader("Retry-After", "5");
        if (error.status() >= 500 && error.status() != 503) {
            LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
        }
        if (!ctx.request().isEnded() && ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            // The body was refused unread (too large, wrong type, no token). Closing at once would reset
            // the connection under a client still sending, and it would never read our answer: read
            // and discard the rest (up to a bound), then let "Connection: close" end the connection.
            ctx.response().putHeader("Connection", "close");
            long[] drained = {0};
            ctx.request().handler(chunk -> {
                drained[0] += chunk.length();
                if (drained[0] > DRAIN_LIMIT) ctx.request().connection().close();
            });
            ctx.request().resume();
        }
        Http.send(ctx, error.status(), error.toJson());
    }

    /** The status code of each kind of problem: the one place that knows them. */
    public static int status(Problem.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNPROCESSABLE -> 422;
            case BUSY, UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    private static ApiException withStatus(Problem p) {
        return new ApiException(status(p.kind()), p.code(), p.messageZh(), p.messageEn(), p.extra());
    }

    static ApiException toApiException(Throwable failure, int statusCode) {
        if (failure instanceof ApiException api) return api;
        if (failure instanceof Problem p) return withStatus(p);
        if (failure instanceof DecodeException) {
            return ApiException.badRequest("malformed_json", "请求体不是有效的 JSON", "the request body is not valid JSON");
        }
        if (failure != null && databaseBusy(failure)) {
            return new ApiException(503, "database_busy", "数据库连接全部在用，请稍后重试（见 Retry-After）",
                    "every database connection is in use; retry later (see Retry-After)");
        }
        if (failure != null && databaseUnavailable(failure)) {
            return new ApiException(503, "database_unavailable", "数据库暂时不可用，请稍后重试",
                    "the database is unavailable, retry later");
        }
        if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
            // A data exception (bad encoding, out-of-range value) that validation let through: the
            // client's input, not a server fault.
            return withStatus(Problem.unprocessable("invalid_value", "输入值无法存储（超出范围或含非法字符）",
                    "a value cannot be stored (out of range or an invalid character)"));
        }
        if (failure == null || statusCode > 0 && statusCode < 500) {
            return switch (statusCode) {
                case 400 -> ApiException.badRequest("bad_request", "请求格式错误", "malformed request");
                case 401 -> new ApiException(401, "unauthorized", "需要令牌", "a token is required");
                case 403 -> withStatus(Problem.forbidden());
                case 404 -> withStatus(Problem.notFound("没有这个地址", "no such resource"));
                case 405 -> new ApiException(405, "method_not_allowed", "不支持该请求方法", "method not allowed");
                case 413 -> new ApiException(413, "body_too_large", "请求体超过大小限制", "the request body is larger than allowed");
                case 415 -> new ApiException(415, "unsupported_media_type", "不支持的内容类型", "unsupported Content-Type");
                default -> new ApiException(statusCode > 0 ? statusCode : 500, "http_" + statusCode, "请求失败", "request failed");
            };
        }
        return new ApiException(500, "internal_error", "服务内部错误，已记录", "internal error (logged)",
                new JsonObject());
    }

    /**
     * No pooled connection became free within ZONEWATCH_DB_CONNECT_TIMEOUT_MS, or the pool's wait queue
     * is full: the database is up but every connection is taken (many large feeds at once). The SQL
     * client (SqlConnectionPool) reports the first as "Timeout waiting for connection" to a query on the
     * pool and as a bare "Timeout" to getConnection/withTransaction, the second as
     * ConnectionPoolTooBusyException.
     */
    public static boolean databaseBusy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.vertx.core.http.ConnectionPoolTooBusyException) return true;
            if (c instanceof io.vertx.core.impl.NoStackTraceThrowable && "Timeout".equals(c.getMessage())) return true;
            if (c instanceof io.vertx.core.VertxException && "Timeout waiting for connection".equals(c.getMessage())) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    /** Connection-level failures (refused, closed, timed out, server shutting down): a 503, not a bug. */
    public static boolean databaseUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof ClosedChannelException || c instanceof TimeoutException) return true;
            if (c instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P") || pg.getSqlState().equals("53300"))) {
                return true;
            }
            String name = c.getClass().getName();
            String message = String.valueOf(c.getMessage());
            if (name.contains("ConnectTimeout") || name.contains("ClosedConnection")
                    || message.contains("Connection is closed") || message.contains("Connection refused")
                    || message.contains("Connection is not active")) {
                return true;
            }
        }
        return false;
    }
}
