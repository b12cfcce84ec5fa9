package io.zonewatch;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.zonewatch.auth.TokenService;
import io.zonewatch.catalog.IndicatorCache;
import io.zonewatch.config.Config;
import io.zonewatch.db.DbTarget;
import io.zonewatch.db.Storage;
import io.zonewatch.ingest.FeedAdmission;
import io.zonewatch.ops.MetricTags;
import io.zonewatch.ops.ServiceMetrics;

import java.time.Clock;

/**
 * What every verticle instance shares (the process-wide part of the {@link Wiring}): configuration,
 * the database to connect to (each HTTP instance makes its own pools to it, see Pools), the metrics registry, the clock, the token
 * service (one token cache per process, so a revocation reaches every event loop at once) and the
 * indicator cache (likewise), the bound on feed bodies held in memory at once, and the filter that
 * keeps metric tags to the router's routes.
 */
public record Services(Config config, PrometheusMeterRegistry registry, ServiceMetrics metrics,
                       Clock clock, String schemaVersion, Storage storage, TokenService tokens, IndicatorCache indicators,
                       DbTarget database, FeedAdmission feedAdmission, MetricTags metricTags) {
}
