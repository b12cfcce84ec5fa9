package io.zonewatch.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.zonewatch.config.Config;
import io.zonewatch.http.Failures;
import io.zonewatch.http.GuardedServer;
import io.zonewatch.http.StrictHttp;

/**
 * The management port (ZONEWATCH_METRICS_PORT): GET /metrics on a port of its own, so that the API's
 * port, the one a proxy forwards, has no /metrics at all. Everything else there answers 404.
 */
public final class MetricsVerticle extends VerticleBase {
    private final PrometheusMeterRegistry registry;
    private final Config config;
    private final int port;
    private GuardedServer server;

    public MetricsVerticle(PrometheusMeterRegistry registry, Config config, int port) {
        this.registry = registry;
        this.config = config;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(io.zonewatch.http.Http::securityHeaders);
        router.route().handler(StrictHttp::checkPath);
        router.get("/metrics").handler(OpsRoutes.metrics(registry));
        router.route().failureHandler(Failures::handle);
        router.errorHandler(404, Failures::handle);
        router.errorHandler(405, Failures::handle);
        server = new GuardedServer(vertx, config, config.httpHost(), port, false);
        return server.listen(router);
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(config.shutdownTimeoutSeconds());
    }

    public int actualPort() {
        return server.actualPort();
    }
}
