package io.zonewatch.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.config.Resources;


/** Endpoints outside /api/v1: /health, /ready, /metrics, /openapi.yaml. */
public final class OpsRoutes {
    private static final long READY_TIMEOUT_MS = 2_000;

    private final Vertx vertx;
    private final Pool pool;
    private final PrometheusMeterRegistry registry;
    private final String schemaVersion;
    private final Buffer openApi;

    private final io.zonewatch.db.Storage storage;

    public OpsRoutes(Vertx vertx, Pool pool, PrometheusMeterRegistry registry, String schemaVersion, io.zonewatch.db.Storage storage) {
        this.storage = storage;
        this.vertx = vertx;
        this.pool = pool;
        this.registry = registry;
        this.schemaVersion = schemaVersion;
        this.openApi = Buffer.buffer(Resources.bytes("openapi.yaml"));
    }

    /** The endpoints; /metrics only when it is not served on a management port of its own. */
    public void mount(Router router, boolean withMetrics) {
        HealthChecks liveness = HealthChecks.create(vertx);
        liveness.register("process", promise -> promise.complete(Status.OK()));
        router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(liveness));

        HealthChecks readiness = HealthChecks.create(vertx);
        readiness.register("database", READY_TIMEOUT_MS, promise -> pool.preparedQuery(OpsSql.READY)
                .execute(Tuple.of(schemaVersion))
                .onSuccess(rows -> {
                    boolean migrated = rows.iterator().next().getBoolean("migrated");
                    promise.complete(migrated ? Status.OK(new JsonObject().put("schemaVersion", schemaVersion)
                                    .put("storage", storage.describe()).put("storageReason", storage.reason()))
                            : Status.KO(new JsonObject().put("reason", "schema version " + schemaVersion + " not applied")));
                })
                .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("reason", "database unreachable")))));
        router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));

        if (withMetrics) mountMetrics(router);

        router.get("/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml; charset=utf-8")
                .end(openApi));
    }

    private void mountMetrics(Router router) {
        router.get("/metrics").handler(metrics(registry));
    }

    /** GET /metrics, the Prometheus text format (no token: expose it to Prometheus only). */
    static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> metrics(PrometheusMeterRegistry registry) {
        return ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape());
    }
}
