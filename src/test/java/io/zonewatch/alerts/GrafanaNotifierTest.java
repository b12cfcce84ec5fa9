package io.zonewatch.alerts;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Ports;
import io.zonewatch.db.DbTarget;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery of warnings to a local HTTP server that behaves as Grafana's annotations API documents:
 * bearer-token check, POST answering {"message":"Annotation added","id":N}, GET by tags, PATCH.
 */
@ExtendWith(VertxExtension.class)
class GrafanaNotifierTest {
    private static final String GRAFANA_TOKEN = "glsa_test_service_account_token";
    private static final String HEADER = "platform_code,indicator_code,period,value\n";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-02-15T02:00:00Z"), ZoneOffset.UTC);

    /** The fake Grafana: stored annotations, requests seen, and a switch to answer 500. */
    static final class FakeGrafana {
        final List<JsonObject> annotations = new CopyOnWriteArrayList<>();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger ids = new AtomicInteger(100);
        volatile boolean failing;
        HttpServer server;

        void start(Vertx vertx, int port) {
            Router r = Router.router(vertx);
            r.route().handler(BodyHandler.create());
            r.route("/api/*").handler(ctx -> {
                requests.add(ctx.request().method() + " " + ctx.request().uri());
                if (!("Bearer " + GRAFANA_TOKEN).equals(ctx.request().getHeader("Authorization"))) {
                    ctx.response().setStatusCode(401).end(new JsonObject().put("message", "Unauthorized").encode());
                } else if (failing) {
                    ctx.response().setStatusCode(500).end(new JsonObject().put("message", "internal error").encode());
                } else {
                    ctx.next();
                }
            });
            r.post("/api/annotations").handler(ctx -> {
                JsonObject a = ctx.body().asJsonObject().copy().put("id", ids.incrementAndGet());
                annotations.add(a);
                ctx.json(new JsonObject().put("message", "Annotation added").put("id", a.getInteger("id")));
            });
            r.get("/api/annotations").handler(ctx -> {
                List<String> tags = ctx.queryParams().getAll("tags");
                JsonArray out = new JsonArray();
                annotations.stream().filter(a -> a.getJsonArray("tags").getList().containsAll(tags)).forEach(out::add);
                ctx.json(out);
            });
            r.patch("/api/annotations/:id").handler(ctx -> {
                int id = Integer.parseInt(ctx.pathParam("id"));
                JsonObject patch = ctx.body().asJsonObject();
                annotations.stream().filter(a -> a.getInteger("id") == id).findFirst().ifPresentOrElse(a -> {
                    a.mergeIn(patch);
                    ctx.json(new JsonObject().put("message", "Annotation patched"));
                }, () -> ctx.response().setStatusCode(404).end());
            });
            server = vertx.createHttpServer().requestHandler(r).listen(port).toCompletionStage().toCompletableFuture().join();
        }

        void stop() {
            if (server != null) server.close().toCompletionStage().toCompletableFuture().join();
            server = null;
        }
    }

    private TestService service;
    private FakeGrafana grafana;
    private int port;
    private Vertx vertx;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        port = Ports.free();
        grafana = new FakeGrafana();
        service = startService(TestService.start(env(), CLOCK).db);
    }

    private TestService startService(DbTarget db) {
        if (service != null) service.close();
        return TestService.startOn(db, env(), CLOCK);
    }

    private Map<String, String> env() {
        return Map.of(Config.GRAFANA_URL, "http://127.0.0.1:" + port, Config.GRAFANA_TOKEN, GRAFANA_TOKEN,
                Config.PUBLIC_URL, "https://zonewatch.example.gov.cn");
    }

    @AfterEach
    void stop() {
        grafana.stop();
        if (service != null) service.close();
    }

    /** Plants a falling YTD value (a critical warning) and evaluates it. */
    private void raise(String platform) {
        service.platforms(platform + ",测试区,county,other,丽水市,,,\n");
        assertEquals(201, service.api.feed(ADMIN, HEADER + platform + ",tax_revenue,2025Q2,50\n" + platform + ",tax_revenue,2025Q3,40\n", null).status());
        service.evaluateAlerts();
    }

    private int deliver() {
        return service.zoneWatch.grafana().deliverDue().toCompletionStage().toCompletableFuture().join();
    }

    private void makeRetriesDue() {
        service.scalar("WITH u AS (UPDATE alert_outbox SET next_attempt_at = now() WHERE delivered_at IS NULL RETURNING 1) SELECT count(*) FROM u");
    }

    @Test
    void aNewWarningIsDeliveredOnceWithTheDocumentedBody() {
        grafana.start(vertx, port);
        raise("G1");
        assertEquals(1, deliver());
        assertEquals(0, deliver(), "nothing left to send");
        assertEquals(1, grafana.annotations.size());
        JsonObject a = grafana.annotations.get(0);
        // 2025Q3 ends on 30 September: 00:00 China Standard Time
        assertEquals(Instant.parse("2025-09-29T16:00:00Z").toEpochMilli(), a.getLong("time"));
        List<Object> tags = a.getJsonArray("tags").getList();
        assertTrue(tags.containsAll(List.of("zonewatch", "ytd_decrease", "critical", "G1", "tax_revenue")), tags.toString());
        assertTrue(a.getString("text").contains("2025年1-9月税收收入累计40.0万元"), a.getString("text"));
        assertTrue(a.getString("text").contains("https://zonewatch.example.gov.cn/platform"));
        assertEquals(101, service.scalar("SELECT annotation_id FROM alert_outbox"));
    }

    @Test
    void aResolutionPatchesTheAnnotationWithTheResolvedTag() {
        grafana.start(vertx, port);
        raise("G2");
        deliver();
        assertEquals(201, service.api.feed(ADMIN, HEADER + "G2,tax_revenue,2025Q3,60\n", null).status());
        service.evaluateAlerts();
        assertEquals(1, deliver());
        assertEquals(1, grafana.annotations.size());
        assertTrue(grafana.annotations.get(0).getJsonArray("tags").getList().contains("resolved"));
        assertTrue(grafana.requests.stream().anyMatch(r -> r.startsWith("PATCH /api/annotations/101")), grafana.requests.toString());
    }

    @Test
    void aChangeOfSeverityRetagsTheAnnotation() {
        grafana.start(vertx, port);
        service.platforms("G9,测试区,county,other,丽水市,,,\n");
        // tax −12 % year on year: a warning; revised to −25 %: critical.
        assertEquals(201, service.api.feed(ADMIN, HEADER + "G9,tax_revenue,2024Q1,100\nG9,tax_revenue,2025Q1,88\n", null).status());
        service.evaluateAlerts();
        assertEquals(1, deliver());
        assertTrue(grafana.annotations.get(0).getJsonArray("tags").getList().contains("warning"));
        assertEquals(201, service.api.feed(ADMIN, HEADER + "G9,tax_revenue,2025Q1,75\n", null).status());
        service.evaluateAlerts();
        assertEquals(1, deliver());
        assertEquals(1, grafana.annotations.size(), "the same annotation, re-tagged");
        List<Object> tags = grafana.annotations.get(0).getJsonArray("tags").getList();
        assertTrue(tags.contains("critical") && !tags.contains("warning") && !tags.contains("resolved"), tags.toString());
    }

    @Test
    void grafanaDownThenUpDeliversOnce() {
        raise("G3");
        assertEquals(0, deliver(), "connection refused");
        assertEquals(1, service.scalar("SELECT attempts FROM alert_outbox"));
        assertTrue(service.scalar("SELECT count(*) FROM alert_outbox WHERE next_attempt_at > now() AND last_error IS NOT NULL") == 1,
                "backed off with the error kept");
        grafana.start(vertx, port);
        assertEquals(0, deliver(), "not due yet: back-off");
        makeRetriesDue();
        assertEquals(1, deliver());
        makeRetriesDue();
        assertEquals(0, deliver());
        assertEquals(1, grafana.annotations.size());
    }

    @Test
    void serverErrorsAreRetriedWithGrowingBackOff() {
        grafana.start(vertx, port);
        grafana.failing = true;
        raise("G4");
        assertEquals(0, deliver());
        makeRetriesDue();
        assertEquals(0, deliver());
        assertEquals(2, service.scalar("SELECT attempts FROM alert_outbox"));
        assertTrue(service.text("SELECT last_error FROM alert_outbox").contains("500"));
        assertTrue(service.scalar("SELECT extract(epoch FROM next_attempt_at - now())::int FROM alert_outbox") >= 3, "2^2 s back-off");
        grafana.failing = false;
        makeRetriesDue();
        assertEquals(1, deliver());
        assertEquals(1, grafana.annotations.size());
    }

    @Test
    void aBacklogIsDeliveredAfterARestart() {
        raise("G5");
        raise("G6");
        assertEquals(0, deliver());
        DbTarget db = service.db;
        service.close();
        service = null;
        grafana.start(vertx, port);
        service = startService(db);
        makeRetriesDue();
        assertEquals(2, deliver());
        assertEquals(2, grafana.annotations.size());
    }

    @Test
    void anAnnotationPostedButNotRecordedIsNotPostedTwice() {
        grafana.start(vertx, port);
        raise("G7");
        long outboxId = service.scalar("SELECT id FROM alert_outbox");
        // Grafana accepted it, then the service died before its commit: the annotation exists, the row is pending.
        grafana.annotations.add(new JsonObject().put("id", 555).put("tags", new JsonArray().add("zonewatch").add("zw-outbox-" + outboxId)));
        assertEquals(1, deliver());
        assertEquals(1, grafana.annotations.size());
        assertEquals(555, service.scalar("SELECT annotation_id FROM alert_outbox"));
    }

    @Test
    void aWrongTokenIsAFailureThatStaysQueued() {
        grafana.start(vertx, port);
        service.close();
        service = TestService.startOn(service.db, Map.of(Config.GRAFANA_URL, "http://127.0.0.1:" + port, Config.GRAFANA_TOKEN, "wrong"), CLOCK);
        raise("G8");
        assertEquals(0, deliver());
        assertTrue(service.text("SELECT last_error FROM alert_outbox").contains("401"));
        assertEquals(0, grafana.annotations.size());
    }

    /** The falling YTD value of raise(), in a year of the test's choosing. */
    private void raiseIn(String platform, int year) {
        service.platforms(platform + ",测试区,county,other,丽水市,,,\n");
        assertEquals(201, service.api.feed(ADMIN, HEADER + platform + ",tax_revenue," + year + "Q2,50\n" + platform + ",tax_revenue,"
                + year + "Q3,40\n", null).status());
        service.evaluateAlerts();
    }

    private void resolve(String platform, int year) {
        assertEquals(201, service.api.feed(ADMIN, HEADER + platform + ",tax_revenue," + year + "Q3,60\n", null).status());
        service.evaluateAlerts();
    }

    private TestService restart(boolean push) {
        DbTarget db = service.db;
        service.close();
        service = null;
        return TestService.startOn(db, push ? env() : Map.of(), CLOCK);
    }

    /**
     * Issue 12 item 17: with the push off the outbox stays empty (and what an earlier version queued is
     * dropped), so its backlog alert cannot fire; switching the push on sends the open warnings about
     * periods that ended within ZONEWATCH_GRAFANA_BACKFILL_DAYS (365: here from 2025Q1 on), nothing older
     * and nothing resolved.
     */
    @Test
    void withThePushOffNothingIsQueuedAndSwitchingItOnSendsOnlyRecentOpenWarnings() {
        service = restart(false);
        raiseIn("G10", 2025);   // open, 2025Q3: recent
        raiseIn("G11", 2019);   // open, 2019Q3: older than a year
        raiseIn("G12", 2025);
        resolve("G12", 2025);   // resolved
        assertEquals(3, service.scalar("SELECT count(*) FROM alert"));
        assertEquals(0, service.scalar("SELECT count(*) FROM alert_outbox"), "nothing queued while the push is off");
        assertTrue(service.api.get("/metrics", null).text().contains("zonewatch_alerts_raised_total{rule=\"ytd_decrease\",severity=\"critical\"} 3.0"),
                "raised warnings are still counted");
        // A row an earlier version queued with the push off is dropped at the next start with the push off.
        service.scalar("WITH i AS (INSERT INTO alert_outbox (alert_id, kind) SELECT id, 'create' FROM alert RETURNING 1) SELECT count(*) FROM i");
        service = restart(false);
        assertEquals(0, service.scalar("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL"));

        grafana.start(vertx, port);
        service = restart(true);
        assertEquals(1, service.scalar("SELECT count(*) FROM alert_outbox"), "one annotation queued: the open, recent warning");
        assertEquals(1, deliver());
        assertEquals(1, grafana.annotations.size());
        assertTrue(grafana.annotations.get(0).getJsonArray("tags").getList().contains("G10"), grafana.annotations.toString());
        service = restart(true);
        assertEquals(0, deliver(), "a second start queues nothing again");
    }

    @Test
    void aWarningResolvedWhileThePushWasOffIsMarkedResolvedWhenItComesBack() {
        grafana.start(vertx, port);
        raiseIn("G13", 2025);
        assertEquals(1, deliver());
        service = restart(false);
        resolve("G13", 2025);
        assertEquals(0, service.scalar("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL"));
        service = restart(true);
        assertEquals(1, deliver());
        assertEquals(1, grafana.annotations.size());
        assertTrue(grafana.annotations.get(0).getJsonArray("tags").getList().contains("resolved"), grafana.annotations.toString());
    }
}
