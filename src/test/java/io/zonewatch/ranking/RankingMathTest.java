package io.zonewatch.ranking;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/domain.md section 3 formulas against hand-computed values. */
class RankingMathTest {
    private static final Scheme.Classes PERCENT = new Scheme.Classes("percent",
            new BigDecimal("0.25"), new BigDecimal("0.70"), new BigDecimal("0.95"));
    private static final Scheme.Classes SCORE = new Scheme.Classes("score",
            new BigDecimal("120"), new BigDecimal("90"), new BigDecimal("60"));

    @Test
    void minMaxBothDirectionsAndEqualValues() {
        assertArrayEquals(new double[]{0, 50, 100}, RankingMath.minMax(new double[]{10, 20, 30}, true), 1e-12);
        assertArrayEquals(new double[]{100, 50, 0}, RankingMath.minMax(new double[]{10, 20, 30}, false), 1e-12);
        assertArrayEquals(new double[]{100, 100, 100}, RankingMath.minMax(new double[]{7, 7, 7}, true), 1e-12);
        assertArrayEquals(new double[]{100, 100}, RankingMath.minMax(new double[]{7, 7}, false), 1e-12);
    }

    @Test
    void zScoreUsesThePopulationSd() {
        // mean 2, sd = sqrt(2/3) = 0.816497; z = ∓1.224745
        assertArrayEquals(new double[]{87.752551, 100, 112.247449}, RankingMath.zScore(new double[]{1, 2, 3}, true), 1e-6);
        assertArrayEquals(new double[]{112.247449, 100, 87.752551}, RankingMath.zScore(new double[]{1, 2, 3}, false), 1e-6);
        assertArrayEquals(new double[]{100, 100, 100}, RankingMath.zScore(new double[]{4, 4, 4}, true), 1e-12);
    }

    @Test
    void benchmarkRatio() {
        assertEquals(150, RankingMath.benchmarkRatio(15, 10, true, null), 1e-12);
        assertEquals(120, RankingMath.benchmarkRatio(15, 10, true, 1.2), 1e-12);
        assertEquals(200, RankingMath.benchmarkRatio(5, 10, false, null), 1e-12);   // lower better: b / x
        assertEquals(0, RankingMath.benchmarkRatio(0, 10, false, null), 1e-12);     // x ≤ 0 gives 0
        assertEquals(0, RankingMath.benchmarkRatio(-3, 10, false, null), 1e-12);
        assertEquals(0, RankingMath.benchmarkRatio(-5, 10, true, null), 1e-12);     // floored at 0
    }

    @Test
    void tiesShareTheSmallestRank() {
        int[] order = new int[4];
        assertArrayEquals(new int[]{1, 2, 2, 4}, RankingMath.ranks(new double[]{10, 8, 8 + 5e-10, 5}, order));
        assertArrayEquals(new int[]{0, 2, 1, 3}, order, "best first; equal-looking scores keep their exact order");
        assertArrayEquals(new int[]{2, 1, 3}, RankingMath.ranks(new double[]{5, 9, 5 - 2e-9}, new int[3]), "2e-9 apart is no tie");
        assertArrayEquals(new int[]{1, 1, 1}, RankingMath.ranks(new double[]{3, 3, 3}, new int[3]));
        // Near-ties do not chain: 1.2e-9 below the first of the tie is a new rank.
        assertArrayEquals(new int[]{1, 1, 3}, RankingMath.ranks(new double[]{1, 1 - 0.6e-9, 1 - 1.2e-9}, new int[3]));
    }

    @Test
    void percentBandsAtTheirEdges() {
        assertEquals("A", RankingMath.classOf(PERCENT, 1, 1, 0));
        // n = 4: ⌈1⌉ = 1, ⌈2.8⌉ = 3, ⌈3.8⌉ = 4
        assertEquals("ABBC", classes(4));
        // n = 20: 5, 14, 19 exactly (0.70 × 20 must not become 14.000000000000002)
        String twenty = classes(20);
        assertEquals("AAAAA" + "B".repeat(9) + "CCCCC" + "D", twenty);
        // n = 61: ⌈15.25⌉ = 16, ⌈42.7⌉ = 43, ⌈57.95⌉ = 58
        String sixtyOne = classes(61);
        assertEquals('A', sixtyOne.charAt(15));
        assertEquals('B', sixtyOne.charAt(16));
        assertEquals('B', sixtyOne.charAt(42));
        assertEquals('C', sixtyOne.charAt(43));
        assertEquals('C', sixtyOne.charAt(57));
        assertEquals('D', sixtyOne.charAt(58));
        assertEquals(3, sixtyOne.chars().filter(c -> c == 'D').count());
    }

    private static String classes(int n) {
        StringBuilder s = new StringBuilder();
        for (int rank = 1; rank <= n; rank++) s.append(RankingMath.classOf(PERCENT, rank, n, 0));
        return s.toString();
    }

    @Test
    void scoreThresholds() {
        assertEquals("A", RankingMath.classOf(SCORE, 9, 10, 120));
        assertEquals("B", RankingMath.classOf(SCORE, 1, 10, 119.99));
        assertEquals("C", RankingMath.classOf(SCORE, 1, 10, 60));
        assertEquals("D", RankingMath.classOf(SCORE, 1, 10, 59.999));
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2.5, RankingMath.median(new double[]{10, 1, 3, 2}), 1e-12);
        assertEquals(3, RankingMath.median(new double[]{5, 1, 3}), 1e-12);
    }

    @Test
    void skewnessAndKurtosisAsExcel() {
        // Excel: SKEW(1,2,3,10) = 1.763632615, KURT(1,2,3,10) = 3.228
        assertEquals(1.763632615, RankingMath.skewness(new double[]{1, 2, 3, 10}), 1e-9);
        assertEquals(3.228, RankingMath.kurtosis(new double[]{1, 2, 3, 10}), 1e-9);
    }

    @Test
    void winsorisationStopsWhenTheIndicatorPasses() {
        double[] x = new double[11];
        x[10] = 100;           // skew 3.317, kurt 11: fails; 100 → 0, then all equal: passes
        double[] out = RankingMath.winsorize(x);
        assertArrayEquals(new double[11], out, 0);
    }

    @Test
    void winsorisationStopsAfterFiveChangedValuesEvenIfStillFailing() {
        double[] x = new double[67];
        for (int i = 0; i < 7; i++) x[60 + i] = 10 + i;     // 10..16 on 60 zeros
        double[] out = RankingMath.winsorize(x);
        // 16→15, 15s→14, 14s→13, 13s→12, 12s→11: five values changed, skew still 2.65, kurt 5.19.
        assertArrayEquals(new double[]{10, 11, 11, 11, 11, 11, 11}, java.util.Arrays.copyOfRange(out, 60, 67), 0);
        assertEquals(2.6513, RankingMath.skewness(out), 1e-4);
    }

    @Test
    void winsorisationMovesEveryValueEqualToTheExtreme() {
        double[] x = new double[65];
        double[] tail = {10, 10, 11, 12, 13};
        System.arraycopy(tail, 0, x, 60, 5);
        // 13→12, 12s→11, 11s→10 (3 changed, still failing), then all five 10s → 0: 5 changed, passes.
        assertArrayEquals(new double[65], RankingMath.winsorize(x), 0);
        double[] negative = new double[26];
        java.util.Arrays.fill(negative, 10);
        double[] low = {-500, -400, -300, -200, -100, -50};
        System.arraycopy(low, 0, negative, 20, 6);
        double[] treated = RankingMath.winsorize(negative);
        assertEquals(-400, treated[20], 0, "negative skew: the minimum moves up to the next smallest");
        assertEquals(-400, treated[21], 0);
        assertEquals(-300, treated[22], 0);
    }

    @Test
    void smallPopulationsAreNotTreated() {
        double[] x = {0, 0, 1000};
        assertArrayEquals(x, RankingMath.winsorize(x), 0);
    }

    @Test
    void nearestRankPercentiles() {
        int[] sorted = new int[500];
        for (int i = 0; i < 500; i++) sorted[i] = i + 1;
        assertEquals(25, RankingMath.percentile(sorted, 0.05));
        assertEquals(475, RankingMath.percentile(sorted, 0.95));
    }
}
