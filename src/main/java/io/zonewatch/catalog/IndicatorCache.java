package io.zonewatch.catalog;

import io.vertx.core.Future;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The indicator catalog for the read paths, shared by every event loop of the process. Indicators
 * change a few times a year, yet every observation read needs them: reloading them per request was a
 * third of that request's database work. A change made through this process clears the cache at once;
 * one made through another instance is seen within {@link #TTL_MILLIS}.
 */
public final class IndicatorCache {
    static final long TTL_MILLIS = 5_000;

    /** One definition of an indicator and the instant it came into force (OffsetDateTime.MIN-like for "always"). */
    public record Version(Indicator indicator, java.time.OffsetDateTime validFrom) {
    }

    /** The definitions in force now, and every definition there has been. */
    public record Definitions(List<Indicator> current, List<Version> history) {
        /** For each indicator the latest version in force at {@code instant}, in catalog order. */
        public List<Indicator> at(java.time.OffsetDateTime instant) {
            java.util.Map<String, Indicator> out = new java.util.LinkedHashMap<>();
            for (Version v : history) {   // ordered by catalog order, code, version
                boolean inForce = v.validFrom() == null || !v.validFrom().isAfter(instant);
                if (inForce) out.put(v.indicator().code(), v.indicator());
            }
            return List.copyOf(out.values());
        }
    }

    private record Entry(Definitions definitions, long loadedAt) {
    }

    private final AtomicLong generation = new AtomicLong();
    private volatile Entry entry;

    Future<Definitions> get(Supplier<Future<Definitions>> loader) {
        Entry e = entry;
        long now = System.currentTimeMillis();
        if (e != null && now - e.loadedAt() < TTL_MILLIS) return Future.succeededFuture(e.definitions());
        long startedAt = generation.get();
        return loader.get().onSuccess(d -> {
            // A load that raced with a change must not put the old catalog back.
            if (generation.get() == startedAt) entry = new Entry(new Definitions(List.copyOf(d.current()), List.copyOf(d.history())), now);
        });
    }

    void invalidate() {
        generation.incrementAndGet();
        entry = null;
    }
}
