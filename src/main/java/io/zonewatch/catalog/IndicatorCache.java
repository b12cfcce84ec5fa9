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

    private record Entry(List<Indicator> indicators, long loadedAt) {
    }

    private final AtomicLong generation = new AtomicLong();
    private volatile Entry entry;

    Future<List<Indicator>> get(Supplier<Future<List<Indicator>>> loader) {
        Entry e = entry;
        long now = System.currentTimeMillis();
        if (e != null && now - e.loadedAt() < TTL_MILLIS) return Future.succeededFuture(e.indicators());
        long startedAt = generation.get();
        return loader.get().onSuccess(list -> {
            // A load that raced with a change must not put the old catalog back.
            if (generation.get() == startedAt) entry = new Entry(List.copyOf(list), now);
        });
    }

    void invalidate() {
        generation.incrementAndGet();
        entry = null;
    }
}
