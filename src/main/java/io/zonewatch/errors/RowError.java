package io.zonewatch.errors;

import io.vertx.core.json.JsonObject;

/**
 * One problem in one row of a submitted file: the file's line number (header = 1; for JSON, the
 * 1-based position in the array), the column, a stable code and a message in Chinese and English.
 */
public record RowError(long row, String column, String code, String messageZh, String messageEn) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("row", row)
                .put("column", column)
                .put("code", code)
                .put("message", messageZh + " / " + messageEn)
                .put("messageZh", messageZh)
                .put("messageEn", messageEn);
    }

    public static RowError fromJson(JsonObject json) {
        return new RowError(json.getLong("row"), json.getString("column"), json.getString("code"),
                json.getString("messageZh"), json.getString("messageEn"));
    }
}
