package io.zonewatch.ranking;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.auth.Principal;
import io.zonewatch.config.Config;
import io.zonewatch.observations.Period;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes rankings when their data is there (docs/domain.md section 3, issue "Schedule"): the year-end
 * run of year Y once Q4 data is complete (or on the configured deadline in Y+1), a provisional run
 * after each of Q1–Q3, and a new run whenever the data such a run read has changed since. Runs are
 * never published automatically: publication stays an administrator's decision.
 *
 * <p>One round at a time across all service instances, under a PostgreSQL advisory lock.
 */
public final class RankingScheduler extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(RankingScheduler.class);
    private static final Principal SCHEDULER = new Principal(null, "scheduler", io.zonewatch.auth.Role.ADMIN, null);

    private final Pool pool;
    private final RankingService rankings;
    private final Clock clock;
    private final Config config;
    private long timer = -1;
    private boolean running;

    public RankingScheduler(Pool pool, RankingService rankings, Clock clock, Config config) {
        this.pool = pool;
        this.rankings = rankings;
        this.clock = clock;
        this.config = config;
    }

    @Override
    public Future<?> start() {
        if (config.rankingScheduleSeconds() > 0) {
            timer = vertx.setPeriodic(1_000, config.rankingScheduleSeconds() * 1_000L, id -> {
                if (running) return;
                running = true;
                round().onComplete(r -> {
                    running = false;
                    if (r.failed()) LOG.warn("Scheduled ranking round failed: {}", r.cause().toString());
                    else if (!r.result().isEmpty()) LOG.info("Scheduled rankings computed: {}", r.result());
                });
            });
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** A period a run may be due for: year-end (quarter null) or provisional quarter 1–3. */
    record Due(String scheme, int year, Integer quarter) {
        Period period() {
            return new Period(year, quarter == null ? 4 : quarter);
        }

        @Override
        public String toString() {
            return scheme + " " + year + (quarter == null ? "" : "Q" + quarter);
        }
    }

    /**
     * One round: takes the lock (or returns at once when another instance has it), then computes every
     * run that is due and stale. Resolves to what it computed, e.g. ["mu_benefit 2025"].
     */
    public Future<List<String>> round() {
        return pool.withTransaction(conn -> conn.query(RankingSql.TRY_SCHEDULE_LOCK).execute().compose(lock -> {
            if (!lock.iterator().next().getBoolean("locked")) return Future.succeededFuture(List.<String>of());
            return conn.query(RankingSql.LATEST_SCHEMES).execute().compose(schemes -> {
                List<Due> candidates = new ArrayList<>();
                LocalDate today = ZonedDateTime.now(clock).withZoneSameInstant(Period.CHINA).toLocalDate();
                for (Row s : schemes) {
                    for (int year = today.getYear() - 1; year <= today.getYear(); year++) {
                        candidates.add(new Due(s.getString("code"), year, null));
                        for (int q = 1; q <= 3; q++) candidates.add(new Due(s.getString("code"), year, q));
                    }
                }
                List<String> computed = new ArrayList<>();
                Future<Void> chain = Future.succeededFuture();
                for (Due due : candidates) {
                    if (!due.period().lastDay().isBefore(today)) continue;
                    int latestVersion = schemeVersion(schemes, due.scheme());
                    chain = chain.compose(v -> isDue(due, today, latestVersion)).compose(go -> {
                        if (go == Decision.NO) return Future.succeededFuture();
                        // Past the year-end deadline an incomplete year is computed anyway, marked incomplete.
                        return rankings.compute(SCHEDULER, due.scheme(), due.year(), due.quarter(), "schedule", go == Decision.FORCED)
                                .map(id -> {
                                    computed.add(due.toString());
                                    return (Void) null;
                                })
                                // One scheme failing (e.g. made invalid by a catalog change) must not stop the others.
                                .recover(e -> {
                                    LOG.warn("Scheduled run {} failed: {}", due, e.toString());
                                    return Future.succeededFuture();
                                });
                    });
                }
                return chain.map(v -> computed);
            });
        }));
    }

    private static int schemeVersion(io.vertx.sqlclient.RowSet<Row> schemes, String code) {
        for (Row s : schemes) if (s.getString("code").equals(code)) return s.getInteger("version");
        return 0;
    }

    /** Whether a run is due: no, yes, or yes though incomplete (past the year-end deadline). */
    enum Decision { NO, YES, FORCED }

    /**
     * Due when the period's data is complete enough (the reporting share of {@link RankingService}'s
     * one rule) or the year-end deadline passed, and newer than the last run.
     */
    Future<Decision> isDue(Due due, LocalDate today, int latestVersion) {
        Period p = due.period();
        boolean pastDeadline = due.quarter() == null && !today.isBefore(config.rankingYearEndDeadline().atYear(due.year() + 1));
        return pool.preparedQuery(RankingSql.REPORTING)
                .execute(Tuple.of(p.firstDay()))
                .compose(rows -> {
                    Row r = rows.iterator().next();
                    RankingService.Reporting reporting = new RankingService.Reporting(r.getLong("expected"), r.getLong("reported"), List.of());
                    boolean complete = !rankings.isIncomplete(reporting);
                    if (!complete && !(pastDeadline && reporting.reported() > 0)) return Future.succeededFuture(Decision.NO);
                    Decision go = complete ? Decision.YES : Decision.FORCED;
                    // The same periods a run reads (the period and, for growth rates, a year before).
                    java.time.LocalDate[] periods = {p.firstDay(), p.minusYears(1).firstDay()};
                    return pool.preparedQuery(RankingSql.DATA_FINGERPRINT).execute(Tuple.tuple().addArrayOfLocalDate(periods))
                            .compose(now -> pool.preparedQuery(RankingSql.NEWEST_RUN)
                                    .execute(Tuple.of(due.scheme(), due.year(), due.quarter()))
                                    .map(last -> {
                                        if (last.size() == 0) return go;
                                        Row run = last.iterator().next();
                                        // Timestamps cannot tell: a feed committing after a run's snapshot may carry an
                                        // earlier recording instant. The fingerprint of what the run read can.
                                        boolean stale = run.getInteger("scheme_version") < latestVersion
                                                || !now.iterator().next().getString("fingerprint").equals(run.getString("data_fingerprint"));
                                        return stale ? go : Decision.NO;
                                    }));
                });
    }
}
