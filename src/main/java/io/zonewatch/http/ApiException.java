package io.zonewatch.http;

import io.vertx.core.json.JsonObject;
import io.zonewatch.errors.Problem;

/**
 * A {@link Problem} with its HTTP status: what the routes and the HTTP layer throw (and what
 * {@link Failures} makes of every other failure). Services throw plain problems; a problem's kind
 * gets its status in {@link Failures#status}.
 */
public class ApiException extends Problem {
    private final int status;

    public ApiException(int status, String code, String messageZh, String messageEn) {
        this(status, code, messageZh, messageEn, null);
    }

    public ApiException(int status, String code, String messageZh, String messageEn, JsonObject extra) {
        super(kindOf(status), code, messageZh, messageEn, extra);
        this.status = status;
    }

    private static Kind kindOf(int status) {
        return switch (status) {
            case 401 -> Kind.UNAUTHENTICATED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            case 422 -> Kind.UNPROCESSABLE;
            case 503 -> Kind.UNAVAILABLE;
            default -> status >= 500 ? Kind.INTERNAL : Kind.INVALID;
        };
    }

    public static ApiException badRequest(String code, String zh, String en) {
        return new ApiException(400, code, zh, en);
    }

    public static ApiException notFound(String zh, String en) {
        return new ApiException(404, "not_found", zh, en);
    }

    public static ApiException forbidden() {
        return new ApiException(403, "forbidden", "该令牌无权访问此资源", "this token may not access this resource");
    }

    public static ApiException unprocessable(String code, String zh, String en) {
        return new ApiException(422, code, zh, en);
    }

    public static ApiException conflict(String code, String zh, String en) {
        return new ApiException(409, code, zh, en);
    }

    public int status() {
        return status;
    }
}
