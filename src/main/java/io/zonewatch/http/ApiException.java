package io.zonewatch.http;

import io.vertx.core.json.JsonObject;

/**
 * An error a client can cause (or a dependency outage), answered with a status, a stable code and a
 * message in Chinese and English. Anything else that escapes a handler is a bug and answers 500
 * without details.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String messageZh;
    private final String messageEn;
    private final JsonObject extra;

    public ApiException(int status, String code, String messageZh, String messageEn) {
        this(status, code, messageZh, messageEn, null);
    }

    public ApiException(int status, String code, String messageZh, String messageEn, JsonObject extra) {
        super(code + ": " + messageEn, null, false, false);
        this.status = status;
        this.code = code;
        this.messageZh = messageZh;
        this.messageEn = messageEn;
        this.extra = extra;
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

    public String code() {
        return code;
    }

    public JsonObject toJson() {
        JsonObject body = new JsonObject()
                .put("error", code)
                .put("message", messageZh + " / " + messageEn)
                .put("messageZh", messageZh)
                .put("messageEn", messageEn);
        if (extra != null) body.mergeIn(extra);
        return body;
    }
}
