package io.zonewatch.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.zonewatch.config.Config;

import java.util.concurrent.TimeUnit;

/**
 * The service's connection pools. Each HTTP event loop has a pool of its own, created on that loop:
 * a connection runs on the event loop that created it, so with one pool shared by all loops about
 * half of the queries crossed threads twice (to the connection's loop and back), which cost a quarter
 * of the read path's throughput. Each loop also has a pipelined read client for the hot single-statement
 * reads (see {@link #createReads}). Background work (schedule, warnings, Grafana, tokens) has another pool.
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

    /**
     * Statements one read connection may have in flight. Without pipelining a backend sleeps after
     * every answer until the service has handled it and sent the next statement; measured on the
     * ranking read (bench/RESULTS.md), pipelining 8 cut PostgreSQL's CPU per request from 0.134 to
     * 0.095 ms and the service's from 0.055 to 0.039 ms (fewer, fuller socket writes).
     */
    public static final int READ_PIPELINING = 8;

    /** One HTTP event loop's share of {@code ZONEWATCH_DB_POOL_SIZE}, split by {@link #readsPerHttpInstance} and {@link #perHttpInstance}. */
    static int httpShare(Config config) {
        return Math.max(2, (config.dbPoolSize() + config.httpInstances() - 1) / config.httpInstances());
    }

    /** Pipelined read connections of one HTTP event loop: half of its share, at least 1. */
    public static int readsPerHttpInstance(Config config) {
        return Math.max(1, httpShare(config) / 2);
    }

    /** Pool connections of one HTTP event loop (transactions, writes, other reads): the rest of its share, at least 2. */
    public static int perHttpInstance(Config config) {
        return Math.max(2, httpShare(config) - readsPerHttpInstance(config));
    }

    /** Connections for background work: a quarter of {@code ZONEWATCH_DB_POOL_SIZE}, at least 2. */
    public static int background(Config config) {
        return Math.max(2, config.dbPoolSize() / 4);
    }

    /** A pool whose connections live on the calling context's event loop (call it from the verticle that uses it). */
    public static Pool create(Vertx vertx, DbTarget target, Config config, int size, String name) {
        return build(PgBuilder.pool(), vertx, target.connectOptions(), config, size, name);
    }

    /**
     * A pooled client whose connections pipeline up to {@link #READ_PIPELINING} statements each, on the
     * calling context's event loop. It has no getConnection() and so no transactions: several requests'
     * statements share a connection, which is right only for single statements that read.
     */
    public static SqlClient createReads(Vertx vertx, DbTarget target, Config config, int size, String name) {
        return build(PgBuilder.client(), vertx, target.connectOptions().setPipeliningLimit(READ_PIPELINING), config, size, name);
    }

    private static <C> C build(ClientBuilder<C> builder, Vertx vertx, PgConnectOptions connect, Config config, int size, String name) {
        return builder
                .with(new PoolOptions()
                        .setMaxSize(size)
                        .setName(NAME + "-" + name)
                        .setShared(false)
                        .setConnectionTimeout(config.dbConnectTimeoutMillis())
                        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                        .setMaxWaitQueueSize(4096))
                .with(new NetClientOptions().setConnectTimeout(config.dbConnectTimeoutMillis()))
                .connectingTo(connect)
                .using(vertx)
                .build();
    }
}
