package io.zonewatch.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent feeds revising the same keys (README "Writes": key-bucket locks, so no lost revision
 * and no deadlock). Eight clients post at once, in six rounds, feeds that revise overlapping
 * (platform, indicator, period) keys, with rows in a different order in each feed and in all three
 * formats. Every request must be accepted (no 500, no deadlock or serialization failure), and the
 * version history must be what some serial order of the feeds would have written: per key one version
 * per feed that touched it, revisions 1..n, the current value that of version n, and the feeds of
 * any two keys in the same order.
 */
class ConcurrentRevisionsTest {
    private static final int CLIENTS = 8;
    private static final int ROUNDS = 6;
    private static final int PLATFORMS = 48;
    private static final String[] INDICATORS = {"tax_revenue", "industrial_output", "employees", "land_area"};
    private static final String[] PERIODS = {"2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4"};

    private static TestService service;
    private static Api api;

    @BeforeAll
    static void start() {
        // Enough connections that every client is in its transaction at once: the contention is in PostgreSQL.
        service = TestService.start(Map.of(Config.DB_POOL_SIZE, "10", Config.HTTP_INSTANCES, "2"));
        api = service.api;
        StringBuilder rows = new StringBuilder();
        for (int p = 0; p < PLATFORMS; p++) rows.append("CR").append(p).append(",并发区").append(p).append(",county,other,衢州市,,,\n");
        service.platforms(rows.toString());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    record Key(String platform, String indicator, String period) {
    }

    /** One feed: its number (1-based, unique), round, keys in the order written, and format. */
    record Feed(int number, int round, List<Key> keys, String format) {
        /** Unique per feed and key, so every touch is a revision and each version names its feed. */
        BigDecimal value(Key k) {
            return BigDecimal.valueOf(number * 100_000L + keyIndex(k)).movePointLeft(1);
        }

        String contentType() {
            return switch (format) {
                case "csv" -> "text/csv";
                case "json" -> "application/json";
                default -> "application/vnd.sdmx.data+csv";
            };
        }

        String body() {
            StringBuilder b = new StringBuilder();
            switch (format) {
                case "csv" -> {
                    b.append("period,value,indicator_code,platform_code\n");   // columns in another order
                    for (Key k : keys) b.append(k.period()).append(',').append(value(k)).append(',').append(k.indicator()).append(',').append(k.platform()).append('\n');
                }
                case "json" -> {
                    JsonArray items = new JsonArray();
                    for (Key k : keys) items.add(new JsonObject().put("platform", k.platform()).put("indicator", k.indicator()).put("period", k.period()).put("value", value(k)));
                    b.append(new JsonObject().put("observations", items).encode());
                }
                default -> {
                    b.append("DATAFLOW,PLATFORM,INDICATOR,TIME_PERIOD,OBS_VALUE\n");
                    for (Key k : keys) {
                        b.append("ZJ:ZONEWATCH(1.0),").append(k.platform()).append(',').append(k.indicator()).append(',')
                                .append(k.period(), 0, 4).append("-Q").append(k.period().charAt(5)).append(',').append(value(k)).append('\n');
                    }
                }
            }
            return b.toString();
        }
    }

    private static int keyIndex(Key k) {
        int p = Integer.parseInt(k.platform().substring(2));
        return (p * INDICATORS.length + List.of(INDICATORS).indexOf(k.indicator())) * PERIODS.length + List.of(PERIODS).indexOf(k.period());
    }

    /** Sixteen random platforms, each with about 3/4 of its indicator-quarters, shuffled. */
    private static List<Feed> plan(SplittableRandom random) {
        List<Feed> feeds = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (int c = 0; c < CLIENTS; c++) {
                List<Integer> platforms = new ArrayList<>();
                for (int p = 0; p < PLATFORMS; p++) platforms.add(p);
                Collections.shuffle(platforms, new java.util.Random(random.nextLong()));
                List<Key> keys = new ArrayList<>();
                for (int p : platforms.subList(0, 16)) {
                    for (String ind : INDICATORS) {
                        for (String period : PERIODS) if (random.nextInt(4) != 0) keys.add(new Key("CR" + p, ind, period));
                    }
                }
                Collections.shuffle(keys, new java.util.Random(random.nextLong()));
                feeds.add(new Feed(feeds.size() + 1, round, keys, List.of("csv", "json", "sdmx-csv").get(c % 3)));
            }
        }
        return feeds;
    }

    record Version(int revision, BigDecimal value, long feedId, OffsetDateTime recordedAt) {
    }

    @Test
    void concurrentFeedsOnOverlappingKeysLoseNoRevisionAndApplyInOneOrder() throws Exception {
        List<Feed> feeds = plan(new SplittableRandom(6_2026));
        Map<Long, Feed> byId = new HashMap<>();
        Map<Long, JsonObject> answers = new HashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long t0 = System.nanoTime();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Api.Response>> pending = new ArrayList<>();
                List<Feed> thisRound = feeds.subList(round * CLIENTS, (round + 1) * CLIENTS);
                for (Feed f : thisRound) {
                    pending.add(clients.submit(() -> {
                        go.await();
                        return api.post("/api/v1/feeds", ADMIN, f.contentType(), f.body());
                    }));
                }
                go.countDown();   // all eight at once
                for (int i = 0; i < CLIENTS; i++) {
                    Feed f = thisRound.get(i);
                    Api.Response r = pending.get(i).get();
                    assertEquals(201, r.status(), "feed " + f.number() + " (" + f.format() + "): " + r);
                    JsonObject body = r.json();
                    assertEquals("accepted", body.getString("status"));
                    assertEquals(f.keys().size(), body.getInteger("rows"));
                    assertEquals(f.keys().size(), body.getInteger("inserted") + body.getInteger("revised"), "every row changes its key: " + body);
                    byId.put(body.getLong("feedId"), f);
                    answers.put(body.getLong("feedId"), body);
                }
            }
        } finally {
            clients.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        // Which feeds touched each key, in round order (within a round the order is the database's choice).
        Map<Key, List<Feed>> touches = new LinkedHashMap<>();
        for (Feed f : feeds) for (Key k : f.keys()) touches.computeIfAbsent(k, x -> new ArrayList<>()).add(f);
        Map<Key, List<Version>> versions = versions();
        assertEquals(touches.keySet(), versions.keySet(), "exactly the touched keys have versions");

        Map<Long, Integer> firstWrites = new HashMap<>();
        Map<List<Long>, Boolean> order = new HashMap<>();
        int total = 0;
        for (var e : touches.entrySet()) {
            Key k = e.getKey();
            List<Version> history = versions.get(k);
            total += history.size();
            assertEquals(e.getValue().size(), history.size(), k + ": one version per feed that touched it: " + history);
            Set<Long> feedsSeen = new HashSet<>();
            for (int i = 0; i < history.size(); i++) {
                Version v = history.get(i);
                Feed f = byId.get(v.feedId());
                assertEquals(i + 1, v.revision(), k + ": revisions 1..n without gaps: " + history);
                assertTrue(f != null && feedsSeen.add(v.feedId()), k + ": each touching feed once: " + history);
                assertEquals(0, f.value(k).compareTo(v.value()), k + " revision " + v.revision() + ": the value feed " + f.number() + " sent");
                if (i > 0) {
                    Version prev = history.get(i - 1);
                    assertTrue(prev.recordedAt().isBefore(v.recordedAt()), k + ": recording instants rise with revisions: " + history);
                    assertTrue(byId.get(prev.feedId()).round() <= f.round(), k + ": a later round never precedes an earlier one");
                }
                // Feeds in the same order on every key they share: the history is a serial one.
                for (int j = 0; j < i; j++) {
                    long before = history.get(j).feedId();
                    order.put(List.of(before, v.feedId()), true);
                    assertTrue(!order.containsKey(List.of(v.feedId(), before)),
                            "feeds " + byId.get(before).number() + " and " + f.number() + " interleaved (seen in both orders; last on " + k + ")");
                }
            }
            firstWrites.merge(history.get(0).feedId(), 1, Integer::sum);
        }
        for (var a : answers.entrySet()) {
            assertEquals(firstWrites.getOrDefault(a.getKey(), 0), a.getValue().getInteger("inserted"), "inserted as answered vs stored: " + a.getValue());
        }

        Map<Key, Version> current = current();
        assertEquals(touches.keySet(), current.keySet());
        for (var e : versions.entrySet()) {
            Version last = e.getValue().get(e.getValue().size() - 1);
            Version now = current.get(e.getKey());
            assertEquals(last.revision(), now.revision(), e.getKey() + ": current revision");
            assertEquals(0, last.value().compareTo(now.value()), e.getKey() + ": current value is the highest version's");
            assertEquals(last.feedId(), now.feedId(), e.getKey() + ": current feed");
        }
        assertEquals(0, service.scalar("SELECT count(*) FROM feed WHERE status <> 'accepted'"));

        // The API's history agrees: asOf each version's instant shows that version.
        Key busiest = Collections.max(versions.keySet(), java.util.Comparator.comparingInt(k -> versions.get(k).size()));
        for (Version v : versions.get(busiest)) {
            String asOf = URLEncoder.encode(v.recordedAt().toInstant().toString(), StandardCharsets.UTF_8);
            Api.Response r = api.get("/api/v1/platforms/" + busiest.platform() + "/observations?indicator=" + busiest.indicator()
                    + "&from=" + busiest.period() + "&to=" + busiest.period() + "&asOf=" + asOf, ADMIN);
            JsonObject o = r.array("observations").getJsonObject(0);
            assertEquals(v.revision(), o.getInteger("revision"), busiest + " asOf " + asOf + ": " + r);
            assertEquals(0, v.value().compareTo(new BigDecimal(o.getValue("value").toString())), busiest + " asOf " + asOf);
        }
        System.out.printf("concurrent revisions: %d rounds of %d simultaneous feeds (%d rows), %d keys, %d versions, up to %d per key, in %.1f s%n",
                ROUNDS, CLIENTS, feeds.stream().mapToInt(f -> f.keys().size()).sum(), touches.size(), total,
                versions.get(busiest).size(), seconds);
    }

    private static Key key(ResultSet rs) throws java.sql.SQLException {
        java.time.LocalDate d = rs.getObject("period", java.time.LocalDate.class);
        return new Key(rs.getString("platform_code"), rs.getString("indicator_code"), d.getYear() + "Q" + ((d.getMonthValue() - 1) / 3 + 1));
    }

    private static Map<Key, List<Version>> versions() throws Exception {
        Map<Key, List<Version>> out = new HashMap<>();
        try (Connection c = TestDatabase.connect(service.db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT platform_code, indicator_code, period, revision, value, feed_id, recorded_at"
                     + " FROM observation_version ORDER BY platform_code, indicator_code, period, revision")) {
            while (rs.next()) {
                out.computeIfAbsent(key(rs), k -> new ArrayList<>()).add(new Version(rs.getInt("revision"), rs.getBigDecimal("value"),
                        rs.getLong("feed_id"), rs.getObject("recorded_at", OffsetDateTime.class)));
            }
        }
        return out;
    }

    private static Map<Key, Version> current() throws Exception {
        Map<Key, Version> out = new HashMap<>();
        try (Connection c = TestDatabase.connect(service.db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT platform_code, indicator_code, period, revision, value, feed_id, recorded_at FROM observation_current")) {
            while (rs.next()) {
                out.put(key(rs), new Version(rs.getInt("revision"), rs.getBigDecimal("value"), rs.getLong("feed_id"),
                        rs.getObject("recorded_at", OffsetDateTime.class)));
            }
        }
        return out;
    }
}
