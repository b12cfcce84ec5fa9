package io.zonewatch.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;

/** Small helpers shared by every feature's handlers: JSON replies and failure propagation. */
public final class Http {
    public static final String JSON = "application/json; charset=utf-8";
    /** Every API route lives under this prefix. */
    public static final String API = "/api/v1";

    private Http() {
    }

    /** What the platform page may load: its own scripts, styles, images and API only; never framed. */
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** Everything else is data, not a document: nothing to load, never framed. */
    static final String DATA_POLICY = "default-src 'none'; frame-ancestors 'none'";

    /**
     * First handler of every server: responses are not content-sniffed, send no referrer, and cannot
     * be framed (clickjacking of the platform page).
     */
    public static void securityHeaders(RoutingContext ctx) {
        String path = ctx.request().path();
        boolean page = path != null && (path.equals("/platform") || path.startsWith("/static/"));
        secure(ctx.response(), page);
        ctx.next();
    }

    static void secure(io.vertx.core.http.HttpServerResponse response, boolean page) {
        response.putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Content-Security-Policy", page ? PAGE_POLICY : DATA_POLICY);
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
        if (value instanceof io.vertx.core.buffer.Buffer bytes) {
            // JSON the handler already wrote as bytes.
            ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(bytes);
            return;
        }
        String body = value instanceof JsonObject o ? o.encode()
                : value instanceof JsonArray a ? a.encode()
                : value == null ? "{}" : value.toString();
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body);
    }

    public static JsonObject bodyObject(RoutingContext ctx) {
        Object value = ctx.body().buffer() == null ? null : parseJson(ctx.body().buffer().getBytes());
        if (value instanceof JsonObject o) return o;
        throw ApiException.badRequest("malformed_json", "请求体必须是 JSON 对象", "the request body must be a JSON object");
    }

    /** Request bodies are read strictly: a key given twice is refused (not last-wins), and so is a number no double can hold. */
    private static final com.fasterxml.jackson.databind.ObjectMapper STRICT_JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * A request body as a JsonObject, JsonArray or scalar. 400 {@code malformed_json} when it is not
     * JSON (or a number overflows), 400 {@code duplicate_field} when an object names a key twice.
     */
    public static Object parseJson(byte[] body) {
        Object value;
        try {
            value = STRICT_JSON.readValue(body, Object.class);
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            String m = String.valueOf(e.getOriginalMessage());
            if (m.startsWith("Duplicate field")) {
                String field = io.zonewatch.errors.RowErrors.clip(m.replaceAll("(?s)^Duplicate field '(.*)'.*$", "$1"));
                throw new ApiException(400, "duplicate_field", "JSON 中字段 '" + field + "' 出现了两次", "the JSON names the field '" + field + "' twice");
            }
            throw ApiException.badRequest("malformed_json", "请求体不是有效的 JSON", "the request body is not valid JSON");
        } catch (java.io.IOException | RuntimeException e) {
            throw ApiException.badRequest("malformed_json", "请求体不是有效的 JSON", "the request body is not valid JSON");
        }
        if (!finite(value)) {
            throw ApiException.badRequest("malformed_json", "JSON 中的数值超出范围", "a number in the JSON is out of range");
        }
        if (value instanceof java.util.Map<?, ?> map) {
            @SuppressWarnings("unchecked") java.util.Map<String, Object> m = (java.util.Map<String, Object>) map;
            return new JsonObject(m);
        }
        if (value instanceof java.util.List<?> list) {
            @SuppressWarnings("unchecked") java.util.List<Object> l = (java.util.List<Object>) list;
            return new JsonArray(l);
        }
        return value;
    }

    private static boolean finite(Object v) {
        if (v instanceof Double d) return Double.isFinite(d);
        if (v instanceof java.util.Map<?, ?> m) return m.values().stream().allMatch(Http::finite);
        if (v instanceof java.util.List<?> l) return l.stream().allMatch(Http::finite);
        return true;
    }

    /**
     * The charset named in a Content-Type (utf-8 when absent), or null when Java does not know it.
     * GBK and GB2312 are read as GB18030, their superset: GBK-labelled files often hold GB18030 characters.
     */
    public static Charset charsetOf(String contentType) {
        if (contentType != null) {
            for (String part : contentType.split(";")) {
                String p = part.trim();
                if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                    String name = p.substring(8).trim().replace("\"", "");
                    try {
                        if (name.equalsIgnoreCase("gbk") || name.equalsIgnoreCase("gb2312")) return Charset.forName("GB18030");
                        return Charset.forName(name);
                    } catch (RuntimeException e) {
                        return null;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /**
     * A code from the path (platform, indicator, scheme): letters, digits, '-' and '_'. Anything else
     * cannot name a resource and answers 404 without reaching the database.
     */
    public static String codeParam(RoutingContext ctx, String name) {
        String raw = ctx.pathParam(name);
        if (raw != null && raw.matches("[A-Za-z0-9_-]{1,64}")) return raw;
        throw ApiException.notFound("不存在：" + (raw == null ? "" : raw.replace("\u0000", "")), "not found");
    }

    /** An optional query parameter that must be one of the allowed values. */
    public static String choiceParam(RoutingContext ctx, String name, java.util.Set<String> allowed) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isEmpty()) return null;
        if (allowed.contains(v)) return v;
        throw ApiException.badRequest("bad_parameter", name + " 必须是 " + new java.util.TreeSet<>(allowed) + " 之一",
                name + " must be one of " + new java.util.TreeSet<>(allowed));
    }

    /**
     * Refuses query parameters a route does not know (400 unknown_parameter), and any given twice
     * (400 duplicate_parameter): a misspelt or repeated parameter must not be silently ignored.
     */
    public static Handler<RoutingContext> params(String... allowed) {
        java.util.Set<String> known = java.util.Set.of(allowed);
        return ctx -> {
            for (String name : ctx.queryParams().names()) {
                if (!known.contains(name)) {
                    String clipped = name.length() > 64 ? name.substring(0, 64) + "…" : name;
                    ctx.fail(new ApiException(400, "unknown_parameter", "未知查询参数 '" + clipped + "'，可用：" + new java.util.TreeSet<>(known),
                            "unknown query parameter '" + clipped + "'; known: " + new java.util.TreeSet<>(known),
                            new io.vertx.core.json.JsonObject().put("parameter", clipped)
                                    .put("known", new io.vertx.core.json.JsonArray(java.util.List.copyOf(new java.util.TreeSet<>(known))))));
                    return;
                }
                if (ctx.queryParams().getAll(name).size() > 1 && !REPEATABLE.contains(name)) {
                    ctx.fail(ApiException.badRequest("duplicate_parameter", "查询参数 '" + name + "' 只能给一次",
                            "query parameter '" + name + "' may be given once"));
                    return;
                }
            }
            ctx.next();
        };
    }

    /** Query parameters that take several values by repetition (?indicator=a&indicator=b). */
    private static final java.util.Set<String> REPEATABLE = java.util.Set.of("indicator");

    /** A boolean query parameter: absent is false; true/false, else 400. */
    public static boolean flagParam(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isEmpty() || v.equals("false")) return false;
        if (v.equals("true")) return true;
        throw ApiException.badRequest("bad_parameter", name + " 必须是 true 或 false", name + " must be true or false");
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
