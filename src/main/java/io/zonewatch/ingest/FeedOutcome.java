package io.zonewatch.ingest;

import io.vertx.core.json.JsonObject;

/**
 * What became of a feed, and its result body: stored now; a replay of an earlier feed (same
 * Idempotency-Key, or same content) answered from its record; a dry run's preview; or rejected (now,
 * by a dry run, or earlier). The routes choose the status for each.
 */
public record FeedOutcome(Kind kind, JsonObject body) {
    public enum Kind {
        /** Validated and stored now. */
        STORED,
        /** The result of an earlier feed this one repeats, which was stored. */
        REPLAYED,
        /** A dry run: validated, nothing stored. */
        PREVIEWED,
        /** Refused as a whole (now, by a dry run, or earlier for a replay); the body says why. */
        REJECTED
    }
}
