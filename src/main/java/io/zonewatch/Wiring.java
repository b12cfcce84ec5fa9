package io.zonewatch;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.zonewatch.alerts.AlertRoutes;
import io.zonewatch.alerts.AlertService;
import io.zonewatch.alerts.RuleSettingRoutes;
import io.zonewatch.alerts.RuleSettingService;
import io.zonewatch.auth.AuthHandler;
import io.zonewatch.auth.TokenRoutes;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.catalog.CatalogRoutes;
import io.zonewatch.http.Failures;
import io.zonewatch.http.Http;
import io.zonewatch.http.StrictHttp;
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
import io.zonewatch.targets.TargetRoutes;
import io.zonewatch.targets.TargetService;

/**
 * The composition root: every service is constructed here, once per pool it works on, and the HTTP
 * routes are mounted here in one order. {@link ZoneWatch} builds one {@code Wiring} on the background
 * pool (the workers, the schedule, the demo loader) and {@link ApiVerticle} one per event loop on that
 * loop's own pool and read client. Nothing else constructs a service or a repository.
 */
public final class Wiring {
    private final Vertx vertx;
    private final Services shared;
    private final Pool pool;
    private final SqlClient reads;

    public final CatalogRepository catalog;
    public final FeedService feeds;
    public final AlertService alerts;
    public final RankingService rankings;
    public final SchemeRepository schemes;
    public final RuleSettingService ruleSettings;
    public final TargetService targets;

    /** The services on {@code pool}; {@code reads} (may be the pool) serves the ranking and observation reads. */
    public Wiring(Vertx vertx, Services shared, Pool pool, SqlClient reads) {
        this.vertx = vertx;
        this.shared = shared;
        this.pool = pool;
        this.reads = reads;
        this.catalog = new CatalogRepository(pool, shared.indicators());
        this.feeds = new FeedService(vertx, pool, catalog, shared.metrics(), shared.clock());
        this.alerts = new AlertService(vertx, pool, shared.metrics(), shared.clock(), shared.config().grafanaPush());
        this.rankings = new RankingService(vertx, pool, shared.clock(), shared.config().rankingCompleteness());
        this.schemes = new SchemeRepository(pool);
        this.ruleSettings = new RuleSettingService(pool);
        this.targets = new TargetService(vertx, pool, catalog, alerts);
    }

    /**
     * The API's router. The order of the mounts is part of the design:
     * <ol>
     * <li>security headers and the path check, before anything is matched (a path that normalises to
     * another resource than it names is refused);</li>
     * <li>operations (/health, /ready, /metrics unless on the management port) and the pages, unauthenticated;</li>
     * <li>for /api/v1: the request is paused, then authenticated, before any body is read (an
     * unauthenticated client must not make us buffer a 64-MiB feed);</li>
     * <li>feeds, which stream their own larger body, before the body handler;</li>
     * <li>the body handler with the small default limit, then every other feature;</li>
     * <li>last, the error mapping ({@link Failures}, the only place that knows status codes).</li>
     * </ol>
     */
    public Router router() {
        Router router = Router.router(vertx);
        router.route().handler(Http::securityHeaders);
        router.route().handler(StrictHttp::checkPath);
        new OpsRoutes(vertx, pool, shared.registry(), shared.schemaVersion(), shared.storage()).mount(router, shared.config().metricsPort().isEmpty());
        new PageRoutes().mount(router);

        router.route(Http.API + "/*").handler(ctx -> {
            ctx.request().pause();
            ctx.next();
        });
        router.route(Http.API + "/*").handler(new AuthHandler(shared.tokens()).authenticate());
        new FeedRoutes(feeds, pool, shared.config().maxFeedBytes(), shared.feedAdmission()).mount(router);
        router.route(Http.API + "/*").handler(BodyHandler.create(false).setBodyLimit(shared.config().maxBodyBytes()));
        new TokenRoutes(shared.tokens()).mount(router);
        new ObservationRoutes(catalog, new ObservationService(reads)).mount(router);
        new CatalogRoutes(catalog).mount(router);
        new AlertRoutes(alerts).mount(router);
        new RuleSettingRoutes(ruleSettings).mount(router);
        new TargetRoutes(targets).mount(router);
        new RankingRoutes(catalog, schemes, rankings, new RankingViews(reads)).mount(router);

        router.route().failureHandler(Failures::handle);
        router.errorHandler(404, Failures::handle);
        router.errorHandler(405, Failures::handle);
        return router;
    }
}
