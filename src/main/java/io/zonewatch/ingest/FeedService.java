package io.zonewatch.ingest;

import io.zonewatch.events.Events;
import io.zonewatch.errors.RowErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.catalog.Catalog;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.errors.Problem;
import io.zonewatch.errors.RowError;
import io.zonewatch.observations.Period;
import io.zonewatch.ops.ServiceMetrics;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Takes a feed from bytes to committed observations (docs/architecture.md "A feed, from HTTP to Grafana", docs/domain.md section 1.3):
 * replay detection, parsing and validation on a worker thread, then one transaction that appends
 * versions and moves current values in a few batched statements.
 */
public final class FeedService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeedService.class);
    /** Rows per write statement: a 1M-row feed is 100 round trips, each a few MB of arrays. */
    static final int BATCH_ROWS = 10_000;

    private final Vertx vertx;
    private final Pool pool;
    private final CatalogRepository catalog;
    private final ServiceMetrics metrics;
    private final Clock clock;

    public FeedService(Vertx vertx, Pool pool, CatalogRepository catalog, ServiceMetrics metrics, Clock clock) {
        this.vertx = vertx;
        this.pool = pool;
        this.catalog = catalog;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Validation result of a whole feed: the valid rows and the (counted, capped) row errors. */
    record Validation(int rows, List<ValidRow> valid, RowErrors errors, int rejectedRows, RowError fatal) {
        boolean storable(boolean lenient) {
            return fatal == null && !valid.isEmpty() && (lenient || errors.count() == 0);
        }
    }

    public Future<FeedOutcome> submit(FeedSubmission s) {
        long started = System.nanoTime();
        // Hashing (and later parsing) up to 64 MiB is worker-thread work, never event-loop work.
        return vertx.executeBlocking(() -> sha256(s.body().getBytes()), false).compose(sha -> submit(s, sha, started));
    }

    private Future<FeedOutcome> submit(FeedSubmission s, String sha, long started) {
        Future<FeedOutcome> earlier = s.dryRun() ? Future.succeededFuture(null) : findEarlier(pool, s, sha, true);
        return earlier.compose(replay -> {
            if (replay != null) {
                metrics.feedReplayed(s.format().code());
                return Future.succeededFuture(replay);
            }
            return catalog.load()
                    .compose(catalog -> vertx.executeBlocking(() -> validate(s, catalog), false))
                    .compose(v -> {
                        long validated = System.nanoTime();
                        if (s.dryRun()) return preview(s, v);
                        Future<FeedOutcome> stored = v.storable(s.lenient()) ? store(s, sha, v) : storeRejected(s, sha, v);
                        return stored.onSuccess(o -> {
                            LOG.info("Feed {}: {} rows {} — read and validated in {} ms, stored in {} ms",
                                    o.body().getValue("feedId"), v.rows(), o.body().getString("status"),
                                    (validated - started) / 1_000_000, (System.nanoTime() - validated) / 1_000_000);
                            if (o.body().containsKey("duplicateOf")) return;
                            // Warnings are evaluated after the commit, off the request (the feed is marked until then).
                            if (o.kind() == FeedOutcome.Kind.STORED) Events.publish(vertx.eventBus(), new Events.FeedStored(o.body().getLong("feedId")));
                            metrics.feedProcessed(s.format().code(), o.body().getString("status"), Duration.ofNanos(System.nanoTime() - started));
                            for (String k : List.of("inserted", "revised", "unchanged", "rejected")) {
                                metrics.feedRows(k, o.body().getLong(k));
                            }
                        });
                    });
        });
    }

    // ---- validation (worker thread) ----

    Validation validate(FeedSubmission s, Catalog catalog) {
        byte[] body = s.body().getBytes();
        // Statistics of a quarter exist only once it has ended (China Standard Time).
        Period latest = Period.current(ZonedDateTime.now(clock)).previous();
        RowValidator validator = new RowValidator(catalog, latest);
        RowErrors errors = new RowErrors();
        List<ValidRow> valid = new ArrayList<>();
        KeyIndex keys = new KeyIndex(Math.max(16, body.length / 40));
        BitSet duplicated = new BitSet();
        int rows;
        try {
            rows = FeedParser.parse(s.format(), body, s.charset(), raw -> {
                ValidRow v = validator.validate(raw, errors);
                if (v == null) return;
                int first = keys.putIfAbsent(v.platform(), v.indicator(), v.period(), valid.size());
                if (first < 0) {
                    valid.add(v);
                } else {
                    // Two rows for one key: the bureau's intent is ambiguous, so neither is stored.
                    duplicated.set(first);
                    errors.add(new RowError(v.row(), null, "duplicate_key", "与第 " + valid.get(first).row() + " 行的平台、指标、期别相同",
                            "same platform, indicator and period as line " + valid.get(first).row()));
                }
            }, errors);
        } catch (FeedRejection e) {
            RowErrors fatal = new RowErrors();
            fatal.add(e.error());
            return new Validation(0, List.of(), fatal, 0, e.error());
        }
        List<ValidRow> kept = valid;
        if (!duplicated.isEmpty()) {
            kept = new ArrayList<>(valid.size() - duplicated.cardinality());
            for (int i = 0; i < valid.size(); i++) {
                if (!duplicated.get(i)) {
                    kept.add(valid.get(i));
                } else {
                    errors.add(new RowError(valid.get(i).row(), null, "duplicate_key",
                            "本文件中同一平台、指标、期别出现多次", "the same platform, indicator and period appear again later in this feed"));
                }
            }
        }
        return new Validation(rows, kept, errors, rows - kept.size(), null);
    }

    // ---- replays ----

    /**
     * An earlier feed this one repeats: the same Idempotency-Key from the same token (whatever its
     * outcome), or else the same content, format and mode that was stored. Content replays of
     * rejected feeds are not answered from the record: after a catalog fix the same file must go in.
     */
    private Future<FeedOutcome> findEarlier(SqlClient client, FeedSubmission s, String sha, boolean byContent) {
        Future<FeedOutcome> byKey = s.idempotencyKey() == null ? Future.succeededFuture(null)
                : client.preparedQuery(FeedSql.FIND_BY_IDEMPOTENCY_KEY)
                .execute(Tuple.of(s.submitter().tokenId(), s.idempotencyKey()))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    Row first = rows.iterator().next();
                    if (!first.getString("content_sha256").equals(sha) || !first.getString("format").equals(s.format().code())
                            || !first.getString("mode").equals(s.mode())) {
                        throw Problem.conflict("idempotency_key_reused",
                                "Idempotency-Key 已用于内容不同的报送（报送编号 " + first.getLong("id") + "）",
                                "this Idempotency-Key was used for a different feed (feed " + first.getLong("id") + ")");
                    }
                    return replay(first);
                });
        if (!byContent) return byKey;
        return byKey.compose(found -> found != null ? Future.succeededFuture(found)
                : client.preparedQuery(FeedSql.FIND_REPLAY).execute(Tuple.of(sha, s.format().code(), s.mode()))
                .map(rows -> rows.size() == 0 ? null : replay(rows.iterator().next())));
    }

    private static FeedOutcome replay(Row first) {
        JsonObject body = FeedRecords.toJson(first, true).put("duplicateOf", first.getLong("id"));
        return new FeedOutcome("rejected".equals(first.getString("status")) ? FeedOutcome.Kind.REJECTED : FeedOutcome.Kind.REPLAYED, body);
    }

    /** Serialises feeds with the same content or key, then looks again: the pre-check raced. */
    private Future<FeedOutcome> lockAndFindEarlier(SqlConnection conn, FeedSubmission s, String sha, boolean byContent) {
        Future<?> locks = byContent
                ? conn.preparedQuery(FeedSql.LOCK).execute(Tuple.of(FeedSql.LOCK_CONTENT, sha))
                : Future.succeededFuture();
        if (s.idempotencyKey() != null) {
            locks = locks.compose(v -> conn.preparedQuery(FeedSql.LOCK)
                    .execute(Tuple.of(FeedSql.LOCK_IDEMPOTENCY, s.submitter().tokenId() + ":" + s.idempotencyKey())));
        }
        return locks.compose(v -> findEarlier(conn, s, sha, byContent));
    }

    // ---- writing ----

    private Future<FeedOutcome> store(FeedSubmission s, String sha, Validation v) {
        String status = v.rejectedRows() == 0 ? "accepted" : "partial";
        return pool.withTransaction(conn -> lockAndFindEarlier(conn, s, sha, true).compose(replay -> {
            if (replay != null) return Future.succeededFuture(replay);
            return insertFeed(conn, s, sha, status, v)
                    .compose(feed -> lockKeys(conn, v.valid())
                            .compose(x -> conn.query(FeedSql.RECORDING_INSTANT).execute())
                            .compose(at -> writeBatches(conn, feed.getLong("id"), at.iterator().next().getOffsetDateTime("at"), v.valid()))
                            .compose(counts -> conn.preparedQuery(FeedSql.UPDATE_COUNTS)
                                    .execute(Tuple.of(feed.getLong("id"), counts[0], counts[1], counts[2]))
                                    .compose(x -> AuditLog.record(conn, s.submitter(), "feed.submit", "feed:" + feed.getLong("id"),
                                            new JsonObject().put("status", status).put("rows", v.rows())
                                                    .put("inserted", counts[0]).put("revised", counts[1])
                                                    .put("unchanged", counts[2]).put("rejected", v.rejectedRows())))
                                    .compose(x -> conn.preparedQuery(FeedSql.FIND_BY_ID).execute(Tuple.of(feed.getLong("id"))))
                                    .map(rows -> new FeedOutcome(FeedOutcome.Kind.STORED, FeedRecords.toJson(rows.iterator().next(), true)))));
        }));
    }

    /** A rejected feed stores its record (who, what, why) but no observation. */
    private Future<FeedOutcome> storeRejected(FeedSubmission s, String sha, Validation v) {
        return pool.withTransaction(conn -> lockAndFindEarlier(conn, s, sha, false).compose(replay -> {
            if (replay != null) return Future.succeededFuture(replay);
            return insertFeed(conn, s, sha, "rejected", v)
                    .compose(feed -> AuditLog.record(conn, s.submitter(), "feed.submit", "feed:" + feed.getLong("id"),
                                    new JsonObject().put("status", "rejected").put("rows", v.rows()).put("rejected", v.rejectedRows()))
                            .compose(x -> conn.preparedQuery(FeedSql.FIND_BY_ID).execute(Tuple.of(feed.getLong("id")))))
                    .map(rows -> new FeedOutcome(FeedOutcome.Kind.REJECTED, FeedRecords.withRejection(FeedRecords.toJson(rows.iterator().next(), true), v.fatal())));
        }));
    }

    private static Future<JsonObject> insertFeed(SqlConnection conn, FeedSubmission s, String sha, String status, Validation v) {
        JsonArray errors = new JsonArray();
        v.errors().sorted().forEach(e -> errors.add(e.toJson()));
        Object[] params = {s.submitter().tokenId(), s.submitter().name(), s.format().code(), s.mode(), sha,
                (long) s.body().length(), s.idempotencyKey(), status, v.rows(), 0, 0, 0, v.rejectedRows(), errors,
                v.errors().truncated()};
        return conn.preparedQuery(FeedSql.INSERT_FEED).execute(Tuple.from(params))
                .map(rows -> new JsonObject().put("id", rows.iterator().next().getLong("id")));
    }

    private static Future<Void> lockKeys(SqlConnection conn, List<ValidRow> rows) {
        TreeSet<Integer> buckets = new TreeSet<>();
        for (ValidRow r : rows) buckets.add(Math.floorMod(r.platform().hashCode(), FeedSql.KEY_BUCKETS));
        return conn.preparedQuery(FeedSql.LOCK_BUCKETS)
                .execute(Tuple.tuple().addInteger(FeedSql.LOCK_KEYS).addArrayOfInteger(buckets.toArray(new Integer[0])))
                .mapEmpty();
    }

    /** Returns {inserted, revised, unchanged}; the feeds it revised are marked superseded (no longer replays). */
    private static Future<long[]> writeBatches(SqlConnection conn, long feedId, java.time.OffsetDateTime at, List<ValidRow> rows) {
        java.util.Set<Long> superseded = new java.util.TreeSet<>();
        return runBatches(conn, FeedSql.WRITE_BATCH, rows, feedId, at, superseded).compose(counts -> {
            superseded.remove(feedId);
            if (superseded.isEmpty()) return Future.succeededFuture(counts);
            return conn.preparedQuery(FeedSql.MARK_SUPERSEDED).execute(Tuple.of(superseded.toArray(new Long[0]), at)).map(counts);
        });
    }

    /** Statements in flight at once: the next batch is encoded and sent while the database runs one. */
    static final int PIPELINE = 2;

    /**
     * Runs the batches over one connection with {@link #PIPELINE} statements in flight (the Vert.x
     * client pipelines them), summing {inserted, revised, unchanged}. The first failure fails the
     * whole: inside a transaction the later statements fail with it and nothing is committed.
     */
    private static Future<long[]> runBatches(SqlClient client, String sql, List<ValidRow> rows, Long feedId,
                                             java.time.OffsetDateTime at) {
        return runBatches(client, sql, rows, feedId, at, null);
    }

    /** {@code superseded}, when given, collects the batches' "superseded" column (feed ids). */
    private static Future<long[]> runBatches(SqlClient client, String sql, List<ValidRow> rows, Long feedId,
                                             java.time.OffsetDateTime at, java.util.Set<Long> superseded) {
        int batches = (rows.size() + BATCH_ROWS - 1) / BATCH_ROWS;
        long[] totals = new long[3];
        if (batches == 0) return Future.succeededFuture(totals);
        io.vertx.core.Promise<long[]> done = io.vertx.core.Promise.promise();
        int[] issued = {0};
        int[] finished = {0};
        Runnable[] issueNext = new Runnable[1];
        issueNext[0] = () -> {
            if (issued[0] >= batches) return;
            int k = issued[0]++;
            List<ValidRow> batch = rows.subList(k * BATCH_ROWS, Math.min(rows.size(), (k + 1) * BATCH_ROWS));
            client.preparedQuery(sql).execute(batchTuple(batch, feedId, at)).onComplete(ar -> {
                if (ar.failed()) {
                    done.tryFail(ar.cause());
                    return;
                }
                Row r = ar.result().iterator().next();
                totals[0] += r.getLong("inserted");
                totals[1] += r.getLong("revised");
                totals[2] += r.getLong("unchanged");
                if (superseded != null) {
                    Long[] ids = r.getArrayOfLongs("superseded");
                    if (ids != null) for (Long id : ids) if (id != null) superseded.add(id);
                }
                if (++finished[0] == batches) done.tryComplete(totals);
                else issueNext[0].run();
            });
        };
        for (int i = 0; i < PIPELINE; i++) issueNext[0].run();
        return done.future();
    }

    private static Tuple batchTuple(List<ValidRow> batch, Long feedId, java.time.OffsetDateTime at) {
        int n = batch.size();
        String[] platform = new String[n], indicator = new String[n], value = new String[n], status = new String[n], note = new String[n];
        LocalDate[] period = new LocalDate[n];
        for (int i = 0; i < n; i++) {
            ValidRow r = batch.get(i);
            platform[i] = r.platform();
            indicator[i] = r.indicator();
            period[i] = r.period();
            value[i] = r.value().toPlainString();
            status[i] = r.status();
            note[i] = r.note();
        }
        Tuple t = Tuple.of(platform, indicator, period, value, status, note);
        return feedId == null ? t : t.addLong(feedId).addOffsetDateTime(at);
    }

    private Future<FeedOutcome> preview(FeedSubmission s, Validation v) {
        String status = !v.storable(s.lenient()) ? "rejected" : v.rejectedRows() == 0 ? "accepted" : "partial";
        Future<long[]> counts = "rejected".equals(status) ? Future.succeededFuture(new long[3])
                : runBatches(pool, FeedSql.PREVIEW_BATCH, v.valid(), null, null);
        return counts.map(c -> {
            JsonArray errors = new JsonArray();
            v.errors().sorted().forEach(e -> errors.add(e.toJson()));
            JsonObject body = new JsonObject()
                    .put("feedId", null)
                    .put("dryRun", true)
                    .put("status", status)
                    .put("format", s.format().code())
                    .put("mode", s.mode())
                    .put("rows", v.rows())
                    .put("inserted", c[0])
                    .put("revised", c[1])
                    .put("unchanged", c[2])
                    .put("rejected", v.rejectedRows())
                    .put("errors", errors)
                    .put("errorsTruncated", v.errors().truncated());
            return new FeedOutcome("rejected".equals(status) ? FeedOutcome.Kind.REJECTED : FeedOutcome.Kind.PREVIEWED,
                    "rejected".equals(status) ? FeedRecords.withRejection(body, v.fatal()) : body);
        });
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
