package io.zonewatch.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.zonewatch.Services;
import io.zonewatch.alerts.AlertRoutes;
import io.zonewatch.alerts.AlertService;
import io.zonewatch.alerts.RuleSettingRoutes;
import io.zonewatch.alerts.TargetRoutes;
import io.zonewatch.auth.AuthHandler;
import io.zonewatch.auth.TokenRoutes;
import io.zonewatch.auth.TokenService;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.catalog.CatalogRoutes;
import io.zonewatch.db.Pools;
import io.zonewatch.ingest.FeedRoutes;
import io.zonewatch.ingest.FeedService;
import io.zonewatch.observations.ObservationRoutes;
import io.zonewatch.observations.ObservationService;
import io.zonewatch.ops.OpsRoutes;
import io.zonewatch.ops.PageRoutes;
import io.zonewatch.ranking.RankingRoutes;
import io.zonewatch.ranking.RankingService;
import io.zonewatch.ranking.RankingViews;
import io.zonewatch.ranking.SchemeRepository;

/**
 * The HTTP front: wires each feature's routes, authentication and error mapping. Deployed in
 * several instances (one per event loop), each with its own connection pool and pipelined read client
 * on its own loop (the ranking and observation reads use the latter); they
 * share the registry, the token service and the indicator cache.
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
        Router router = Router.router(vertx);
        TokenService tokens = services.tokens();
        AuthHandler auth = new AuthHandler(tokens);
        CatalogRepository catalog = new CatalogRepository(pool, services.indicators());
        FeedService feeds = new FeedService(vertx, pool, services.metrics(), services.clock());

        // Paths that normalise to another resource than they name are refused before anything is matched.
        router.route().handler(Http::securityHeaders);
        router.route().handler(StrictHttp::checkPath);
        new OpsRoutes(vertx, pool, services.registry(), services.schemaVersion(), services.storage()).mount(router, services.config().metricsPort().isEmpty());
        new PageRoutes().mount(router);

        // Authentication is asynchronous and runs before any body is read (an unauthenticated client must
        // not make us buffer a 64-MiB feed): hold the body back until a BodyHandler asks for it.
        router.route(Http.API + "/*").handler(ctx -> {
            ctx.request().pause();
            ctx.next();
        });
        router.route(Http.API + "/*").handler(auth.authenticate());
        // Feeds read their own (larger, streamed) body; everything else gets the small default limit.
        new FeedRoutes(feeds, pool, services.config().maxFeedBytes(), services.feedAdmission()).mount(router);
        router.route(Http.API + "/*").handler(BodyHandler.create(false).setBodyLimit(services.config().maxBodyBytes()));
        new TokenRoutes(tokens).mount(router);
        new ObservationRoutes(catalog, new ObservationService(reads)).mount(router);
        new CatalogRoutes(catalog).mount(router);
        new AlertRoutes(pool).mount(router);
        new RuleSettingRoutes(pool).mount(router);
        new TargetRoutes(pool, new AlertService(vertx, pool, services.metrics(), services.clock(), services.config().grafanaPush())).mount(router);
        new RankingRoutes(catalog, new SchemeRepository(pool), new RankingService(vertx, pool, services.clock(), services.config().rankingCompleteness()),
                new RankingViews(reads)).mount(router);

        router.route().failureHandler(Failures::handle);
        router.errorHandler(404, Failures::handle);
        router.errorHandler(405, Failures::handle);
        return router;
    }
}
