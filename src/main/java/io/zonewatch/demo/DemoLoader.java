package io.zonewatch.demo;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.zonewatch.auth.Principal;
import io.zonewatch.config.Resources;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.catalog.PlatformInput;
import io.zonewatch.ingest.FeedFormat;
import io.zonewatch.ingest.FeedService;
import io.zonewatch.ingest.FeedSubmission;
import io.zonewatch.ranking.RankingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads the shipped demo data set (ZONEWATCH_DEMO=true) into an empty database: the platforms, then
 * each year's feed file through the same {@link FeedService} path as POST /feeds, in order.
 */
public final class DemoLoader {
    private static final Logger LOG = LoggerFactory.getLogger(DemoLoader.class);

    /** The demo's history: year-end rankings of both default schemes, computed and published for these years. */
    static final List<String> SCHEMES = List.of("mu_benefit", "zone_development");

    private final Pool pool;
    private final CatalogRepository catalog;
    private final FeedService feeds;
    private final RankingService rankings;
    private final io.zonewatch.alerts.AlertService alerts;

    /** @param alerts evaluates the feeds' warnings before the rankings, so that their data-quality gate sees them */
    public DemoLoader(Pool pool, CatalogRepository catalog, FeedService feeds, RankingService rankings, io.zonewatch.alerts.AlertService alerts) {
        this.pool = pool;
        this.catalog = catalog;
        this.feeds = feeds;
        this.rankings = rankings;
        this.alerts = alerts;
    }

    /** Resolves to true when the demo data was loaded, false when the database already had data. */
    public Future<Boolean> loadIfEmpty() {
        return pool.query(DemoSql.EMPTY).execute().compose(rows -> {
            if (!rows.iterator().next().getBoolean("empty")) {
                LOG.info("Database has data already: demo data not loaded");
                return Future.succeededFuture(false);
            }
            long started = System.nanoTime();
            PlatformInput platforms = PlatformInput.ofCsv(new String(resource("platforms.csv"), StandardCharsets.UTF_8));
            if (!platforms.errors().isEmpty()) {
                return Future.failedFuture(new IllegalStateException("demo platforms invalid: " + platforms.errors()));
            }
            Future<?> chain = catalog.upsertPlatforms(Principal.SYSTEM, platforms.platforms(), stored -> {
            });
            long[] rowCount = {0};
            for (String file : DemoFiles.FEED_FILES) {
                chain = chain.compose(v -> feeds.submit(new FeedSubmission(Principal.SYSTEM, FeedFormat.CSV,
                                StandardCharsets.UTF_8, io.vertx.core.buffer.Buffer.buffer(resource(file)), false, false, null))
                        .map(outcome -> {
                            if (outcome.kind() != io.zonewatch.ingest.FeedOutcome.Kind.STORED) {
                                throw new IllegalStateException("demo feed " + file + " was not accepted: " + outcome.body().encode());
                            }
                            rowCount[0] += outcome.body().getLong("rows");
                            return null;
                        }));
            }
            long[] feedNanos = {0};
            chain = chain.map(v -> {
                feedNanos[0] = System.nanoTime() - started;
                return null;
            }).compose(v -> pool.preparedQuery(DemoSql.TARGETS).execute(io.vertx.sqlclient.Tuple.of(DemoFiles.LAST_YEAR)))
                    // The warnings first, as after a bureau's real feeds: the runs' data-quality gate reads them.
                    .compose(v -> alerts.processPending());
            // As the bureau would have done each year: compute and publish the year-end rankings.
            for (int year = DemoFiles.FIRST_YEAR; year <= DemoFiles.LAST_YEAR; year++) {
                for (String scheme : SCHEMES) {
                    int y = year;
                    chain = chain.compose(v -> rankings.compute(Principal.SYSTEM, scheme, y, null, "demo"))
                            .compose(runId -> rankings.publish(Principal.SYSTEM, y, runId));
                }
            }
            return chain.map(v -> {
                double feedSeconds = feedNanos[0] / 1e9;
                LOG.info("Demo data loaded: {} platforms, {} feed files, {} rows in {} s ({} rows/s); "
                                + "{} year-end rankings computed and published in {} s",
                        platforms.platforms().size(), DemoFiles.FEED_FILES.size(), rowCount[0],
                        String.format("%.1f", feedSeconds), Math.round(rowCount[0] / feedSeconds),
                        SCHEMES.size() * (DemoFiles.LAST_YEAR - DemoFiles.FIRST_YEAR + 1),
                        String.format("%.1f", (System.nanoTime() - started - feedNanos[0]) / 1e9));
                return true;
            });
        });
    }

    static byte[] resource(String name) {
        return Resources.bytes("demo/" + name);
    }
}
