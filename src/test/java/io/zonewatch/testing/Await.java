package io.zonewatch.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting until a condition that another thread or process brings about holds, with a deadline: the
 * condition is asked again and again (no sleep stands in for the event), and a wait that times out
 * fails saying what it waited for.
 */
public final class Await {
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    private Await() {
    }

    /** Until {@code condition} holds, at most {@link #DEFAULT}. */
    public static void until(BooleanSupplier condition, String what) {
        until(condition, what, DEFAULT);
    }

    public static void until(BooleanSupplier condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.onSpinWait();
        }
    }
}
