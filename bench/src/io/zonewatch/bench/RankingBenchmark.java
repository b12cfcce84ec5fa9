package io.zonewatch.bench;

import io.zonewatch.ranking.RankingEngine;
import io.zonewatch.ranking.Scheme;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Year-end ranking at national scale: 10,000 platforms × 12 indicators, 500 Monte Carlo runs, for
 * the two normalisations (min_max with winsorisation, benchmark_ratio). Prints the time of each and,
 * as a same-run baseline, the time of the irreducible work: 500 sorts of 10,000 scores.
 * Target: under 3 s per ranking on the 2-core machine.
 */
public final class RankingBenchmark {
    private static final int PLATFORMS = 10_000;
    private static final int INDICATORS = 12;
    private static final int RUNS = 500;
    private static final String[] TYPES = {"etdz", "hitech", "functional_zone", "bonded", "town_park", "other"};

    public static void main(String[] args) {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<RankingEngine.Candidate> population = population();
        Map<String, Boolean> higher = new HashMap<>();
        for (int i = 0; i < INDICATORS; i++) higher.put("i" + i, i % 4 != 3);

        System.out.printf("ranking benchmark: %d platforms x %d indicators, %d Monte Carlo runs, %d cores, %s%n",
                PLATFORMS, INDICATORS, RUNS, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        double baseline = time("baseline: 500 sorts of 10,000 scores", repetitions, RankingBenchmark::baseline);
        for (Scheme.Method method : List.of(Scheme.Method.MIN_MAX, Scheme.Method.BENCHMARK_RATIO)) {
            Scheme scheme = scheme(method);
            int[] ranked = new int[1];
            double t = time("ranking " + method.name().toLowerCase(), repetitions, () -> {
                RankingEngine.Result r = RankingEngine.compute(scheme, 2025, population, higher);
                ranked[0] = r.entries().size();
            });
            System.out.printf("  -> %d ranked; %.2f x baseline; target < 3.000 s: %s%n", ranked[0], t / baseline,
                    t < 3.0 ? "met" : "NOT met");
        }
    }

    /** Median wall time over the repetitions, after one warm-up. */
    private static double time(String label, int repetitions, Runnable work) {
        work.run();
        double[] seconds = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long t0 = System.nanoTime();
            work.run();
            seconds[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        double median = seconds[repetitions / 2];
        System.out.printf("%-40s median %.3f s  (min %.3f, max %.3f, %d runs)%n", label, median, seconds[0],
                seconds[repetitions - 1], repetitions);
        return median;
    }

    private static void baseline() {
        SplittableRandom random = new SplittableRandom(1);
        double[] scores = new double[PLATFORMS];
        for (int r = 0; r < RUNS; r++) {
            for (int p = 0; p < PLATFORMS; p++) scores[p] = random.nextDouble();
            Arrays.sort(scores);
        }
    }

    /** Log-normal values (skewed like real statistics), 3 % missing, a few extreme outliers. */
    private static List<RankingEngine.Candidate> population() {
        SplittableRandom random = new SplittableRandom(20251231);
        List<RankingEngine.Candidate> out = new ArrayList<>(PLATFORMS);
        for (int p = 0; p < PLATFORMS; p++) {
            Map<String, Double> values = new HashMap<>();
            for (int i = 0; i < INDICATORS; i++) {
                double v = Math.exp(random.nextGaussian() * 0.6 + i * 0.1);
                if (random.nextDouble() < 0.002) v *= 50;
                values.put("i" + i, random.nextDouble() < 0.03 ? null : v);
            }
            String code = String.format("P%05d", p);
            out.add(new RankingEngine.Candidate(code, code, TYPES[p % TYPES.length], null, values, null));
        }
        return out;
    }

    private static Scheme scheme(Scheme.Method method) {
        List<Scheme.Dimension> dims = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
            List<Scheme.Member> members = new ArrayList<>();
            for (int i = d * 3; i < d * 3 + 3; i++) members.add(new Scheme.Member("i" + i, 5 + i, null, Map.of()));
            dims.add(new Scheme.Dimension("d" + d, "d" + d, 20 + 5 * d, members));
        }
        return new Scheme("bench", 1, "bench", "bench", method, method != Scheme.Method.BENCHMARK_RATIO, 0.65, null,
                new Scheme.Classes("percent", new BigDecimal("0.25"), new BigDecimal("0.70"), new BigDecimal("0.95")),
                new Scheme.MonteCarlo(RUNS, 20231231, 0.25), dims);
    }
}
