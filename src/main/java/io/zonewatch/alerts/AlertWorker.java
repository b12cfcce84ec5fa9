package io.zonewatch.alerts;

import io.zonewatch.events.Events;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.zonewatch.ops.ServiceMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs warning evaluation: at once when a feed is stored or a run published (event bus), and
 * periodically (pending work left by a crash, and the missing-submission sweep). Also keeps the
 * Prometheus gauges of open warnings and of the outbox backlog in step with the database, so every
 * instance reports the same numbers.
 */
public final class AlertWorker extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AlertWorker.class);
    private static final long GAUGE_REFRESH_MS = 15_000;

    private final Pool pool;
    private final AlertService alerts;
    private final ServiceMetrics metrics;
    private final int sweepSeconds;
    private final MultiGauge open;
    private final AtomicLong backlog = new AtomicLong();
    private boolean running;
    private boolean again;

    public AlertWorker(Pool pool, AlertService alerts, ServiceMetrics metrics, int sweepSeconds) {
        this.pool = pool;
        this.alerts = alerts;
        this.metrics = metrics;
        this.sweepSeconds = sweepSeconds;
        this.open = MultiGauge.builder("zonewatch_alerts_open")
                .description("Open (or acknowledged, not resolved) deviation warnings by rule and severity")
                .register(metrics.registry());
        Gauge.builder("zonewatch_alert_outbox_backlog", backlog, AtomicLong::get)
                .description("Grafana annotations waiting in the outbox")
                .register(metrics.registry());
    }

    @Override
    public Future<?> start() {
        if (sweepSeconds > 0) {
            // Pending work is marked in the database; these facts only say when to look.
            Events.on(vertx.eventBus(), Events.FeedStored.class, e -> evaluateSoon());
            Events.on(vertx.eventBus(), Events.RunPublished.class, e -> evaluateSoon());
            vertx.setPeriodic(2_000, sweepSeconds * 1_000L, id -> {
                evaluateSoon();
                alerts.sweepMissing().onFailure(e -> LOG.warn("Missing-submission sweep failed: {}", e.toString()));
            });
        }
        vertx.setPeriodic(0, GAUGE_REFRESH_MS, id -> refreshGauges());
        return Future.succeededFuture();
    }

    /** Coalesces triggers: one evaluation at a time, and one more if something arrived meanwhile. */
    private void evaluateSoon() {
        if (running) {
            again = true;
            return;
        }
        running = true;
        long started = System.nanoTime();
        alerts.processPending().onComplete(r -> {
            running = false;
            if (r.failed()) LOG.warn("Warning evaluation failed (retried on the next round): {}", r.cause().toString());
            else if (r.result().raised() + r.result().resolved() > 0) {
                LOG.info("Warnings evaluated in {} ms: {}", (System.nanoTime() - started) / 1_000_000, r.result().toJson().encode());
            }
            refreshGauges();
            if (r.succeeded() && r.result().raised() + r.result().updated() + r.result().resolved() > 0) {
                AlertService.Summary s = r.result();
                Events.publish(vertx.eventBus(), new Events.AlertsChanged(s.raised(), s.updated(), s.resolved()));
            }
            if (again) {
                again = false;
                evaluateSoon();
            }
        });
    }

    /** Reads open counts and the backlog; resolves when the gauges hold the database's numbers. */
    public Future<Void> refreshGauges() {
        return pool.query(AlertSql.OPEN_COUNTS).execute().compose(rows -> {
            List<MultiGauge.Row<?>> gauges = new ArrayList<>();
            for (String rule : AlertRoutes.RULES) {
                for (String severity : List.of("info", "warning", "critical")) {
                    long n = 0;
                    for (Row r : rows) {
                        if (r.getString("rule").equals(rule) && r.getString("severity").equals(severity)) n = r.getLong("n");
                    }
                    gauges.add(MultiGauge.Row.of(Tags.of("rule", rule, "severity", severity), n));
                }
            }
            open.register(gauges, true);
            return pool.query(AlertSql.OUTBOX_BACKLOG).execute();
        }).map(rows -> {
            backlog.set(rows.iterator().next().getLong("n"));
            return (Void) null;
        }).onFailure(e -> LOG.debug("Gauge refresh failed: {}", e.toString()));
    }
}
