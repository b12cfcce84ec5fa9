package io.zonewatch.reporting;

import io.zonewatch.events.Events;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Keeps the dashboards' per-quarter summaries (tables in the schema summaries, sql/V8 and V17; read by the views of sql/R__reporting_views.sql) in step with the data,
 * off the request path: after every stored feed (the event the feed service publishes once the feed has
 * committed), periodically (feeds another instance stored, a crash between a commit and its refresh,
 * catalog changes), and on request ({@link #REFRESH}, answered when a round that started after the
 * request has finished: tests, operations).
 * <p>
 * A round finds the feeds not yet summarised and the quarters they wrote, and recomputes what depends on
 * those quarters: the indicator distributions of the quarter and of the same quarter one and two years on
 * (year-on-year change; growth indicators compare with the year before, their change with two), and the
 * completeness of the quarter and of the four after it (whose expected platforms are those that reported in
 * the year before). When the platforms' types or closures or the derived formulas have changed since the
 * last round, it recomputes every quarter. The work is SQL in PostgreSQL, in transactions of a few
 * quarters under an advisory lock, so rounds of several instances never interleave on a quarter and a
 * reader sees each quarter's rows either before or after a refresh.
 * <p>
 * Automatic rounds run when background evaluation is on ({@code ZONEWATCH_ALERT_SWEEP_S} &gt; 0, the
 * same switch as warning evaluation, every that many seconds); with 0 (tests, benchmarks that measure
 * something else) only requests run them.
 */
public final class ReportingWorker extends VerticleBase {
    /** Event-bus address: refresh now; the reply (a JSON summary of the round) comes when it is done. */
    public static final String REFRESH = "zonewatch.reporting.refresh";
    private static final Logger LOG = LoggerFactory.getLogger(ReportingWorker.class);
    /** Quarters per transaction: a yearly feed's quarters in one, bounded work per statement. */
    static final int INDICATOR_CHUNK = 4;
    static final int COMPLETENESS_CHUNK = 8;

    private final Pool pool;
    private final int pollSeconds;
    private boolean running;
    private List<Promise<JsonObject>> waiting = new ArrayList<>();

    public ReportingWorker(Pool pool, int pollSeconds) {
        this.pool = pool;
        this.pollSeconds = pollSeconds;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Object>consumer(REFRESH, msg -> refreshSoon().onComplete(r -> {
            if (r.succeeded()) msg.reply(r.result());
            else msg.fail(500, String.valueOf(r.cause()));
        }));
        if (pollSeconds > 0) {
            Events.on(vertx.eventBus(), Events.FeedStored.class, e -> refreshSoon());
            vertx.setPeriodic(1_000, pollSeconds * 1_000L, id -> refreshSoon());
        }
        return Future.succeededFuture();
    }

    /** Resolves when a round that starts after this call has finished; triggers coalesce into one round. */
    private Future<JsonObject> refreshSoon() {
        Promise<JsonObject> promise = Promise.promise();
        waiting.add(promise);
        if (!running) startRound();
        return promise.future();
    }

    private void startRound() {
        running = true;
        List<Promise<JsonObject>> mine = waiting;
        waiting = new ArrayList<>();
        long started = System.nanoTime();
        round().onComplete(r -> {
            running = false;
            if (r.failed()) {
                LOG.warn("Reporting summaries not refreshed (retried on the next round): {}", r.cause().toString());
                mine.forEach(p -> p.fail(r.cause()));
            } else {
                JsonObject summary = r.result().put("ms", (System.nanoTime() - started) / 1_000_000);
                if (summary.getInteger("feeds") > 0 || summary.getBoolean("full")) {
                    LOG.info("Reporting summaries refreshed: {}", summary.encode());
                }
                mine.forEach(p -> p.complete(summary));
                if (summary.getBoolean("more")) waiting.add(Promise.promise()); // a backlog: go on at once
            }
            if (!waiting.isEmpty()) startRound();
        });
    }

    private record Plan(List<Long> feeds, TreeSet<LocalDate> indicatorQuarters, TreeSet<LocalDate> completenessQuarters,
                        String fingerprint, boolean full) {
    }

    /** One round: what changed, the quarters it moves, then the feeds and the catalog state it covered. */
    Future<JsonObject> round() {
        return pool.withTransaction(conn -> conn.query(ReportingSql.LOCK).execute()
                        .compose(v -> plan(conn)))
                .compose(plan -> {
                    Future<Void> chain = plan.feeds().isEmpty() ? Future.succeededFuture()
                            : pool.query(ReportingSql.ANALYZE_VALUES).execute().mapEmpty();
                    for (List<LocalDate> chunk : chunks(plan.indicatorQuarters(), INDICATOR_CHUNK)) {
                        chain = chain.compose(v -> refreshIndicatorQuarters(chunk));
                    }
                    for (List<LocalDate> chunk : chunks(plan.completenessQuarters(), COMPLETENESS_CHUNK)) {
                        chain = chain.compose(v -> refreshCompleteness(chunk));
                    }
                    // Record the feeds and the catalog state the round covered (nothing when it had nothing to do).
                    if (!plan.feeds().isEmpty() || plan.full()) chain = chain.compose(v -> pool.withTransaction(conn -> conn.query(ReportingSql.LOCK).execute()
                            .compose(x -> conn.preparedQuery(ReportingSql.MARK_FEEDS).execute(Tuple.tuple().addArrayOfLong(plan.feeds().toArray(new Long[0]))))
                            .compose(x -> conn.preparedQuery(ReportingSql.STORE_FINGERPRINT).execute(Tuple.of(plan.fingerprint())))
                            .mapEmpty()));
                    return chain
                            .map(v -> new JsonObject().put("feeds", plan.feeds().size()).put("full", plan.full())
                                    .put("indicatorQuarters", plan.indicatorQuarters().size())
                                    .put("completenessQuarters", plan.completenessQuarters().size())
                                    .put("more", plan.feeds().size() >= ReportingSql.PENDING_BATCH));
                });
    }

    private Future<Plan> plan(SqlConnection conn) {
        // The fingerprint and the pending feeds are read before any quarter is recomputed: a change that
        // commits later is seen by the next round.
        return conn.query(ReportingSql.CATALOG_FINGERPRINT).execute().compose(fp -> conn.query(ReportingSql.STORED_FINGERPRINT).execute()
                .compose(stored -> conn.query(ReportingSql.PENDING_FEEDS).execute().compose(pending -> {
                    String fingerprint = fp.iterator().next().getString("fingerprint");
                    String before = stored.size() == 0 ? null : stored.iterator().next().getString("fingerprint");
                    List<Long> feeds = new ArrayList<>();
                    pending.forEach(r -> feeds.add(r.getLong("id")));
                    boolean full = !fingerprint.equals(before);
                    Future<TreeSet<LocalDate>> touched;
                    if (full) {
                        touched = conn.query(ReportingSql.PERIOD_RANGE).execute().map(rows -> {
                            Row r = rows.iterator().next();
                            TreeSet<LocalDate> all = new TreeSet<>();
                            LocalDate first = r.getLocalDate("first");
                            LocalDate last = r.getLocalDate("last");
                            if (first != null) {
                                for (LocalDate q = first; !q.isAfter(last); q = q.plusMonths(3)) all.add(q);
                            }
                            return all;
                        });
                    } else if (feeds.isEmpty()) {
                        touched = Future.succeededFuture(new TreeSet<>());
                    } else {
                        touched = conn.preparedQuery(ReportingSql.FEED_PERIODS).execute(Tuple.tuple().addArrayOfLong(feeds.toArray(new Long[0]))).map(rows -> {
                            TreeSet<LocalDate> periods = new TreeSet<>();
                            rows.forEach(r -> periods.add(r.getLocalDate("period")));
                            return periods;
                        });
                    }
                    return touched.map(periods -> {
                        TreeSet<LocalDate> indicators = new TreeSet<>();
                        TreeSet<LocalDate> completeness = new TreeSet<>();
                        for (LocalDate p : periods) {
                            for (int years = 0; years <= 2; years++) indicators.add(p.plusYears(years));
                            for (int quarters = 0; quarters <= 4; quarters++) completeness.add(p.plusMonths(3L * quarters));
                        }
                        return new Plan(feeds, indicators, completeness, fingerprint, full);
                    });
                })));
    }

    private Future<Void> refreshIndicatorQuarters(List<LocalDate> quarters) {
        LocalDate[] periods = quarters.toArray(new LocalDate[0]);
        LocalDate[] yearBefore = quarters.stream().map(q -> q.minusYears(1)).toArray(LocalDate[]::new);
        return pool.withTransaction(conn -> conn.query(ReportingSql.LOCK).execute()
                .compose(v -> conn.preparedQuery(ReportingSql.DELETE_INDICATOR_QUARTERS).execute(Tuple.tuple().addArrayOfLocalDate(periods)))
                .compose(v -> conn.preparedQuery(ReportingSql.DELETE_YOY_FALLS).execute(Tuple.tuple().addArrayOfLocalDate(periods)))
                .compose(v -> conn.preparedQuery(ReportingSql.INSERT_INDICATOR_QUARTERS).execute(Tuple.tuple().addArrayOfLocalDate(periods).addArrayOfLocalDate(yearBefore)))
                .mapEmpty());
    }

    private Future<Void> refreshCompleteness(List<LocalDate> quarters) {
        LocalDate[] periods = quarters.toArray(new LocalDate[0]);
        return pool.withTransaction(conn -> conn.query(ReportingSql.LOCK).execute()
                .compose(v -> conn.preparedQuery(ReportingSql.UPSERT_COMPLETENESS).execute(Tuple.tuple().addArrayOfLocalDate(periods)))
                .mapEmpty());
    }

    private static List<List<LocalDate>> chunks(TreeSet<LocalDate> quarters, int size) {
        List<List<LocalDate>> out = new ArrayList<>();
        List<LocalDate> current = new ArrayList<>();
        for (LocalDate q : quarters) {
            current.add(q);
            if (current.size() == size) {
                out.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }
}
