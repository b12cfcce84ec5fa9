package io.zonewatch;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import io.zonewatch.alerts.AlertService;
import io.zonewatch.alerts.AlertWorker;
import io.zonewatch.alerts.DefaultRules;
import io.zonewatch.alerts.GrafanaNotifier;
import io.zonewatch.auth.TokenService;
import io.zonewatch.catalog.IndicatorCache;
import io.zonewatch.catalog.DefaultCatalog;
import io.zonewatch.config.Config;
import io.zonewatch.db.DbTarget;
import io.zonewatch.db.EmbeddedDatabase;
import io.zonewatch.db.Migrations;
import io.zonewatch.db.Pools;
import io.zonewatch.ingest.FeedAdmission;
import io.zonewatch.demo.DemoLoader;
import io.zonewatch.ops.MetricTags;
import io.zonewatch.ops.MetricsVerticle;
import io.zonewatch.ops.ServiceMetrics;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.ranking.DefaultSchemes;
import io.zonewatch.ranking.RankingScheduler;
import io.zonewatch.reporting.ReportingWorker;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A running ZoneWatch: database (embedded or external), migrations, Vert.x with Micrometer, the pool,
 * first-start bootstrap (catalog, admin token, demo data) and the HTTP verticles. Start-up blocks the
 * calling thread (never an event loop); {@link #close()} shuts down gracefully.
 */
public final class ZoneWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneWatch.class);
    private static final long STARTUP_STEP_TIMEOUT_S = 600;

    private final EmbeddedDatabase embedded;
    private final Vertx vertx;
    private final Pool pool;
    private final int port;
    private final ApiVerticle api;
    private final RankingScheduler scheduler;
    private final AlertService alerts;
    private final AlertWorker alertWorker;
    private final GrafanaNotifier grafana;
    private final String httpDeployment;
    private final int shutdownTimeoutSeconds;
    private final Optional<String> generatedAdminToken;
    private final int metricsPort;
    private volatile boolean closed;

    private ZoneWatch(EmbeddedDatabase embedded, Vertx vertx, Pool pool, ApiVerticle api, RankingScheduler scheduler,
                      AlertService alerts, AlertWorker alertWorker, GrafanaNotifier grafana, Optional<String> generatedAdminToken,
                      String httpDeployment, int shutdownTimeoutSeconds, int metricsPort) {
        this.metricsPort = metricsPort;
        this.httpDeployment = httpDeployment;
        this.shutdownTimeoutSeconds = shutdownTimeoutSeconds;
        this.scheduler = scheduler;
        this.alerts = alerts;
        this.alertWorker = alertWorker;
        this.grafana = grafana;
        this.embedded = embedded;
        this.vertx = vertx;
        this.pool = pool;
        this.api = api;
        this.port = api.actualPort();
        this.generatedAdminToken = generatedAdminToken;
    }

    public static ZoneWatch start(Config config) {
        return start(config, Clock.systemUTC());
    }

    public static ZoneWatch start(Config config, Clock clock) {
        EmbeddedDatabase embedded = null;
        Vertx vertx = null;
        try {
            DbTarget target;
            if (config.embeddedDatabase()) {
                embedded = EmbeddedDatabase.start(config.dataDir());
                target = embedded.target();
            } else {
                target = DbTarget.parse(config.dbUrl().get(), config.dbUser(), config.dbPassword());
            }
            Migrations.Migrated migrated = Migrations.migrate(target);
            String schemaVersion = migrated.schemaVersion();
            LOG.info("Storage: {}", migrated.storage().reason());

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            // Tag values from a closed set, whatever clients send (unknown methods, paths): see MetricTags.
            MetricTags metricTags = new MetricTags();
            registry.config().meterFilter(metricTags);
            // Three JVM meters whose exported names promtool's linter rejects (abbreviated units, a
            // gauge ending in _count); their information is in process_cpu_usage and system_cpu_usage.
            registry.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.deny(id ->
                    java.util.Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count").contains(id.getName())));
            vertx = Vertx.builder()
                    .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
                            .setEnabled(true)
                            // Vert.x keeps backends by name: one of its own, so that two services in one JVM
                            // (tests) do not share the first one's registry.
                            .setRegistryName("zonewatch-" + System.identityHashCode(registry))
                            .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE,
                                    Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE))
                            .setJvmMetricsEnabled(true)))
                    .withMetrics(new MicrometerMetricsFactory(registry))
                    .build();
            Pool pool = Pools.create(vertx, target, config, Pools.background(config), "background");
            Services services = new Services(config, registry, new ServiceMetrics(registry), clock, schemaVersion, migrated.storage(),
                    new TokenService(pool), new IndicatorCache(), target,
                    new FeedAdmission(config.feedMemoryBytes(), registry), metricTags);

            // The services of the background work (seeding, the demo, the schedule, the workers).
            Wiring background = new Wiring(vertx, services, pool, pool);
            await(background.catalog.seedDefaults(DefaultCatalog.load()));
            Map<String, Indicator> indicators = new LinkedHashMap<>();
            await(background.catalog.indicators()).forEach(i -> indicators.put(i.code(), i));
            await(background.schemes.seedDefaults(DefaultSchemes.load(indicators)));
            AlertService alerts = background.alerts;
            await(alerts.seedDefaults(DefaultRules.load()));
            Optional<String> generated = await(services.tokens().bootstrapAdmin(config.adminToken()));
            if (config.demo()) await(new DemoLoader(pool, background.catalog, background.feeds, background.rankings, alerts).loadIfEmpty());

            // Port 0 means "any free port"; a negative port makes all instances share one random port.
            int bindPort = config.httpPort() == 0 ? -1 : config.httpPort();
            List<ApiVerticle> instances = new CopyOnWriteArrayList<>();
            String httpDeployment = await(vertx.deployVerticle(() -> {
                ApiVerticle verticle = new ApiVerticle(services, bindPort);
                instances.add(verticle);
                return verticle;
            }, new DeploymentOptions().setInstances(config.httpInstances())));
            ApiVerticle first = instances.get(0);
            RankingScheduler scheduler = new RankingScheduler(pool, background.rankings, clock, config);
            await(vertx.deployVerticle(scheduler));
            AlertWorker alertWorker = new AlertWorker(pool, alerts, services.metrics(), config.alertSweepSeconds());
            await(vertx.deployVerticle(alertWorker));
            await(vertx.deployVerticle(new ReportingWorker(pool, config.alertSweepSeconds())));
            GrafanaNotifier grafana = null;
            if (config.grafanaPush()) {
                grafana = new GrafanaNotifier(pool, services.metrics(), config.grafanaUrl().get(), config.grafanaToken().get(),
                        config.publicUrl(), config.grafanaMinSeverity(), config.alertSweepSeconds() > 0 ? 5_000 : 0,
                        config.grafanaBackfillDays(), clock);
                await(vertx.deployVerticle(grafana));
            } else {
                int cleared = await(GrafanaNotifier.clearWhilePushIsOff(pool));
                if (cleared > 0) LOG.info("Grafana push is off: {} queued annotations dropped from the outbox", cleared);
            }
            int metricsPort = -1;
            if (config.metricsPort().isPresent()) {
                // Port 0: any free port (tests); the management server's port is then known from metricsPort().
                MetricsVerticle management = new MetricsVerticle(registry, config, config.metricsPort().get());
                await(vertx.deployVerticle(management));
                metricsPort = management.actualPort();
                LOG.info("Metrics served on the management port {} only (ZONEWATCH_METRICS_PORT)", metricsPort);
            }
            int port = first.actualPort();
            LOG.info("ZoneWatch listening on port {} ({} HTTP instances, database {})",
                    port, config.httpInstances(), target.describe());
            return new ZoneWatch(embedded, vertx, pool, first, scheduler, alerts, alertWorker, grafana, generated, httpDeployment,
                    config.shutdownTimeoutSeconds(), metricsPort);
        } catch (RuntimeException e) {
            if (vertx != null) await(vertx.close());
            if (embedded != null) embedded.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The management port serving /metrics, or -1 when /metrics is on the API's port. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The admin token generated at first start, to print once; empty on later starts or when configured. */
    public Optional<String> generatedAdminToken() {
        return generatedAdminToken;
    }

    /** The HTTP endpoints, as "METHOD /path/{param}". */
    public java.util.SortedSet<String> endpoints() {
        return api.endpoints();
    }

    /** Warning evaluation, so that a round can be triggered (tests, operations). */
    public AlertService alerts() {
        return alerts;
    }

    public AlertWorker alertWorker() {
        return alertWorker;
    }

    /** The Grafana outbox worker, or null when ZONEWATCH_GRAFANA_URL/TOKEN are not set. */
    public GrafanaNotifier grafana() {
        return grafana;
    }

    /** The ranking scheduler, so that a round can be triggered (tests, operations). */
    public RankingScheduler rankingScheduler() {
        return scheduler;
    }

    public Vertx vertx() {
        return vertx;
    }

    public Pool pool() {
        return pool;
    }

    /**
     * Graceful stop: first the HTTP servers stop accepting and finish the requests in flight (their
     * verticles' stop, bounded by ZONEWATCH_SHUTDOWN_TIMEOUT_S) while the pool is still open; then
     * Vert.x closes the background work and the pool; then the embedded database stops.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            vertx.undeploy(httpDeployment).toCompletionStage().toCompletableFuture()
                    .get(shutdownTimeoutSeconds + 5L, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP servers did not stop cleanly: {}", e.toString());
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not close cleanly: {}", e.toString());
        }
        if (embedded != null) embedded.close();
        LOG.info("ZoneWatch stopped");
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(STARTUP_STEP_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
