package io.zonewatch.events;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The facts the service announces on the event bus, in one place: each address names what happened,
 * not who listens, and carries a typed payload (sent as JSON, so it crosses a clustered bus too).
 * Published after the transaction that made the fact true has committed.
 *
 * <pre>
 * feed.stored      FeedService      → AlertWorker (evaluate pending work), ReportingWorker (refresh summaries)
 * targets.changed  target writes    → (announced; 序时进度 is re-evaluated inside the request)
 * run.computed     RankingService   → (announced)
 * run.published    RankingService   → AlertWorker (rank_drop, below_benchmark)
 * alerts.changed   AlertWorker      → GrafanaNotifier (deliver the outbox)
 * </pre>
 */
public final class Events {
    public static final String FEED_STORED = "feed.stored";
    public static final String TARGETS_CHANGED = "targets.changed";
    public static final String RUN_COMPUTED = "run.computed";
    public static final String RUN_PUBLISHED = "run.published";
    public static final String ALERTS_CHANGED = "alerts.changed";

    private Events() {
    }

    /** One of the facts above. */
    public sealed interface Event permits FeedStored, TargetsChanged, RunComputed, RunPublished, AlertsChanged {
        String address();

        JsonObject toJson();
    }

    /** A feed was committed with rows stored (not a duplicate, not refused). */
    public record FeedStored(long feedId) implements Event {
        public String address() {
            return FEED_STORED;
        }

        public JsonObject toJson() {
            return new JsonObject().put("feedId", feedId);
        }

        static FeedStored from(JsonObject j) {
            return new FeedStored(j.getLong("feedId"));
        }
    }

    /** Annual targets were written: {@code rows} accepted rows. */
    public record TargetsChanged(long rows) implements Event {
        public String address() {
            return TARGETS_CHANGED;
        }

        public JsonObject toJson() {
            return new JsonObject().put("rows", rows);
        }

        static TargetsChanged from(JsonObject j) {
            return new TargetsChanged(j.getLong("rows"));
        }
    }

    /** A ranking run was computed and stored ({@code quarter} null: year-end). */
    public record RunComputed(long runId, String scheme, int year, Integer quarter) implements Event {
        public String address() {
            return RUN_COMPUTED;
        }

        public JsonObject toJson() {
            return new JsonObject().put("runId", runId).put("scheme", scheme).put("year", year).put("quarter", quarter);
        }

        static RunComputed from(JsonObject j) {
            return new RunComputed(j.getLong("runId"), j.getString("scheme"), j.getInteger("year"), j.getInteger("quarter"));
        }
    }

    /** A year-end run was published (made official). */
    public record RunPublished(long runId, String scheme, int year) implements Event {
        public String address() {
            return RUN_PUBLISHED;
        }

        public JsonObject toJson() {
            return new JsonObject().put("runId", runId).put("scheme", scheme).put("year", year);
        }

        static RunPublished from(JsonObject j) {
            return new RunPublished(j.getLong("runId"), j.getString("scheme"), j.getInteger("year"));
        }
    }

    /** A warning evaluation raised, updated or resolved warnings (their outbox rows are committed). */
    public record AlertsChanged(int raised, int updated, int resolved) implements Event {
        public String address() {
            return ALERTS_CHANGED;
        }

        public JsonObject toJson() {
            return new JsonObject().put("raised", raised).put("updated", updated).put("resolved", resolved);
        }

        static AlertsChanged from(JsonObject j) {
            return new AlertsChanged(j.getInteger("raised"), j.getInteger("updated"), j.getInteger("resolved"));
        }
    }

    public static void publish(EventBus bus, Event event) {
        bus.publish(event.address(), event.toJson());
    }

    public static MessageConsumer<JsonObject> onFeedStored(EventBus bus, Consumer<FeedStored> handler) {
        return on(bus, FEED_STORED, FeedStored::from, handler);
    }

    public static MessageConsumer<JsonObject> onTargetsChanged(EventBus bus, Consumer<TargetsChanged> handler) {
        return on(bus, TARGETS_CHANGED, TargetsChanged::from, handler);
    }

    public static MessageConsumer<JsonObject> onRunComputed(EventBus bus, Consumer<RunComputed> handler) {
        return on(bus, RUN_COMPUTED, RunComputed::from, handler);
    }

    public static MessageConsumer<JsonObject> onRunPublished(EventBus bus, Consumer<RunPublished> handler) {
        return on(bus, RUN_PUBLISHED, RunPublished::from, handler);
    }

    public static MessageConsumer<JsonObject> onAlertsChanged(EventBus bus, Consumer<AlertsChanged> handler) {
        return on(bus, ALERTS_CHANGED, AlertsChanged::from, handler);
    }

    private static <E extends Event> MessageConsumer<JsonObject> on(EventBus bus, String address, Function<JsonObject, E> decode,
                                                                   Consumer<E> handler) {
        return bus.consumer(address, msg -> handler.accept(decode.apply(msg.body())));
    }
}
