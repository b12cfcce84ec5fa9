package io.zonewatch.errors;

import io.vertx.core.json.JsonObject;

/**
 * An error a client can cause, as the domain says it: what kind of error it is, a stable code and a
 * message in Chinese and English, and details for the answer. Services and repositories throw these;
 * only http's error mapping ({@code http.Failures}) turns a kind into a status code.
 */
public class Problem extends RuntimeException {
    /** What went wrong, independent of any protocol. */
    public enum Kind {
        /** The request is malformed or names an impossible value. */
        INVALID,
        /** No or an unknown credential. */
        UNAUTHENTICATED,
        /** The credential may not do or see this. */
        FORBIDDEN,
        /** What the request names does not exist. */
        NOT_FOUND,
        /** The request conflicts with the current state (e.g. a reused idempotency key, open data-quality findings). */
        CONFLICT,
        /** Well-formed, but the content cannot be accepted (row errors, an incomplete period). */
        UNPROCESSABLE,
        /** A bounded resource is busy: try again later. */
        BUSY,
        /** A dependency is unavailable: try again later. */
        UNAVAILABLE,
        /** Anything else: a bug. */
        INTERNAL
    }

    private final Kind kind;
    private final String code;
    private final String messageZh;
    private final String messageEn;
    private final JsonObject extra;

    public Problem(Kind kind, String code, String messageZh, String messageEn, JsonObject extra) {
        super(code + ": " + messageEn, null, false, false);
        this.kind = kind;
        this.code = code;
        this.messageZh = messageZh;
        this.messageEn = messageEn;
        this.extra = extra;
    }

    public static Problem invalid(String code, String zh, String en) {
        return new Problem(Kind.INVALID, code, zh, en, null);
    }

    public static Problem notFound(String zh, String en) {
        return new Problem(Kind.NOT_FOUND, "not_found", zh, en, null);
    }

    public static Problem forbidden() {
        return new Problem(Kind.FORBIDDEN, "forbidden", "该令牌无权访问此资源", "this token may not access this resource", null);
    }

    public static Problem unprocessable(String code, String zh, String en) {
        return unprocessable(code, zh, en, null);
    }

    public static Problem unprocessable(String code, String zh, String en, JsonObject extra) {
        return new Problem(Kind.UNPROCESSABLE, code, zh, en, extra);
    }

    public static Problem conflict(String code, String zh, String en) {
        return conflict(code, zh, en, null);
    }

    public static Problem conflict(String code, String zh, String en, JsonObject extra) {
        return new Problem(Kind.CONFLICT, code, zh, en, extra);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String messageZh() {
        return messageZh;
    }

    public String messageEn() {
        return messageEn;
    }

    /** Details merged into the answer's body, or null. */
    public JsonObject extra() {
        return extra;
    }

    /** The error contract's body: error, message (both languages), messageZh, messageEn and the details. */
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
