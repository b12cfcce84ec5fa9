package io.zonewatch.alerts;

import io.zonewatch.events.Events;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.observations.Period;
import io.zonewatch.ops.ServiceMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Delivers the warnings outbox to Grafana as annotations (POST /api/annotations; PATCH with the new
 * severity when it changes, and with the tag "resolved" when the warning resolves). One worker across all instances (advisory lock); a
 * failed delivery stays in the outbox with exponential back-off (2 s, 4 s, ... 5 min). Each outbox
 * row carries its own tag (zw-outbox-N): before posting, the worker asks Grafana whether that tag
 * exists, so a crash between Grafana's answer and our commit cannot produce a second annotation.
 */
public final class GrafanaNotifier extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GrafanaNotifier.class);
    private static final int BATCH = 20;
    private static final List<String> SEVERITIES = List.of("info", "warning", "critical");

    private final Pool pool;
    private final ServiceMetrics metrics;
    private final URI grafana;
    private final String token;
    private final String publicUrl;
    private final String minSeverity;
    private final long pollMillis;
    private final int backfillDays;
    private final java.time.Clock clock;
    private HttpClient http;
    private boolean running;

    public GrafanaNotifier(Pool pool, ServiceMetrics metrics, String grafanaUrl, String token, String publicUrl,
                           String minSeverity, long pollMillis, int backfillDays, java.time.Clock clock) {
        this.backfillDays = backfillDays;
        this.clock = clock;
        this.pool = pool;
        this.metrics = metrics;
        this.grafana = URI.create(grafanaUrl.replaceAll("/+$", ""));
        this.token = token;
        this.publicUrl = publicUrl;
        this.minSeverity = minSeverity;
        this.pollMillis = pollMillis;
    }

    @Override
    public Future<?> start() {
        http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(30)
                .setSsl("https".equals(grafana.getScheme())));
        return catchUp().map(counts -> {
            if (counts[0] + counts[1] + counts[2] > 0) {
                LOG.info("Grafana push on: {} open warnings of the last {} days queued, {} resolutions queued, {} stale entries dropped",
                        counts[1], backfillDays, counts[2], counts[0]);
            }
            Events.on(vertx.eventBus(), Events.AlertsChanged.class, e -> deliverSoon());
            if (pollMillis > 0) vertx.setPeriodic(pollMillis, id -> deliverSoon());
            return null;
        });
    }

    /**
     * The outbox made to match the warnings when the push starts (it is empty while the push is off):
     * open warnings about periods that ended within ZONEWATCH_GRAFANA_BACKFILL_DAYS are queued, older
     * ones are not sent at all. Resolves to {dropped, created, resolutions}.
     */
    Future<long[]> catchUp() {
        java.time.LocalDate oldest = Period.of(java.time.LocalDate.now(clock.withZone(Period.CHINA)).minusDays(backfillDays)).firstDay();
        return pool.withTransaction(conn -> conn.query(AlertSql.LOCK_OUTBOX).execute()
                .compose(locked -> conn.preparedQuery(AlertSql.CATCH_UP).execute(Tuple.of(oldest))).map(rows -> {
                    Row r = rows.iterator().next();
                    return new long[]{r.getLong("dropped"), r.getLong("created"), r.getLong("resolutions")};
                }));
    }

    /** With the push off the outbox holds nothing: rows an earlier version queued regardless are dropped. */
    public static Future<Integer> clearWhilePushIsOff(Pool pool) {
        return pool.query(AlertSql.CLEAR_OUTBOX).execute().map(io.vertx.sqlclient.SqlResult::rowCount);
    }

    private void deliverSoon() {
        if (running) return;
        running = true;
        deliverDue().onComplete(r -> {
            running = false;
            if (r.failed()) LOG.warn("Outbox delivery round failed: {}", r.cause().toString());
            // A full batch means more is waiting (e.g. a backlog after an outage): go on at once.
            else if (r.result() >= BATCH) deliverSoon();
        });
    }

    /** One round: delivers what is due; resolves to the number of rows it settled (sent or skipped). */
    public Future<Integer> deliverDue() {
        return pool.withTransaction(conn -> conn.query(AlertSql.TRY_LOCK_OUTBOX).execute().compose(lock -> {
            if (!lock.iterator().next().getBoolean("locked")) return Future.succeededFuture(0);
            return conn.preparedQuery(AlertSql.DUE).execute(Tuple.of(BATCH)).compose(rows -> {
                int[] delivered = {0};
                Future<Void> chain = Future.succeededFuture();
                for (Row row : rows) {
                    chain = chain.compose(v -> deliverOne(conn, row).map(ok -> {
                        if (ok) delivered[0]++;
                        return null;
                    }));
                }
                return chain.map(v -> delivered[0]);
            });
        }));
    }

    private Future<Boolean> deliverOne(SqlConnection conn, Row row) {
        long id = row.getLong("id");
        if (row.getBoolean("blocked")) return Future.succeededFuture(false);
        boolean create = "create".equals(row.getString("kind"));
        if (SEVERITIES.indexOf(row.getString("severity")) < SEVERITIES.indexOf(minSeverity)
                || !create && row.getLong("annotation_id") == null) {
            // Below the configured severity (or its creation was): nothing to send, recorded as done.
            return conn.preparedQuery(AlertSql.DELIVERED).execute(Tuple.of(id, null)).map(true);
        }
        Future<Long> sent = create ? existingOrPost(row) : patch(row);
        return sent.compose(annotationId -> {
            metrics.delivery("delivered");
            return conn.preparedQuery(AlertSql.DELIVERED).execute(Tuple.of(id, annotationId)).map(true);
        }, error -> {
            metrics.delivery("failed");
            String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
            return conn.preparedQuery(AlertSql.FAILED).execute(Tuple.of(id, message.length() > 500 ? message.substring(0, 500) : message))
                    .map(false);
        });
    }

    private Future<Long> existingOrPost(Row row) {
        String outboxTag = "zw-outbox-" + row.getLong("id");
        return send(HttpMethod.GET, "/api/annotations?tags=" + URLEncoder.encode(outboxTag, StandardCharsets.UTF_8) + "&limit=1", null)
                .compose(found -> {
                    JsonArray list = found == null ? new JsonArray() : new JsonArray(found);
                    if (!list.isEmpty()) return Future.succeededFuture(list.getJsonObject(0).getLong("id"));
                    JsonObject body = new JsonObject()
                            .put("time", Period.of(row.getLocalDate("period")).lastDay().atStartOfDay(Period.CHINA).toInstant().toEpochMilli())
                            .put("tags", tags(row, false).add(outboxTag))
                            .put("text", text(row, false));
                    return send(HttpMethod.POST, "/api/annotations", body).map(answer -> new JsonObject(answer).getLong("id"));
                });
    }

    /** A resolution (tag "resolved") or a change of severity (new severity tag and text) of a delivered annotation. */
    private Future<Long> patch(Row row) {
        long annotationId = row.getLong("annotation_id");
        boolean resolved = "resolve".equals(row.getString("kind"));
        JsonObject body = new JsonObject().put("tags", tags(row, resolved)).put("text", text(row, resolved));
        return send(HttpMethod.PATCH, "/api/annotations/" + annotationId, body).map(annotationId);
    }

    private static JsonArray tags(Row row, boolean resolved) {
        JsonArray tags = new JsonArray().add("zonewatch").add(row.getString("rule")).add(row.getString("severity"))
                .add(row.getString("platform_code"));
        if (!row.getString("indicator_code").isEmpty()) tags.add(row.getString("indicator_code"));
        if (resolved) tags.add("resolved");
        return tags;
    }

    private String text(Row row, boolean resolved) {
        String link = publicUrl + "/platform";
        return (resolved ? "[已解除 resolved] " : "") + row.getString("message_zh") + " / " + row.getString("message_en")
                + " — <a href=\"" + link + "\">" + row.getString("platform_code") + "</a>";
    }

    /** One call to Grafana's HTTP API with the service-account token; non-2xx is a failure. */
    private Future<String> send(HttpMethod method, String path, JsonObject body) {
        int port = grafana.getPort() > 0 ? grafana.getPort() : ("https".equals(grafana.getScheme()) ? 443 : 80);
        String base = grafana.getPath() == null ? "" : grafana.getPath();
        RequestOptions options = new RequestOptions().setMethod(method).setHost(grafana.getHost()).setPort(port)
                .setURI(base + path).setTimeout(10_000)
                .putHeader("Authorization", "Bearer " + token)
                .putHeader("Accept", "application/json");
        if (body != null) options.putHeader("Content-Type", "application/json");
        return http.request(options)
                .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body.encode())))
                .compose(resp -> resp.body().map(buf -> {
                    if (resp.statusCode() / 100 != 2) {
                        throw new IllegalStateException("Grafana answered " + resp.statusCode() + " to " + method + " " + path + ": "
                                + buf.toString().substring(0, Math.min(200, buf.length())));
                    }
                    return buf.toString();
                }));
    }
}
