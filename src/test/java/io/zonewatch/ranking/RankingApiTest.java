package io.zonewatch.ranking;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs computed from ingested feeds, checked against hand-computed scores. The scheme test_flat is
 * benchmark_ratio with tax_per_mu (w 60, b 10) and rd_intensity (w 40, b 2), so
 * score = 60·tpm/10 + 40·rd/2. The tests read the runs computed at the start (2023 forced and published,
 * 2024 not published); a test that publishes, revises or saves a scheme does so in a year or scheme of its own.
 */
class RankingApiTest extends ServiceTest {
    private static final String HEADER = "platform_code,indicator_code,period,value\n";
    private static String bureau;
    private static String leader;
    private static String r1Token;
    private static JsonObject forced2023;
    private static long run2023;
    private static JsonObject computed2024;
    private static long run2024;

    private static JsonObject scheme() {
        return new JsonObject()
                .put("name", "测试方案").put("nameEn", "Test scheme")
                .put("method", "benchmark_ratio").put("minCoverage", 0.65)
                .put("classes", new JsonObject().put("mode", "percent").put("A", 0.25).put("B", 0.70).put("C", 0.95))
                .put("monteCarlo", new JsonObject().put("runs", 100).put("seed", 7).put("spread", 0.25))
                .put("dimensions", new JsonArray().add(new JsonObject().put("code", "overall").put("name", "综合").put("weight", 100)
                        .put("indicators", new JsonArray()
                                .add(new JsonObject().put("indicator", "tax_per_mu").put("weight", 60)
                                        .put("benchmarks", new JsonObject().put("2023", 10).put("2024", 10)))
                                .add(new JsonObject().put("indicator", "rd_intensity").put("weight", 40)
                                        .put("benchmarks", new JsonObject().put("2023", 2).put("2024", 2))))));
    }

    /** tax, land, R&D and revenue of one platform in one quarter. */
    private static String rows(String platform, String period, double tax, double land, double rd, double revenue) {
        return platform + ",tax_revenue," + period + "," + tax + "\n" + platform + ",land_area," + period + "," + land + "\n"
                + platform + ",rd_expenditure," + period + "," + rd + "\n" + platform + ",operating_revenue," + period + "," + revenue + "\n";
    }

    /** The 2024 year-end values: R1..R5 in 2024Q4, RL with tax and land only, RC (closed mid-2024) in 2024Q2. */
    private static String year2024() {
        return rows("R1", "2024Q4", 1200, 100, 30, 1000) + rows("R2", "2024Q4", 800, 100, 25, 1000)
                + rows("R3", "2024Q4", 1000, 50, 10, 1000) + rows("R4", "2024Q4", 500, 100, 40, 1000)
                + rows("R5", "2024Q4", 900, 100, 20, 1000) + "RL,tax_revenue,2024Q4,100\nRL,land_area,2024Q4,10\n"
                + rows("RC", "2024Q2", 100, 10, 1, 100);
    }

    @BeforeAll
    static void setUp() {
        service.platforms("""
                R1,甲区,provincial,etdz,杭州市,,,
                R2,乙区,provincial,etdz,宁波市,,,
                R3,丙区,provincial,etdz,温州市,,,
                R4,丁区,provincial,hitech,嘉兴市,,,
                R5,戊区,provincial,etdz,湖州市,,,
                RL,缺数区,county,other,绍兴市,,,
                RC,撤并区,county,other,金华市,,2016-01-01,2024-06-30
                """);
        bureau = service.token("bureau", null);
        leader = service.token("leader", null);
        r1Token = service.token("platform", "R1");
        assertEquals(201, api.put("/api/v1/schemes/test_flat", ADMIN, scheme()).status());
        String y2024 = year2024();
        // 2023: the same, except R4 earns 2000 (tpm 20: score 200, first place).
        String y2023 = y2024.replace("2024Q4", "2023Q4").replace("R4,tax_revenue,2023Q4,500.0", "R4,tax_revenue,2023Q4,2000.0")
                .replace(rows("RC", "2024Q2", 100, 10, 1, 100), "");
        assertEquals(201, api.feed(bureau, HEADER + y2023, null).status());
        assertEquals(201, api.feed(bureau, HEADER + y2024, null).status());

        // The runs the tests read: 2023 with force (RC reported nothing) and published, 2024 not published.
        Api.Response forced = api.post("/api/v1/rankings/2023/runs?scheme=test_flat&force=true", bureau, null, new byte[0]);
        assertEquals(201, forced.status(), forced.toString());
        forced2023 = forced.json();
        run2023 = forced2023.getLong("runId");
        assertEquals(200, api.post("/api/v1/rankings/2023/runs/" + run2023 + "/publish", ADMIN, null, new byte[0]).status());
        Api.Response r = api.post("/api/v1/rankings/2024/runs?scheme=test_flat", bureau, null, new byte[0]);
        assertEquals(201, r.status(), r.toString());
        computed2024 = r.json();
        run2024 = computed2024.getLong("runId");
    }

    private static Map<String, JsonObject> byPlatform(JsonObject table) {
        return table.getJsonArray("entries").stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(e -> e.getString("platform"), e -> e));
    }

    @Test
    void aYearEndRunMatchesHandComputedScores() {
        // RC (closed mid-2024) was active all of 2023 and reported nothing for it: 6 of 7 is under 95 %.
        Api.Response refused = api.post("/api/v1/rankings/2023/runs?scheme=test_flat", bureau, null, new byte[0]);
        assertEquals(422, refused.status(), refused.toString());
        assertEquals("incomplete_period", refused.json().getString("error"));
        assertEquals(6.0 / 7, refused.json().getDouble("reportingShare"), 1e-12);
        assertEquals(new JsonArray().add("RC"), refused.json().getJsonArray("missing"));
        // The same with force (computed at the start, and published there).
        assertTrue(forced2023.getBoolean("incomplete"), "a forced run says it is incomplete");
        assertEquals(6.0 / 7, forced2023.getJsonObject("dataQuality").getDouble("reportingShare"), 1e-12);
        assertTrue(forced2023.getJsonArray("warnings").contains("incomplete: 6 of 7 platforms reported (85.7 %), computed with force"),
                forced2023.getJsonArray("warnings").encode());

        // 2024 as computed at the start.
        JsonObject run = computed2024;
        assertEquals("test_flat", run.getString("scheme"));
        assertEquals(1, run.getInteger("schemeVersion"));
        assertFalse(run.getBoolean("published"));
        assertNull(run.getValue("quarter"));
        List<String> order = run.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("platform")).toList();
        assertEquals(List.of("R3", "R1", "R4", "R2", "R5"), order);
        Map<String, JsonObject> e = byPlatform(run);
        assertEquals(140, e.get("R3").getDouble("score"), 1e-9);   // 60·20/10 + 40·1/2
        assertEquals(132, e.get("R1").getDouble("score"), 1e-9);   // 60·12/10 + 40·3/2
        assertEquals(110, e.get("R4").getDouble("score"), 1e-9);   // 60·5/10 + 40·4/2
        assertEquals(98, e.get("R2").getDouble("score"), 1e-9);    // 60·8/10 + 40·2.5/2
        assertEquals(94, e.get("R5").getDouble("score"), 1e-9);    // 60·9/10 + 40·2/2
        // n = 5: A ≤ ⌈1.25⌉ = 2, B ≤ ⌈3.5⌉ = 4, C ≤ ⌈4.75⌉ = 5
        assertEquals(List.of("A", "A", "B", "B", "C"), run.getJsonArray("entries").stream().map(x -> ((JsonObject) x).getString("class")).toList());
        // rank change against 2023's published run (R4 1, R3 2, R1 3, R2 4, R5 5)
        assertEquals(1, e.get("R3").getInteger("rankChange"));
        assertEquals(-2, e.get("R4").getInteger("rankChange"));
        assertEquals(0, e.get("R5").getInteger("rankChange"));
        JsonArray interval = e.get("R3").getJsonArray("rankInterval");
        assertTrue(interval.getInteger(0) <= 1 && interval.getInteger(1) >= 1);

        Map<String, JsonObject> notRanked = run.getJsonArray("notRanked").stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(x -> x.getString("platform"), x -> x));
        assertEquals("insufficient_coverage", notRanked.get("RL").getString("code"));
        assertEquals(0.5, notRanked.get("RL").getDouble("coverage"), 1e-12);
        assertEquals("closed", notRanked.get("RC").getString("code"));
        assertTrue(notRanked.get("RC").getString("reason").contains("2024-06-30"));
    }

    @Test
    void aPlatformSeesWhyItStandsWhereItStands() {
        // 2024's run is not published yet: the bureau and leaders see it, the platform itself does not.
        assertEquals(404, api.get("/api/v1/me/ranking?scheme=test_flat&year=2024", r1Token).status());
        JsonObject own = api.get("/api/v1/me/ranking?scheme=test_flat", r1Token).json();
        assertEquals(2023, own.getInteger("year"), "a platform's latest year is its latest published one");
        assertTrue(own.getBoolean("published"));
        assertEquals(List.of(2023), own.getJsonArray("history").stream().map(h -> ((JsonObject) h).getInteger("year")).toList());
        Api.Response r = api.get("/api/v1/platforms/R1/ranking?scheme=test_flat&year=2024", leader);
        assertEquals(200, r.status(), r.toString());
        JsonObject me = r.json();
        assertEquals("R1", me.getString("platform"));
        assertEquals("甲区", me.getString("name"));
        assertEquals(2, me.getInteger("rank"));
        assertEquals("A", me.getString("class"));
        JsonArray breakdown = me.getJsonArray("breakdown");
        assertEquals(2, breakdown.size());
        JsonObject tpm = breakdown.getJsonObject(0);
        assertEquals("tax_per_mu", tpm.getString("indicator"));
        assertEquals(12, tpm.getDouble("value"), 1e-9);
        assertEquals(120, tpm.getDouble("normalized"), 1e-9);
        assertEquals(0.6, tpm.getDouble("effectiveWeight"), 1e-12);
        assertEquals(72, tpm.getDouble("contribution"), 1e-9);
        double sum = breakdown.stream().mapToDouble(b -> ((JsonObject) b).getDouble("contribution")).sum();
        assertEquals(me.getDouble("score"), sum, 1e-9);
        JsonObject gap = me.getJsonObject("gapToNext");
        assertEquals("R3", gap.getString("platform"));
        assertEquals(8, gap.getDouble("scoreGap"), 1e-9);
        assertEquals(10 * (120 + 8 / 0.6) / 100, gap.getJsonObject("closingValues").getDouble("tax_per_mu"), 1e-9);
        assertEquals(2 * (150 + 8 / 0.4) / 100, gap.getJsonObject("closingValues").getDouble("rd_intensity"), 1e-9);
        assertEquals(List.of(2023, 2024), me.getJsonArray("history").stream().map(h -> ((JsonObject) h).getInteger("year")).toList());
        assertEquals(3, me.getJsonArray("history").getJsonObject(0).getInteger("rank"));

        JsonObject top = api.get("/api/v1/platforms/R3/ranking?scheme=test_flat&year=2024", leader).json();
        assertNull(top.getValue("gapToNext"), "rank 1 has no gap");
        JsonObject who = api.get("/api/v1/me", r1Token).json();
        assertEquals("platform", who.getString("role"));
        assertEquals("R1", who.getJsonObject("platform").getString("code"));

        JsonObject missing = api.get("/api/v1/platforms/RL/ranking?scheme=test_flat&year=2024", leader).json();
        assertNull(missing.getValue("rank"));
        assertEquals("insufficient_coverage", missing.getJsonObject("notRanked").getString("code"));
        assertEquals(0.5, missing.getJsonObject("notRanked").getDouble("coverage"), 1e-12);
        assertEquals(0, missing.getJsonArray("breakdown").size());
        assertNull(missing.getValue("rankInterval"));

        // The platform answer and the run header describe the same run, timestamps written alike.
        JsonObject header = api.get("/api/v1/rankings/2024/runs/" + run2024, leader).json();
        assertEquals(header.getLong("runId"), me.getLong("runId"));
        assertEquals(header.getString("dataAsOf"), me.getString("dataAsOf"));
        assertEquals(header.getBoolean("published"), me.getBoolean("published"));
        JsonArray interval = me.getJsonArray("rankInterval");
        assertTrue(interval.getInteger(0) <= 2 && 2 <= interval.getInteger(1), interval.encode());
        assertNull(me.getValue("notRanked"), "a ranked platform has no not-ranked reason");

        Api.Response unknown = api.get("/api/v1/platforms/NOPE/ranking?scheme=test_flat", leader);
        assertEquals(404, unknown.status());
        assertTrue(unknown.json().getString("message").contains("NOPE"), unknown.toString());
        Api.Response noYear = api.get("/api/v1/platforms/R1/ranking?scheme=test_flat&year=2001", leader);
        assertEquals(404, noYear.status());
        assertTrue(noYear.json().getString("message").contains("2001"), noYear.toString());
        JsonObject latest = api.get("/api/v1/platforms/R1/ranking?scheme=test_flat", leader).json();
        assertEquals(2024, latest.getInteger("year"), "without a year: the latest year with a year-end run");
    }

    @Test
    void accessRules() {
        assertEquals(403, api.get("/api/v1/platforms/R2/ranking?scheme=test_flat", r1Token).status());
        assertEquals(403, api.get("/api/v1/me/ranking", leader).status(), "only platform tokens have a ranking of their own");
        assertEquals(200, api.get("/api/v1/rankings/2023?scheme=test_flat", r1Token).status(), "a published table is public to every token");
        assertEquals(404, api.get("/api/v1/rankings/2024?scheme=test_flat", r1Token).status(), "a draft is not shown to platforms");
        assertEquals(404, api.get("/api/v1/rankings/2024/runs/" + run2024, r1Token).status(), "not even by its id");
        assertEquals(200, api.get("/api/v1/rankings/2024?scheme=test_flat", leader).status());
        assertEquals(403, api.post("/api/v1/rankings/2024/runs?scheme=test_flat", leader, null, new byte[0]).status());
        assertEquals(403, api.post("/api/v1/rankings/2024/runs/" + run2024 + "/publish", bureau, null, new byte[0]).status());
        assertEquals(403, api.put("/api/v1/schemes/test_flat", bureau, scheme()).status());
        assertEquals(401, api.get("/api/v1/rankings/2024", null).status());
    }

    @Test
    void revisionsMakeANewRunAndThePublishedOneStays() {
        // A year and a scheme of this test's own, so that the publication and the revision change no other
        // test's run: test_flat with benchmarks for 2022 too, and 2022's values copied from 2024, RC (open in
        // 2022) reporting in Q4 as well (score 60·10/10 + 40·1/2 = 80, last of six).
        JsonObject revised = scheme();
        for (Object i : revised.getJsonArray("dimensions").getJsonObject(0).getJsonArray("indicators")) {
            JsonObject benchmarks = ((JsonObject) i).getJsonObject("benchmarks");
            benchmarks.put("2022", benchmarks.getValue("2024"));
        }
        assertEquals(201, api.put("/api/v1/schemes/test_revised", ADMIN, revised).status());
        String y2022 = year2024().replace(rows("RC", "2024Q2", 100, 10, 1, 100), rows("RC", "2024Q4", 100, 10, 1, 100))
                .replace("2024Q4", "2022Q4");
        assertEquals(201, api.feed(bureau, HEADER + y2022, null).status());
        Api.Response first = api.post("/api/v1/rankings/2022/runs?scheme=test_revised", bureau, null, new byte[0]);
        assertEquals(201, first.status(), first.toString());
        long run2022 = first.json().getLong("runId");
        assertEquals(80, byPlatform(first.json()).get("RC").getDouble("score"), 1e-9);
        assertEquals(6, byPlatform(first.json()).get("RC").getInteger("rank"));

        assertEquals(200, api.post("/api/v1/rankings/2022/runs/" + run2022 + "/publish", ADMIN, null, new byte[0]).status());
        assertEquals(201, api.feed(bureau, HEADER + "R5,tax_revenue,2022Q4,2000\n", null).status());   // R5: 60·20/10 + 40 = 160
        JsonObject official = api.get("/api/v1/rankings/2022?scheme=test_revised", leader).json();
        assertEquals(run2022, official.getLong("runId"));
        assertTrue(official.getBoolean("published"));
        assertEquals(5, byPlatform(official).get("R5").getInteger("rank"), "no silent change");

        JsonObject rerun = api.post("/api/v1/rankings/2022/runs?scheme=test_revised", bureau, null, new byte[0]).json();
        assertEquals(1, byPlatform(rerun).get("R5").getInteger("rank"));
        assertEquals(run2022, api.get("/api/v1/rankings/2022?scheme=test_revised", leader).json().getLong("runId"),
                "the table shows the published run until another is published");
        JsonArray runs = api.get("/api/v1/rankings/2022/runs?scheme=test_revised", leader).json().getJsonArray("runs");
        assertEquals(2, runs.size());
        assertEquals(rerun.getLong("runId"), runs.getJsonObject(0).getLong("runId"));
        assertEquals(5, byPlatform(api.get("/api/v1/rankings/2022/runs/" + run2022, leader).json()).get("R5").getInteger("rank"));
    }

    @Test
    void storedRunsCannotBeAltered() throws SQLException {
        // 2023's run, published at the start
        try (Connection c = TestDatabase.connect(service.db); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE ranking_entry SET rank = 1 WHERE run_id = " + run2023));
            assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM ranking_component WHERE run_id = " + run2023));
            assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE ranking_run SET year = 1999 WHERE id = " + run2023));
            assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE ranking_run SET published_at = NULL WHERE id = " + run2023),
                    "a publication cannot be undone");
            assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE ranking_run SET published_at = '2001-01-01' WHERE id = " + run2023),
                    "nor re-dated");
            assertThrows(SQLException.class, () -> s.execute("TRUNCATE ranking_component"));
        }
    }

    @Test
    void provisionalRunsUseYearToDateValuesAndTheMeanAsBenchmark() {
        assertEquals(201, api.feed(bureau, HEADER + rows("R1", "2024Q2", 600, 100, 15, 1000) + rows("R2", "2024Q2", 400, 100, 10, 1000), null).status());
        // 3 of the 7 platforms of Q2 reported: refused without force, computed and marked incomplete with it.
        assertEquals(422, api.post("/api/v1/rankings/2024/runs?scheme=test_flat&quarter=2", bureau, null, new byte[0]).status());
        Api.Response r = api.post("/api/v1/rankings/2024/runs?scheme=test_flat&quarter=2&force=true", bureau, null, new byte[0]);
        assertEquals(201, r.status(), r.toString());
        assertTrue(r.json().getBoolean("incomplete"));
        assertEquals(3.0 / 7, r.json().getDouble("reportingShare"), 1e-12);
        assertEquals(new JsonArray().add("R3").add("R4").add("R5").add("RL"), r.json().getJsonObject("dataQuality").getJsonArray("missing"));
        Map<String, JsonObject> e = byPlatform(r.json());
        // Benchmarks are annual: a provisional run normalises by the population mean. RC (closed at the
        // end of Q2) still belongs to the Q2 population: tpm 6, 4, 10 → mean 20/3; rd 1.5, 1, 1 → mean 7/6.
        assertEquals(0.6 * 100 * 6 / (20 / 3.0) + 0.4 * 100 * 1.5 / (7 / 6.0), e.get("R1").getDouble("score"), 1e-9);
        assertEquals(0.6 * 100 * 4 / (20 / 3.0) + 0.4 * 100 * 1.0 / (7 / 6.0), e.get("R2").getDouble("score"), 1e-9);
        assertEquals(1, e.get("RC").getInteger("rank"));
        assertEquals(3, r.json().getJsonArray("entries").size(), "platforms without Q2 data are not ranked");
        assertEquals(2, r.json().getInteger("quarter"));
        assertEquals(r.json().getLong("runId"), api.get("/api/v1/rankings/2024?scheme=test_flat&quarter=2", leader).json().getLong("runId"));
        Api.Response publish = api.post("/api/v1/rankings/2024/runs/" + r.json().getLong("runId") + "/publish", ADMIN, null, new byte[0]);
        assertEquals(409, publish.status());
        assertEquals("not_year_end", publish.json().getString("error"));
    }

    @Test
    void runsOfUnfinishedPeriodsAndBadParametersAreRefused() {
        Api.Response future = api.post("/api/v1/rankings/2099/runs?scheme=test_flat", bureau, null, new byte[0]);
        assertEquals(422, future.status());
        assertEquals("period_not_ended", future.json().getString("error"));
        assertEquals(404, api.post("/api/v1/rankings/2024/runs?scheme=nope", bureau, null, new byte[0]).status());
        assertEquals(400, api.post("/api/v1/rankings/2024/runs?scheme=test_flat&quarter=5", bureau, null, new byte[0]).status());
        assertEquals(400, api.get("/api/v1/rankings/twenty", leader).status());
        assertEquals(404, api.get("/api/v1/rankings/2020?scheme=test_flat", leader).status());
    }

    @Test
    void schemesAreValidatedAndVersioned() {
        // A scheme of this test's own (a new version of test_flat would change the other tests' runs).
        assertEquals(201, api.put("/api/v1/schemes/test_versioned", ADMIN, scheme()).status());
        JsonObject bad = scheme();
        JsonArray inds = bad.getJsonArray("dimensions").getJsonObject(0).getJsonArray("indicators");
        inds.add(new JsonObject().put("indicator", "gdp").put("weight", 1));
        inds.add(new JsonObject().put("indicator", "land_area").put("weight", 1));
        inds.getJsonObject(0).put("weight", 0);
        bad.put("classes", new JsonObject().put("mode", "percent").put("A", 0.5).put("B", 0.4).put("C", 0.95));
        Api.Response r = api.put("/api/v1/schemes/test_versioned", ADMIN, bad);
        assertEquals(422, r.status(), r.toString());
        List<String> codes = r.json().getJsonArray("errors").stream().map(x -> ((JsonObject) x).getString("code")).toList();
        assertTrue(codes.containsAll(List.of("unknown_indicator", "no_direction", "bad_weight", "bad_classes")), codes.toString());

        Api.Response same = api.put("/api/v1/schemes/test_versioned", ADMIN, scheme());
        assertEquals(200, same.status());
        assertFalse(same.json().getBoolean("changed"));
        assertEquals(1, same.json().getInteger("version"));
        JsonObject changed = scheme();
        changed.getJsonArray("dimensions").getJsonObject(0).getJsonArray("indicators").getJsonObject(0).put("weight", 50);
        Api.Response v2 = api.put("/api/v1/schemes/test_versioned", ADMIN, changed);
        assertEquals(201, v2.status());
        assertEquals(2, v2.json().getInteger("version"));
        JsonObject read = api.get("/api/v1/schemes/test_versioned?version=1", leader).json();
        assertEquals(60, read.getJsonArray("dimensions").getJsonObject(0).getJsonArray("indicators").getJsonObject(0).getDouble("weight"), 0);
        assertEquals(2, read.getJsonArray("versions").size());
        List<String> defaults = api.get("/api/v1/schemes", leader).json().getJsonArray("schemes").stream()
                .map(s -> ((JsonObject) s).getString("code")).toList();
        assertTrue(defaults.containsAll(List.of("mu_benefit", "zone_development", "test_flat", "test_versioned")));
        assertEquals(2, service.scalar("SELECT count(*) FROM audit_log WHERE action = 'scheme.save' AND subject LIKE 'scheme:test_versioned:%'"));
    }
}
