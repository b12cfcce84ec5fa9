package io.zonewatch.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.zonewatch.errors.RowError;

/** The JSON shape of a feed record, shared by POST /feeds answers and GET /feeds. */
final class FeedRecords {
    private FeedRecords() {
    }

    static JsonObject toJson(Row r, boolean withErrors) {
        Object errors = r.getValue("errors");
        JsonObject json = new JsonObject()
                .put("feedId", r.getLong("id"))
                .put("status", r.getString("status"))
                .put("format", r.getString("format"))
                .put("mode", r.getString("mode"))
                .put("rows", r.getInteger("rows"))
                .put("inserted", r.getInteger("inserted"))
                .put("revised", r.getInteger("revised"))
                .put("unchanged", r.getInteger("unchanged"))
                .put("rejected", r.getInteger("rejected"))
                .put("receivedAt", r.getOffsetDateTime("received_at").toInstant().toString())
                .put("submitter", r.getString("submitter"))
                .put("contentSha256", r.getString("content_sha256"))
                .put("sizeBytes", r.getLong("size_bytes"))
                .put("idempotencyKey", r.getString("idempotency_key"))
                .put("errorsTruncated", r.getBoolean("errors_truncated"));
        if (withErrors) json.put("errors", errors instanceof JsonArray a ? a : new JsonArray());
        if ("rejected".equals(r.getString("status"))) {
            JsonArray list = errors instanceof JsonArray a ? a : new JsonArray();
            withRejection(json, list.isEmpty() ? null : RowError.fromJson(list.getJsonObject(0)));
        }
        return json;
    }

    /**
     * A rejected feed's answer also follows the general error shape: {@code error} is the whole-feed
     * problem (e.g. missing_column) or {@code invalid_rows}, and the row errors say which rows.
     */
    static JsonObject withRejection(JsonObject body, RowError fatalOrFirst) {
        boolean fatal = fatalOrFirst != null && body.getInteger("rows", 0) == 0;
        if (fatal) return error(body, fatalOrFirst.code(), fatalOrFirst.messageZh(), fatalOrFirst.messageEn());
        int rejected = body.getInteger("rejected", 0);
        return error(body, "invalid_rows", "报送被拒绝：" + rejected + " 行有错误，未保存任何数据",
                "feed rejected: " + rejected + " rows have errors, nothing was stored");
    }

    /** The fields of every error answer (ApiException#toJson): a client reads a refused feed like any error. */
    private static JsonObject error(JsonObject body, String code, String zh, String en) {
        return body.put("error", code).put("message", zh + " / " + en).put("messageZh", zh).put("messageEn", en);
    }
}
