package io.zonewatch;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.zonewatch.db.Pools;
import io.zonewatch.http.GuardedServer;

/**
 * The HTTP front. Deployed in several instances (one per event loop), each with its own connection
 * pool and pipelined read client on its own loop (the ranking and observation reads use the latter),
 * and its own {@link Wiring} of the services on them; they share the registry, the token service and
 * the indicator cache.
 */
public final class ApiVerticle extends VerticleBase {
    private final Services services;
    private final int port;
    private GuardedServer server;
    private Router router;
    private Pool pool;
    private SqlClient reads;

    public ApiVerticle(Services services, int port) {
        this.services = services;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        // Created here, on this instance's event loop, so that its connections live on the same loop.
        String loop = Thread.currentThread().getName().replaceAll("\\D", "");
        pool = Pools.create(vertx, services.database(), services.config(), Pools.perHttpInstance(services.config()), "http-" + loop);
        reads = Pools.createReads(vertx, services.database(), services.config(), Pools.readsPerHttpInstance(services.config()), "reads-" + loop);
        router = router();
        services.metricTags().routes(routeNames());
        server = new GuardedServer(vertx, services.config(), services.config().httpHost(), port, true);
        return server.listen(router);
    }

    /** Stops accepting connections, lets in-flight requests finish (up to the configured timeout). */
    @Override
    public Future<?> stop() {
        Future<?> drained = server == null ? Future.succeededFuture() : server.shutdown(services.config().shutdownTimeoutSeconds());
        // The pools close only once the requests in flight have finished with them.
        return drained.eventually(() -> Future.join(pool == null ? Future.succeededFuture() : pool.close(),
                reads == null ? Future.succeededFuture() : reads.close()));
    }

    /** The endpoints this verticle serves, as "METHOD /path/{param}" (the OpenAPI test compares them). */
    public java.util.SortedSet<String> endpoints() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (var route : router.getRoutes()) {
            // Middleware (no method) and prefix routes (static assets) are not endpoints of the contract.
            if (route.getPath() == null || !route.isExactPath() || route.methods() == null || route.methods().isEmpty()) continue;
            String path = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
            route.methods().forEach(m -> out.add(m.name() + " " + path));
        }
        return out;
    }

    /** The names Vert.x reports for the routes that answer requests (their path templates), for the metrics' route tag. */
    private java.util.Set<String> routeNames() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (var route : router.getRoutes()) {
            if (route.getPath() != null && route.methods() != null && !route.methods().isEmpty()) out.add(route.getName());
        }
        return out;
    }

    public int actualPort() {
        return server.actualPort();
    }

    Router router() {
        return new Wiring(vertx, services, pool, reads).router();
    }
}
