package io.zonewatch.ranking;

import io.zonewatch.ranking.RankingEngine.Candidate;
import io.zonewatch.ranking.RankingEngine.Entry;
import io.zonewatch.ranking.RankingEngine.Result;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's steps 3–11 on small populations computed by hand. */
class RankingEngineTest {
    private static final Scheme.Classes PERCENT = new Scheme.Classes("percent",
            new BigDecimal("0.25"), new BigDecimal("0.70"), new BigDecimal("0.95"));
    private static final Scheme.MonteCarlo MC = new Scheme.MonteCarlo(200, 42, 0.25);
    private static final Map<String, Boolean> HIGHER = Map.of("a", true, "b", true, "c", true, "e", false);

    private static Scheme scheme(Scheme.Method method, boolean winsorize, double minCoverage, List<Scheme.Dimension> dims) {
        return new Scheme("t", 1, "测试", "test", method, winsorize, minCoverage, null, PERCENT, MC, dims);
    }

    private static Scheme.Member m(String code, double w, Map<Integer, Double> benchmarks) {
        return new Scheme.Member(code, w, null, benchmarks);
    }

    private static Candidate c(String code, String type, Object... kv) {
        Map<String, Double> values = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) values.put((String) kv[i], kv[i + 1] == null ? null : ((Number) kv[i + 1]).doubleValue());
        return new Candidate(code, code, type, null, values, null);
    }

    private static Entry entry(Result r, String platform) {
        return r.entries().stream().filter(e -> e.platform().equals(platform)).findFirst().orElseThrow();
    }

    @Test
    void benchmarkRatioReproducesThePublishedFormula() {
        // score = Σ w·x/b with weights summing to 100 and configured benchmarks (b_a = 10, b_b = 4, b_c = 200)
        Scheme s = scheme(Scheme.Method.BENCHMARK_RATIO, false, 0.65, List.of(new Scheme.Dimension("all", "综合", 100,
                List.of(m("a", 50, Map.of(2024, 10.0)), m("b", 30, Map.of(2024, 4.0)), m("c", 20, Map.of(2024, 200.0))))));
        Result r = RankingEngine.compute(s, 2024, List.of(
                c("P1", "etdz", "a", 12, "b", 4, "c", 100),
                c("P2", "etdz", "a", 8, "b", 6, "c", 300),
                c("P3", "etdz", "a", 10, "b", 2, "c", 200)), HIGHER);
        assertEquals(50 * 12 / 10.0 + 30 * 4 / 4.0 + 20 * 100 / 200.0, entry(r, "P1").score(), 1e-9);   // 100
        assertEquals(50 * 8 / 10.0 + 30 * 6 / 4.0 + 20 * 300 / 200.0, entry(r, "P2").score(), 1e-9);   // 115
        assertEquals(50 * 10 / 10.0 + 30 * 2 / 4.0 + 20 * 200 / 200.0, entry(r, "P3").score(), 1e-9);  // 85
        assertEquals(List.of("P2", "P1", "P3"), r.entries().stream().map(Entry::platform).toList());
        assertEquals(List.of(1, 2, 3), r.entries().stream().map(Entry::rank).toList());
        // n = 3: A if rank ≤ 1, B if ≤ 3 (⌈2.1⌉)
        assertEquals(List.of("A", "B", "B"), r.entries().stream().map(Entry::cls).toList());

        Entry p1 = entry(r, "P1");
        assertEquals(p1.score(), p1.components().stream().mapToDouble(RankingEngine.Component::contribution).sum(), 1e-9);
        assertEquals(0.5, p1.components().get(0).effectiveWeight(), 1e-12);
        assertEquals(120, p1.components().get(0).normalized(), 1e-9);
        // Gap to P2 is 15 points; alone, a would need +15 / 0.5 = 30 normalised points: x = 150 × 10 / 100 = 15.
        assertEquals("P2", p1.gap().platform());
        assertEquals(15, p1.gap().scoreGap(), 1e-9);
        assertEquals(15, p1.gap().closingValues().get("a"), 1e-9);
        assertEquals(4 + 15 / 0.3 * 4 / 100, p1.gap().closingValues().get("b"), 1e-9);
        assertEquals(100 + 15 / 0.2 * 200 / 100, p1.gap().closingValues().get("c"), 1e-9);
        assertNull(entry(r, "P2").gap(), "rank 1 has no gap");
    }

    @Test
    void withoutConfiguredBenchmarksTheMeanIsTheBenchmark() {
        Scheme s = scheme(Scheme.Method.BENCHMARK_RATIO, false, 0.65, List.of(new Scheme.Dimension("all", "综合", 1,
                List.of(m("a", 1, Map.of()), m("e", 1, Map.of())))));
        Result r = RankingEngine.compute(s, 2024, List.of(c("P1", "x", "a", 10, "e", 1), c("P2", "x", "a", 30, "e", 4)), HIGHER);
        // a: mean 20 → 50, 150; e (lower better): mean 2.5 → 250, 62.5. Scores (equal weights): 150, 106.25
        assertEquals(150, entry(r, "P1").score(), 1e-9);
        assertEquals(106.25, entry(r, "P2").score(), 1e-9);
    }

    @Test
    void imputationUsesTheMedianOfTheSameTypeWithEvenCounts() {
        Scheme s = scheme(Scheme.Method.MIN_MAX, false, 0.5, List.of(new Scheme.Dimension("all", "综合", 1,
                List.of(m("a", 1, null), m("b", 1, null)))));
        List<Candidate> pop = List.of(
                c("E1", "etdz", "a", 1, "b", 1), c("E2", "etdz", "a", 2, "b", 1), c("E3", "etdz", "a", 3, "b", 1),
                c("E4", "etdz", "a", 10, "b", 1), c("E5", "etdz", "a", null, "b", 1),
                c("H1", "hitech", "a", 100, "b", 1), c("Z1", "bonded", "a", 7, "b", 2), c("Z2", "other", "a", 9, "b", null));
        Result r = RankingEngine.compute(s, 2024, pop, HIGHER);
        RankingEngine.Component e5a = entry(r, "E5").components().get(0);
        assertTrue(e5a.imputed());
        assertNull(e5a.raw());
        assertEquals(2.5, e5a.value(), 1e-12, "median of 1, 2, 3, 10 (etdz only, not H1's 100)");
        RankingEngine.Component z2b = entry(r, "Z2").components().get(1);
        assertTrue(z2b.imputed());
        assertEquals(1, z2b.value(), 1e-12, "no other 'other' platform: median over all eligible (1,1,1,1,1,1,2)");
        assertFalse(entry(r, "E1").components().get(0).imputed());
    }

    @Test
    void coverageExactlyAtTheMinimumIsRanked() {
        List<Scheme.Member> twenty = new ArrayList<>();
        Map<String, Boolean> higher = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            twenty.add(m("i" + i, 1, null));
            higher.put("i" + i, true);
        }
        Scheme s = scheme(Scheme.Method.MIN_MAX, false, 0.65, List.of(new Scheme.Dimension("all", "综合", 1, twenty)));
        Candidate full = c("FULL", "x");
        Candidate thirteen = c("C13", "x");
        Candidate twelve = c("C12", "x");
        for (int i = 0; i < 20; i++) {
            full.values().put("i" + i, 5.0);
            thirteen.values().put("i" + i, i < 13 ? 3.0 : null);
            twelve.values().put("i" + i, i < 12 ? 4.0 : null);
        }
        Result r = RankingEngine.compute(s, 2024, List.of(full, thirteen, twelve), higher);
        assertEquals(List.of("FULL", "C13"), r.entries().stream().map(Entry::platform).toList());
        assertEquals(1, r.notRanked().size());
        assertEquals("C12", r.notRanked().get(0).platform());
        assertEquals("insufficient_coverage", r.notRanked().get(0).reason());
        assertEquals(0.60, r.notRanked().get(0).coverage(), 1e-12);
    }

    @Test
    void aClosedPlatformIsListedAsNotRankedWithTheReason() {
        Scheme s = scheme(Scheme.Method.MIN_MAX, false, 0.65, List.of(new Scheme.Dimension("all", "综合", 1, List.of(m("a", 1, null)))));
        Candidate closed = new Candidate("OLD", "旧园区", "etdz", null, Map.of("a", 5.0), "2024-06-30 撤并 / closed 2024-06-30");
        Result r = RankingEngine.compute(s, 2024, List.of(c("P1", "etdz", "a", 1), closed), HIGHER);
        assertEquals(1, r.entries().size());
        assertEquals("closed", r.notRanked().get(0).reason());
        assertTrue(r.notRanked().get(0).message().contains("2024-06-30"));
    }

    @Test
    void lowerIsBetterAndEqualValuesUnderMinMax() {
        Scheme s = scheme(Scheme.Method.MIN_MAX, false, 0.65, List.of(new Scheme.Dimension("all", "综合", 1,
                List.of(m("e", 1, null), m("b", 1, null)))));
        Result r = RankingEngine.compute(s, 2024, List.of(c("LOW", "x", "e", 1, "b", 7), c("MID", "x", "e", 2, "b", 7),
                c("HIGH", "x", "e", 5, "b", 7)), HIGHER);
        // e lower better: 100, 75, 0; b all equal: 100 each. Scores: 100, 87.5, 50
        assertEquals(100, entry(r, "LOW").score(), 1e-9);
        assertEquals(87.5, entry(r, "MID").score(), 1e-9);
        assertEquals(50, entry(r, "HIGH").score(), 1e-9);
        assertNull(entry(r, "HIGH").gap().closingValues().get("b"), "max = min: no value closes the gap");
        // MID needs +12.5 points, e alone: normalised 75 + 25 = 100 → e = max − 100% × span = 1
        assertEquals(1, entry(r, "MID").gap().closingValues().get("e"), 1e-9);
    }

    @Test
    void dimensionsAreWeightedAverages() {
        Scheme s = scheme(Scheme.Method.MIN_MAX, false, 0.65, List.of(
                new Scheme.Dimension("q", "质量", 60, List.of(m("a", 1, null), m("b", 3, null))),
                new Scheme.Dimension("g", "绿色", 40, List.of(m("e", 1, null)))));
        Result r = RankingEngine.compute(s, 2024, List.of(c("P1", "x", "a", 0, "b", 10, "e", 0),
                c("P2", "x", "a", 10, "b", 0, "e", 10)), HIGHER);
        // P1: S_q = (1·0 + 3·100)/4 = 75, S_g = 100 → 0.6·75 + 0.4·100 = 85. P2: S_q = 25, S_g = 0 → 15
        Entry p1 = entry(r, "P1");
        assertEquals(85, p1.score(), 1e-9);
        assertEquals(75, p1.dimensionScores().get("q"), 1e-9);
        assertEquals(15, entry(r, "P2").score(), 1e-9);
        assertEquals(0.45, p1.components().get(1).effectiveWeight(), 1e-12);
    }

    @Test
    void winsorisedValuesAreFlaggedAsTreated() {
        Scheme s = scheme(Scheme.Method.MIN_MAX, true, 0.65, List.of(new Scheme.Dimension("all", "综合", 1, List.of(m("a", 1, null)))));
        List<Candidate> pop = new ArrayList<>();
        for (int i = 0; i < 10; i++) pop.add(c("P" + i, "x", "a", i % 2));
        pop.add(c("OUT", "x", "a", 1000));
        Result r = RankingEngine.compute(s, 2024, pop, HIGHER);
        RankingEngine.Component out = entry(r, "OUT").components().get(0);
        assertTrue(out.treated());
        assertEquals(1000, out.raw(), 0);
        assertEquals(1, out.value(), 0);
        assertFalse(entry(r, "P1").components().get(0).treated());
        assertEquals(1, entry(r, "OUT").rank(), "1000 became 1: tied at the top with the other 1s");
        assertEquals(1, entry(r, "P1").rank());
    }

    @Test
    void monteCarloIsSeededAndIntervalsBracketTheMedian() {
        Scheme s = scheme(Scheme.Method.MIN_MAX, false, 0.65, List.of(new Scheme.Dimension("all", "综合", 1,
                List.of(m("a", 1, null), m("b", 1, null)))));
        List<Candidate> pop = List.of(c("TOP", "x", "a", 100, "b", 100), c("X", "x", "a", 60, "b", 40),
                c("Y", "x", "a", 40, "b", 60), c("LAST", "x", "a", 0, "b", 0));
        Result r1 = RankingEngine.compute(s, 2024, pop, HIGHER);
        Result r2 = RankingEngine.compute(s, 2024, pop, HIGHER);
        assertEquals(r1.entries(), r2.entries(), "same seed, same numbers");
        Entry top = entry(r1, "TOP");
        assertEquals(1, top.rankLow());
        assertEquals(1, top.rankHigh());
        Entry x = entry(r1, "X");
        assertEquals(2, x.rank(), "X and Y tie at 50: both rank 2");
        assertEquals(2, entry(r1, "Y").rank());
        assertEquals(2, x.rankLow());
        assertEquals(3, x.rankHigh(), "weights perturbed: X and Y swap places");
        assertTrue(x.medianRank() >= 2 && x.medianRank() <= 3);
        assertEquals(4, entry(r1, "LAST").rankLow());
    }
}
