package io.zonewatch.ranking;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/** The formulas of docs/domain.md section 3, steps 4–9, as small pure functions. */
public final class RankingMath {
    /** Scores closer than this share a rank. */
    public static final double TIE = 1e-9;

    private RankingMath() {
    }

    /** Median of the values (mean of the two middle ones for an even count); NaN when empty. */
    public static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    public static double mean(double[] x) {
        double sum = 0;
        for (double v : x) sum += v;
        return sum / x.length;
    }

    /** Population standard deviation (divisor n), as the z-score normalisation uses. */
    public static double sd(double[] x) {
        double m = mean(x);
        double ss = 0;
        for (double v : x) ss += (v - m) * (v - m);
        return Math.sqrt(ss / x.length);
    }

    /** Sample skewness as Excel's SKEW (e1071 type 2); 0 when all values are equal. */
    public static double skewness(double[] x) {
        int n = x.length;
        double m = mean(x);
        double s2 = 0, s3 = 0;
        for (double v : x) {
            double d = v - m;
            s2 += d * d;
            s3 += d * d * d;
        }
        if (s2 == 0) return 0;
        return Math.sqrt(n) * s3 / Math.pow(s2, 1.5) * Math.sqrt((double) n * (n - 1)) / (n - 2);
    }

    /** Sample excess kurtosis as Excel's KURT (e1071 type 2); 0 when all values are equal. */
    public static double kurtosis(double[] x) {
        int n = x.length;
        double m = mean(x);
        double s2 = 0, s4 = 0;
        for (double v : x) {
            double d = v - m;
            s2 += d * d;
            s4 += d * d * d * d;
        }
        if (s2 == 0) return 0;
        double r = n * s4 / (s2 * s2);
        return ((n + 1) * (r - 3) + 6) * (n - 1) / ((double) (n - 2) * (n - 3));
    }

    /**
     * Outlier treatment as COIN/COINr do it: while the indicator fails (|skew| ≥ 2 and kurt ≥ 3.5)
     * and fewer than 5 values differ from their originals, every value equal to the maximum (skew ≥ 0)
     * is set to the largest remaining value, or every minimum to the smallest remaining one.
     * Populations under 4 are not treated. Returns the treated copy; compare with the input for flags.
     */
    public static double[] winsorize(double[] original) {
        double[] x = original.clone();
        int n = x.length;
        if (n < 4) return x;
        while (true) {
            double skew = skewness(x);
            double kurt = kurtosis(x);
            if (Math.abs(skew) < 2 || kurt < 3.5) return x;
            int changed = 0;
            for (int i = 0; i < n; i++) if (x[i] != original[i]) changed++;
            if (changed >= 5) return x;
            boolean high = skew >= 0;
            double extreme = high ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (double v : x) extreme = high ? Math.max(extreme, v) : Math.min(extreme, v);
            double next = high ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (double v : x) {
                if (v != extreme) next = high ? Math.max(next, v) : Math.min(next, v);
            }
            if (Double.isInfinite(next)) return x;
            for (int i = 0; i < n; i++) if (x[i] == extreme) x[i] = next;
        }
    }

    /** Benchmark ratio: r = x/b (higher better) or b/x (lower better, x ≤ 0 gives 0), floored at 0, capped; n = 100r. */
    public static double benchmarkRatio(double x, double benchmark, boolean higherBetter, Double cap) {
        double r;
        if (higherBetter) {
            r = benchmark > 0 ? x / benchmark : 0;
        } else {
            r = x <= 0 ? 0 : benchmark / x;
        }
        r = Math.max(r, 0);
        if (cap != null) r = Math.min(r, cap);
        return 100 * r;
    }

    public static double[] minMax(double[] x, boolean higherBetter) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = max == min ? 100 : 100 * (higherBetter ? x[i] - min : max - x[i]) / (max - min);
        }
        return out;
    }

    public static double[] zScore(double[] x, boolean higherBetter) {
        double m = mean(x);
        double sd = sd(x);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double z = sd == 0 ? 0 : (x[i] - m) / sd;
            out[i] = 100 + 10 * (higherBetter ? z : -z);
        }
        return out;
    }

    /**
     * Competition ranks (1, 2, 2, 4) in descending score order; a score within {@link #TIE} of the
     * first score of the current tie shares its rank (compared with the first, so near-ties do not
     * chain down a long run of scores). {@code order} receives the indices best first.
     */
    public static int[] ranks(double[] score, int[] order) {
        IndexSort.descending(score, order);
        int[] rank = new int[score.length];
        int head = -1;
        for (int pos = 0; pos < order.length; pos++) {
            int p = order[pos];
            if (head >= 0 && score[head] - score[p] <= TIE) {
                rank[p] = rank[head];
            } else {
                rank[p] = pos + 1;
                head = p;
            }
        }
        return rank;
    }

    /** ⌈band · n⌉ computed exactly. */
    public static int bandLimit(BigDecimal band, int n) {
        return band.multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.CEILING).intValueExact();
    }

    public static String classOf(Scheme.Classes classes, int rank, int n, double score) {
        if (classes.percent()) {
            if (rank <= bandLimit(classes.a(), n)) return "A";
            if (rank <= bandLimit(classes.b(), n)) return "B";
            if (rank <= bandLimit(classes.c(), n)) return "C";
            return "D";
        }
        if (score >= classes.a().doubleValue()) return "A";
        if (score >= classes.b().doubleValue()) return "B";
        if (score >= classes.c().doubleValue()) return "C";
        return "D";
    }

    /** Nearest-rank percentile of sorted values: the ⌈p·N⌉-th smallest. */
    public static int percentile(int[] sorted, double p) {
        int k = (int) Math.ceil(p * sorted.length - 1e-9);
        return sorted[Math.max(0, Math.min(sorted.length - 1, k - 1))];
    }
}
