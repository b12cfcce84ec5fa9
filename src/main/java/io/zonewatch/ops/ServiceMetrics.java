package io.zonewatch.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/** ZoneWatch's own metrics, next to the HTTP, pool and JVM metrics that Vert.x and Micrometer export. */
public final class ServiceMetrics {
    private final MeterRegistry registry;

    public ServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Present from the start at zero, so dashboards and alerts can rate() them before the first event.
        for (String outcome : new String[]{"delivered", "failed"}) deliveryCounter(outcome);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A processed feed (dry runs and replays excluded): status accepted, partial or rejected. */
    public void feedProcessed(String format, String status, Duration took) {
        Counter.builder("zonewatch_feeds")
                .description("Feeds processed, by format and outcome")
                .tag("format", format).tag("status", status)
                .register(registry).increment();
        Timer.builder("zonewatch_feed_processing")
                .description("Time from receiving a feed body to its commit")
                .tag("format", format)
                .register(registry).record(took);
    }

    public void feedReplayed(String format) {
        Counter.builder("zonewatch_feed_replays")
                .description("Feeds answered with an earlier result (same content or Idempotency-Key)")
                .tag("format", format)
                .register(registry).increment();
    }

    /** Rows by outcome: inserted, revised, unchanged, rejected. */
    public void feedRows(String outcome, long count) {
        if (count <= 0) return;
        Counter.builder("zonewatch_feed_rows")
                .description("Feed rows by outcome")
                .tag("outcome", outcome)
                .register(registry).increment(count);
    }

    public void alertRaised(String rule, String severity) {
        Counter.builder("zonewatch_alerts_raised")
                .description("Deviation warnings raised (new, or firing again after being resolved)")
                .tag("rule", rule).tag("severity", severity)
                .register(registry).increment();
    }

    public void alertResolved(String rule) {
        Counter.builder("zonewatch_alerts_resolved")
                .description("Deviation warnings resolved by data that clears their condition")
                .tag("rule", rule)
                .register(registry).increment();
    }

    /** Grafana annotation deliveries: delivered, failed (to be retried). */
    public void delivery(String outcome) {
        deliveryCounter(outcome).increment();
    }

    private Counter deliveryCounter(String outcome) {
        return Counter.builder("zonewatch_alert_deliveries")
                .description("Grafana annotation deliveries from the outbox, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }
}
