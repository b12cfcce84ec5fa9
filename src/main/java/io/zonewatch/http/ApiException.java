package io.zonewatch.http;

import io.vertx.core.json.JsonObject;
import io.zonewatch.errors.Problem;

/**
 * A {@link Problem} with its HTTP status, for failures only HTTP knows (malformed requests, 401, 405,
 * 408, 413, 415, database busy ...), and what {@link Failures} makes of every other failure. Everything
 * a domain can say (not found, forbidden, conflict, unprocessable) is a plain {@link Problem}, whose
 * factories {@code ApiException.notFound(...)} etc. also reach; its kind gets its status in
 * {@link Failures#status}.
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

    public int status() {
        return status;
    }
}
