package io.zonewatch.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.config.Config;
import io.zonewatch.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolsTest {
    private static Config config(int poolSize, int instances) {
        return Config.from(Map.of(Config.DB_POOL_SIZE, String.valueOf(poolSize), Config.HTTP_INSTANCES, String.valueOf(instances)));
    }

    @Test
    void eachEventLoopSplitsItsShareBetweenPipelinedReadsAndThePool() {
        // The default on two cores: 16 connections, 8 per loop, 4 pipelined for reads and 4 in the pool.
        assertEquals(4, Pools.readsPerHttpInstance(config(16, 2)));
        assertEquals(4, Pools.perHttpInstance(config(16, 2)));
        assertEquals(4, Pools.background(config(16, 2)));
        // An odd share gives the pool the extra connection (transactions cannot share one).
        assertEquals(2, Pools.readsPerHttpInstance(config(5, 1)));
        assertEquals(3, Pools.perHttpInstance(config(5, 1)));
        // The smallest setting still leaves one read connection and a pool of two per loop.
        assertEquals(1, Pools.readsPerHttpInstance(config(1, 4)));
        assertEquals(2, Pools.perHttpInstance(config(1, 4)));
    }

    /**
     * Many statements in flight on few pipelined connections, some of them failing in PostgreSQL: each
     * caller gets its own answer, and a failed statement fails only its own caller.
     */
    @Test
    void pipelinedReadsEachGetTheirOwnAnswerAndFailuresStayTheirOwn() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Config config = config(4, 1);
            SqlClient reads = Pools.createReads(vertx, TestDatabase.server(), config, 2, "reads-test");
            int n = 200;
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // i % 7 == 0 divides by zero: an error in the middle of other connections' pipelines.
                answers.add(reads.preparedQuery("SELECT ($1::int * 1000 / $2::int)::text || ':' || pg_backend_pid() AS v")
                        .execute(Tuple.of(i, i % 7 == 0 ? 0 : 1000))
                        .map(rows -> rows.iterator().next().getString(0)));
            }
            Future.join(answers).otherwiseEmpty().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            java.util.Set<String> backends = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                Future<String> a = answers.get(i);
                if (i % 7 == 0) {
                    assertTrue(a.failed(), "statement " + i + " divides by zero");
                    assertTrue(a.cause().getMessage().contains("division by zero"), a.cause().getMessage());
                } else {
                    assertTrue(a.succeeded(), "statement " + i + ": " + a.cause());
                    String[] parts = a.result().split(":");
                    assertEquals(String.valueOf(i), parts[0], "statement " + i + " got another statement's answer");
                    backends.add(parts[1]);
                }
            }
            assertTrue(backends.size() <= 2, "at most the client's two connections: " + backends);
            reads.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
