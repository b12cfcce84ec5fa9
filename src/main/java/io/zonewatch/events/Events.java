package io.zonewatch.events;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;
import java.util.Map;

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

    /** One of the facts above: a record, sent as its JSON (Jackson maps records both ways). */
    public sealed interface Event permits FeedStored, TargetsChanged, RunComputed, RunPublished, AlertsChanged {
    }

    /** A feed was committed with rows stored (not a duplicate, not refused). */
    public record FeedStored(long feedId) implements Event {
    }

    /** Annual targets were written: {@code rows} accepted rows. */
    public record TargetsChanged(long rows) implements Event {
    }

    /** A ranking run was computed and stored ({@code quarter} null: year-end). */
    public record RunComputed(long runId, String scheme, int year, Integer quarter) implements Event {
    }

    /** A year-end run was published (made official). */
    public record RunPublished(long runId, String scheme, int year) implements Event {
    }

    /** A warning evaluation raised, updated or resolved warnings (their outbox rows are committed). */
    public record AlertsChanged(int raised, int updated, int resolved) implements Event {
    }

    private static final Map<Class<? extends Event>, String> ADDRESSES = Map.of(
            FeedStored.class, FEED_STORED,
            TargetsChanged.class, TARGETS_CHANGED,
            RunComputed.class, RUN_COMPUTED,
            RunPublished.class, RUN_PUBLISHED,
            AlertsChanged.class, ALERTS_CHANGED);

    public static void publish(EventBus bus, Event event) {
        bus.publish(ADDRESSES.get(event.getClass()), JsonObject.mapFrom(event));
    }

    /** Subscribes {@code handler} to the fact {@code type}. */
    public static <E extends Event> MessageConsumer<JsonObject> on(EventBus bus, Class<E> type, Consumer<E> handler) {
        return bus.consumer(ADDRESSES.get(type), msg -> handler.accept(msg.body().mapTo(type)));
    }
}
