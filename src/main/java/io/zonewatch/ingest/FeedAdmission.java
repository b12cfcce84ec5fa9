package io.zonewatch.ingest;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the feed bodies held in memory at once (ZONEWATCH_FEED_MEMORY_BYTES, shared by the event
 * loops of the process). A feed body is received whole before it is parsed; without a bound, a few
 * clients sending the largest feeds at the same moment would exhaust the heap and end the process
 * for everyone. A feed that does not fit now is refused with 503 and Retry-After before its body is
 * read, and goes in on retry.
 */
public final class FeedAdmission {
    private final long budget;
    private final AtomicLong admitted = new AtomicLong();

    public FeedAdmission(long budget, MeterRegistry registry) {
        this.budget = budget;
        Gauge.builder("zonewatch_feed_body_bytes", admitted, AtomicLong::get)
                .description("Bytes of feed bodies admitted and not yet answered")
                .baseUnit("bytes")
                .register(registry);
    }

    /** Reserves {@code bytes}; false when that would go over the budget. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = admitted.get();
            if (now + bytes > budget) return false;
            if (admitted.compareAndSet(now, now + bytes)) return true;
        }
    }

    void release(long bytes) {
        admitted.addAndGet(-bytes);
    }
}
