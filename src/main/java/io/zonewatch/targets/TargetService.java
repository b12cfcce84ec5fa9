package io.zonewatch.targets;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.alerts.AlertService;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.auth.Principal;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.events.Events;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Annual targets (年度目标): a submission is read and validated off the event loop, written as new
 * versions where values change (one transaction, under the targets lock, with its audit row), announced
 * as targets.changed, and the 序时进度 warnings of the platforms and years it touches are re-evaluated
 * at once.
 */
public final class TargetService {
    /** A stored target, current revision. */
    public record StoredTarget(String indicator, int year, BigDecimal value, int revision, Instant recordedAt) {
    }

    /** What a submission did: rows, inserted, revised, unchanged, and the warnings' re-evaluation. */
    public record Submitted(long rows, long inserted, long revised, long unchanged, AlertService.Summary alerts) {
    }

    private final Vertx vertx;
    private final Pool pool;
    private final CatalogRepository catalog;
    private final AlertService alerts;

    public TargetService(Vertx vertx, Pool pool, CatalogRepository catalog, AlertService alerts) {
        this.vertx = vertx;
        this.pool = pool;
        this.catalog = catalog;
        this.alerts = alerts;
    }

    /**
     * Reads, validates and stores a submission ({@code csv}: CSV, else JSON, in {@code charset}); all or
     * nothing. Decoding, parsing and validating up to the body limit is worker-thread work.
     */
    public Future<Submitted> submit(Principal actor, Buffer body, Charset charset, boolean csv) {
        return catalog.load().compose(c -> vertx.executeBlocking(() -> TargetInput.read(body.toString(charset), csv, c), false)).compose(targets -> {
            int n = targets.size();
            String[] platform = new String[n], indicator = new String[n], value = new String[n];
            Integer[] year = new Integer[n];
            Map<String, Set<Integer>> touched = new HashMap<>();
            for (int i = 0; i < n; i++) {
                TargetInput.Target t = targets.get(i);
                platform[i] = t.platform();
                indicator[i] = t.indicator();
                year[i] = t.year();
                value[i] = t.value().toPlainString();
                touched.computeIfAbsent(t.platform(), k -> new TreeSet<>()).add(t.year());
            }
            return pool.withTransaction(conn -> conn.query(TargetSql.LOCK).execute()
                    .compose(v -> conn.preparedQuery(TargetSql.UPSERT).execute(Tuple.from(new Object[]{platform, indicator, year, value, actor.name()})))
                    .compose(rows -> {
                        Row r = rows.iterator().next();
                        JsonObject counts = new JsonObject().put("rows", n).put("inserted", r.getLong("inserted"))
                                .put("revised", r.getLong("revised")).put("unchanged", r.getLong("unchanged"));
                        return AuditLog.record(conn, actor, "targets.submit", "targets", counts).map(counts);
                    }))
                    .onSuccess(counts -> Events.publish(vertx.eventBus(), new Events.TargetsChanged(n)))
                    .compose(counts -> alerts.evaluateTargets(touched).map(summary -> new Submitted(n, counts.getLong("inserted"),
                            counts.getLong("revised"), counts.getLong("unchanged"), summary)));
        });
    }

    /** A platform's current targets, of one year or (null) all, by year and indicator. */
    public Future<List<StoredTarget>> ofPlatform(String code, Integer year) {
        return pool.preparedQuery(TargetSql.OF_PLATFORM).execute(Tuple.of(code, year)).map(rows -> {
            List<StoredTarget> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new StoredTarget(r.getString("indicator_code"), r.getInteger("year"), new BigDecimal(r.getString("value")),
                        r.getInteger("revision"), r.getOffsetDateTime("recorded_at").toInstant()));
            }
            return out;
        });
    }

    /** 序时进度 against the platform's targets (see {@link AlertService#progress}). */
    public Future<JsonObject> progress(String code, Integer year) {
        return alerts.progress(code, year);
    }
}
