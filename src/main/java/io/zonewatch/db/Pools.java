package io.zonewatch.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonewatch.config.Config;

import java.util.concurrent.TimeUnit;

/**
 * The service's connection pools. Each HTTP event loop has a pool of its own, created on that loop:
 * a connection runs on the event loop that created it, so with one pool shared by all loops about
 * half of the queries crossed threads twice (to the connection's loop and back), which cost a quarter
 * of the read path's throughput. Background work (schedule, warnings, Grafana, tokens) has another.
 */
public final class Pools {
    /**
     * Pool names start with this: each pool needs a name of its own (meters of two pools with one name
     * are registered once, so all but the first pool went missing from /metrics); dashboards and
     * alerts add them up with pool_name=~"zonewatch.*".
     */
    public static final String NAME = "zonewatch";

    private Pools() {
    }

    /** Connections of one HTTP event loop: its share of {@code ZONEWATCH_DB_POOL_SIZE}. */
    public static int perHttpInstance(Config config) {
        return Math.max(2, (config.dbPoolSize() + config.httpInstances() - 1) / config.httpInstances());
    }

    /** Connections for background work: a quarter of {@code ZONEWATCH_DB_POOL_SIZE}, at least 2. */
    public static int background(Config config) {
        return Math.max(2, config.dbPoolSize() / 4);
    }

    /** A pool whose connections live on the calling context's event loop (call it from the verticle that uses it). */
    public static Pool create(Vertx vertx, DbTarget target, Config config, int size, String name) {
        return PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(size)
                        .setName(NAME + "-" + name)
                        .setShared(false)
                        .setConnectionTimeout(config.dbConnectTimeoutMillis())
                        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                        .setMaxWaitQueueSize(4096))
                .with(new NetClientOptions().setConnectTimeout(config.dbConnectTimeoutMillis()))
                .connectingTo(target.connectOptions())
                .using(vertx)
                .build();
    }
}
