package io.zonewatch.ingest;

import io.vertx.core.json.JsonObject;

/** The HTTP status (201 new, 200 replay or dry run, 422 rejected) and the feed result body. */
public record FeedOutcome(int status, JsonObject body) {
}
