package io.zonewatch.events;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The facts are announced once each, after their commit, with their payload: a stored feed, written
 * targets, a computed and a published run, and (the warning worker on) the warnings a feed changed.
 */
class EventsTest {
    private static TestService service;
    private static EventBus bus;
    private static String bureau;

    @BeforeAll
    static void start() {
        // The warning worker on (the suite's default is off): it evaluates after feed.stored and says alerts.changed.
        service = TestService.start(Map.of(Config.ALERT_SWEEP_S, "3600"));
        bus = service.zoneWatch.vertx().eventBus();
        service.platforms("""
                V1,一区,provincial,etdz,杭州市,,,
                V2,二区,provincial,etdz,宁波市,,,
                V3,三区,provincial,etdz,温州市,,,
                """);
        bureau = service.token("bureau", null);
    }

    @AfterAll
    static void stop() {
        if (service != null) service.close();
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the event did not arrive", e);
        }
    }

    @Test
    void aStoredFeedIsAnnouncedWithItsIdAndItsWarningsAfterIt() {
        CompletableFuture<Events.FeedStored> stored = new CompletableFuture<>();
        CompletableFuture<Events.AlertsChanged> changed = new CompletableFuture<>();
        var c1 = Events.on(bus, Events.FeedStored.class, stored::complete);
        var c2 = Events.on(bus, Events.AlertsChanged.class, changed::complete);
        try {
            // Q2 below Q1 year to date: a ytd_decrease warning.
            Api.Response r = service.api.feed(bureau, "platform_code,indicator_code,period,value\n"
                    + "V1,tax_revenue,2019Q1,100\nV1,tax_revenue,2019Q2,60\n", null);
            assertEquals(201, r.status(), r.toString());
            assertEquals(r.json().getLong("feedId"), await(stored).feedId());
            assertTrue(await(changed).raised() >= 1, "the evaluation after the feed raised the fall");
        } finally {
            c1.unregister();
            c2.unregister();
        }
    }

    @Test
    void targetsRunsAndPublicationAreAnnounced() {
        CompletableFuture<Events.TargetsChanged> targets = new CompletableFuture<>();
        List<Events.RunComputed> computed = new CopyOnWriteArrayList<>();
        CompletableFuture<Events.RunComputed> firstRun = new CompletableFuture<>();
        CompletableFuture<Events.RunPublished> published = new CompletableFuture<>();
        var c1 = Events.on(bus, Events.TargetsChanged.class, targets::complete);
        var c2 = Events.on(bus, Events.RunComputed.class, e -> {
            computed.add(e);
            firstRun.complete(e);
        });
        var c3 = Events.on(bus, Events.RunPublished.class, published::complete);
        try {
            Api.Response t = service.api.post("/api/v1/targets", bureau, "text/csv",
                    "platform_code,indicator_code,year,value\nV2,tax_revenue,2020,1000\nV3,tax_revenue,2020,900\n");
            assertEquals(200, t.status(), t.toString());
            assertEquals(2, await(targets).rows());

            StringBuilder rows = new StringBuilder("platform_code,indicator_code,period,value\n");
            for (String p : List.of("V1", "V2", "V3")) {
                rows.append(p).append(",tax_revenue,2020Q4,").append(p.equals("V2") ? 300 : 200).append('\n')
                        .append(p).append(",land_area,2020Q4,100\n");
            }
            assertEquals(201, service.api.feed(bureau, rows.toString(), null).status());
            Api.Response run = service.api.post("/api/v1/rankings/2020/runs?scheme=mu_benefit&force=true", bureau, null, new byte[0]);
            assertEquals(201, run.status(), run.toString());
            long runId = run.json().getLong("runId");
            assertEquals(new Events.RunComputed(runId, "mu_benefit", 2020, null), await(firstRun));

            Api.Response pub = service.api.postJson("/api/v1/rankings/2020/runs/" + runId + "/publish", TestService.ADMIN,
                    new JsonObject().put("override", true).put("reason", "测试"));
            assertEquals(200, pub.status(), pub.toString());
            assertEquals(new Events.RunPublished(runId, "mu_benefit", 2020), await(published));
            // Publishing again changes nothing and announces nothing: the next fact is the next run's.
            CompletableFuture<Events.RunPublished> again = new CompletableFuture<>();
            var c4 = Events.on(bus, Events.RunPublished.class, again::complete);
            try {
                assertEquals(200, service.api.post("/api/v1/rankings/2020/runs/" + runId + "/publish", TestService.ADMIN, null, new byte[0]).status());
                CompletableFuture<Events.RunComputed> next = new CompletableFuture<>();
                var c5 = Events.on(bus, Events.RunComputed.class, next::complete);
                try {
                    Api.Response second = service.api.post("/api/v1/rankings/2020/runs?scheme=mu_benefit&force=true", bureau, null, new byte[0]);
                    assertEquals(201, second.status());
                    await(next);
                    assertTrue(!again.isDone(), "a second publication of the same run is not announced");
                } finally {
                    c5.unregister();
                }
            } finally {
                c4.unregister();
            }
        } finally {
            c1.unregister();
            c2.unregister();
            c3.unregister();
        }
    }
}
