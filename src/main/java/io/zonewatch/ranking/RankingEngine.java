package io.zonewatch.ranking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Steps 3–11 of docs/domain.md section 3 over values already reduced to one number per platform and
 * indicator (step 2): eligibility, imputation, outlier treatment, normalisation, aggregation, ranks,
 * classes, Monte Carlo rank intervals and explanations. Pure and CPU-bound: call it off the event loop.
 */
public final class RankingEngine {

    /**
     * A platform of the population with its values (null = missing) for the scheme's indicators.
     * {@code held}: indicators whose value the data-quality gate held (docs/domain.md section 4), with the id of
     * the warning that held it; their value is null here, so they count as missing. {@code outliers}:
     * indicators with an open peer_outlier warning, with its id (said in the breakdown, not treated).
     */
    public record Candidate(String platform, String name, String type, String groupValue,
                            Map<String, Double> values, String exclusion, Map<String, Long> held, Map<String, Long> outliers) {
        public Candidate(String platform, String name, String type, String groupValue, Map<String, Double> values, String exclusion) {
            this(platform, name, type, groupValue, values, exclusion, Map.of(), Map.of());
        }
    }

    /** One breakdown item: the indicator's value and every flag of what happened to it. */
    public record Component(String indicator, String dimension, Double raw, double value, boolean imputed,
                            boolean treated, double normalized, double weight, double effectiveWeight,
                            double contribution, Long heldBy, boolean capped, Long outlierAlert) {
        public boolean held() {
            return heldBy != null;
        }
    }

    public record Gap(String platform, double scoreGap, Map<String, Double> closingValues) {
    }

    public record Entry(String platform, String name, String group, int rank, double score, String cls,
                        int rankLow, int rankHigh, double medianRank, Map<String, Double> dimensionScores,
                        List<Component> components, Gap gap) {
    }

    public record NotRanked(String platform, String name, String group, String reason, String message, double coverage) {
    }

    public record Result(List<Entry> entries, List<NotRanked> notRanked, List<String> warnings) {
    }

    /** Normalisation parameters of one indicator in one group, kept to invert it for closing values. */
    private record Norm(double benchmark, double min, double max, double mean, double sd, Double cap) {
    }

    private RankingEngine() {
    }

    /**
     * @param higherBetter per indicator code: true when higher values are better
     * @param year         the benchmark year (null for provisional runs: benchmarks are annual, so a
     *                     year-to-date run normalises against the population mean instead)
     */
    public static Result compute(Scheme scheme, Integer year, List<Candidate> candidates, Map<String, Boolean> higherBetter) {
        Map<String, List<Candidate>> groups = new TreeMap<>();
        for (Candidate c : candidates) groups.computeIfAbsent(c.groupValue() == null ? "" : c.groupValue(), k -> new ArrayList<>()).add(c);
        List<Entry> entries = new ArrayList<>();
        List<NotRanked> notRanked = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (List<Candidate> group : groups.values()) {
            computeGroup(scheme, year, group, higherBetter, entries, notRanked, warnings);
        }
        return new Result(entries, notRanked, warnings);
    }

    private static void computeGroup(Scheme scheme, Integer year, List<Candidate> population, Map<String, Boolean> higherBetter,
                                     List<Entry> entries, List<NotRanked> notRanked, List<String> warnings) {
        List<Scheme.Member> members = new ArrayList<>();
        List<String> memberDimension = new ArrayList<>();
        for (Scheme.Dimension d : scheme.dimensions()) {
            for (Scheme.Member m : d.indicators()) {
                members.add(m);
                memberDimension.add(d.code());
            }
        }
        int k = members.size();

        // Step 3: eligibility.
        List<Candidate> eligible = new ArrayList<>();
        for (Candidate c : population) {
            int present = 0;
            for (Scheme.Member m : members) if (c.values().get(m.indicator()) != null) present++;
            double coverage = (double) present / k;
            if (c.exclusion() != null) {
                notRanked.add(new NotRanked(c.platform(), c.name(), c.groupValue(), "closed", c.exclusion(), coverage));
            } else if (coverage + 1e-12 < scheme.minCoverage()) {
                long held = members.stream().filter(m -> c.held().containsKey(m.indicator())).count();
                String heldZh = held == 0 ? "" : String.format("，其中 %d 项因数据疑点暂不采用", held);
                String heldEn = held == 0 ? "" : String.format("; %d held for a suspected data error", held);
                notRanked.add(new NotRanked(c.platform(), c.name(), c.groupValue(), "insufficient_coverage",
                        String.format("指标覆盖率 %.2f 低于 %.2f（%d/%d 项有数据%s）/ coverage %.2f below %.2f (%d of %d indicators%s)",
                                coverage, scheme.minCoverage(), present, k, heldZh, coverage, scheme.minCoverage(), present, k, heldEn),
                        coverage));
            } else {
                eligible.add(c);
            }
        }
        int n = eligible.size();
        if (n == 0) return;

        // Step 4: imputation by the median of the same type, else of all eligible platforms.
        double[][] raw = new double[k][n];
        double[][] value = new double[k][n];
        boolean[][] imputed = new boolean[k][n];
        boolean[] dropped = new boolean[k];
        for (int i = 0; i < k; i++) {
            String code = members.get(i).indicator();
            Map<String, List<Double>> byType = new HashMap<>();
            List<Double> all = new ArrayList<>();
            for (Candidate c : eligible) {
                Double v = c.values().get(code);
                if (v != null) {
                    byType.computeIfAbsent(c.type(), t -> new ArrayList<>()).add(v);
                    all.add(v);
                }
            }
            if (all.isEmpty()) {
                dropped[i] = true;
                warnings.add("indicator " + code + " has no value for any eligible platform and was left out");
                continue;
            }
            for (int p = 0; p < n; p++) {
                Candidate c = eligible.get(p);
                Double v = c.values().get(code);
                if (v != null) {
                    raw[i][p] = v;
                    value[i][p] = v;
                } else {
                    List<Double> peers = byType.getOrDefault(c.type(), all);
                    raw[i][p] = Double.NaN;
                    value[i][p] = RankingMath.median(peers.stream().mapToDouble(Double::doubleValue).toArray());
                    imputed[i][p] = true;
                }
            }
        }

        // Step 5: outlier treatment (min_max and z_score only).
        boolean[][] treated = new boolean[k][n];
        if (scheme.winsorize() && scheme.method() != Scheme.Method.BENCHMARK_RATIO) {
            for (int i = 0; i < k; i++) {
                if (dropped[i]) continue;
                double[] w = RankingMath.winsorize(value[i]);
                for (int p = 0; p < n; p++) treated[i][p] = w[p] != value[i][p];
                value[i] = w;
            }
        }

        // Step 6: normalisation.
        double[][] norm = new double[k][n];
        boolean[][] capped = new boolean[k][n];
        Norm[] params = new Norm[k];
        for (int i = 0; i < k; i++) {
            if (dropped[i]) continue;
            Scheme.Member m = members.get(i);
            boolean higher = higherBetter.getOrDefault(m.indicator(), true);
            double[] x = value[i];
            double min = Arrays.stream(x).min().orElse(0), max = Arrays.stream(x).max().orElse(0);
            double mean = RankingMath.mean(x), sd = RankingMath.sd(x);
            switch (scheme.method()) {
                case BENCHMARK_RATIO -> {
                    Double configured = year == null || m.benchmarks() == null ? null : m.benchmarks().get(year);
                    double b = configured != null ? configured : mean;
                    for (int p = 0; p < n; p++) {
                        norm[i][p] = RankingMath.benchmarkRatio(x[p], b, higher, m.cap());
                        capped[i][p] = m.cap() != null && RankingMath.benchmarkRatio(x[p], b, higher, null) > norm[i][p];
                    }
                    params[i] = new Norm(b, min, max, mean, sd, m.cap());
                }
                case MIN_MAX -> {
                    norm[i] = RankingMath.minMax(x, higher);
                    params[i] = new Norm(Double.NaN, min, max, mean, sd, null);
                }
                case Z_SCORE -> {
                    norm[i] = RankingMath.zScore(x, higher);
                    params[i] = new Norm(Double.NaN, min, max, mean, sd, null);
                }
            }
        }

        // Step 7: aggregation through effective weights e_i = (W_d / ΣW)(w_i / Σw_d).
        double[] weights = new double[k];
        for (int i = 0; i < k; i++) weights[i] = dropped[i] ? 0 : members.get(i).weight();
        double[] dimWeights = scheme.dimensions().stream().mapToDouble(Scheme.Dimension::weight).toArray();
        int[] dimOf = dimensionIndex(scheme, k);
        double[] effective = effectiveWeights(weights, dimWeights, dimOf);
        double[] score = scores(norm, effective, n);

        // Steps 8–9: ranks and classes.
        int[] order = new int[n];
        int[] rank = RankingMath.ranks(score, order);
        String[] cls = new String[n];
        for (int p = 0; p < n; p++) cls[p] = RankingMath.classOf(scheme.classes(), rank[p], n, score[p]);

        // Step 10: Monte Carlo over perturbed weights, normalised values kept.
        int runs = scheme.monteCarlo().runs();
        int[][] samples = new int[n][runs];
        SplittableRandom random = new SplittableRandom(scheme.monteCarlo().seed());
        double spread = scheme.monteCarlo().spread();
        double[] w = new double[k];
        double[] wd = new double[dimWeights.length];
        int[] mcOrder = new int[n];
        for (int r = 0; r < runs; r++) {
            for (int d = 0; d < wd.length; d++) wd[d] = dimWeights[d] * (1 - spread + 2 * spread * random.nextDouble());
            for (int i = 0; i < k; i++) w[i] = weights[i] * (1 - spread + 2 * spread * random.nextDouble());
            double[] s = scores(norm, effectiveWeights(w, wd, dimOf), n);
            int[] rr = RankingMath.ranks(s, mcOrder);
            for (int p = 0; p < n; p++) samples[p][r] = rr[p];
        }

        // Step 11: explanations, gap to the next better platform and the values that would close it.
        for (int pos = 0; pos < n; pos++) {
            int p = order[pos];
            int[] sample = samples[p];
            Arrays.sort(sample);
            double median = runs == 0 ? rank[p] : (runs % 2 == 1 ? sample[runs / 2] : (sample[runs / 2 - 1] + sample[runs / 2]) / 2.0);
            int lo = runs == 0 ? rank[p] : RankingMath.percentile(sample, 0.05);
            int hi = runs == 0 ? rank[p] : RankingMath.percentile(sample, 0.95);

            List<Component> components = new ArrayList<>();
            Map<String, Double> dimensionScores = new LinkedHashMap<>();
            for (int d = 0; d < scheme.dimensions().size(); d++) {
                double num = 0, den = 0;
                for (int i = 0; i < k; i++) {
                    if (dimOf[i] == d && weights[i] > 0) {
                        num += weights[i] * norm[i][p];
                        den += weights[i];
                    }
                }
                if (den > 0) dimensionScores.put(scheme.dimensions().get(d).code(), num / den);
            }
            for (int i = 0; i < k; i++) {
                Scheme.Member m = members.get(i);
                components.add(new Component(m.indicator(), memberDimension.get(i),
                        dropped[i] || imputed[i][p] ? null : raw[i][p], dropped[i] ? Double.NaN : value[i][p],
                        !dropped[i] && imputed[i][p], !dropped[i] && treated[i][p], dropped[i] ? 0 : norm[i][p],
                        m.weight(), effective[i], effective[i] * (dropped[i] ? 0 : norm[i][p]),
                        eligible.get(p).held().get(m.indicator()), !dropped[i] && capped[i][p],
                        eligible.get(p).outliers().get(m.indicator())));
            }
            Gap gap = null;
            int above = pos - 1;
            while (above >= 0 && score[order[above]] - score[p] <= RankingMath.TIE) above--;
            if (above >= 0) {
                int q = order[above];
                double diff = score[q] - score[p];
                Map<String, Double> closing = new LinkedHashMap<>();
                for (int i = 0; i < k; i++) {
                    closing.put(members.get(i).indicator(), dropped[i] ? null
                            : closingValue(scheme.method(), params[i], higherBetter.getOrDefault(members.get(i).indicator(), true),
                            norm[i][p], effective[i], diff));
                }
                gap = new Gap(eligible.get(q).platform(), diff, closing);
            }
            Candidate c = eligible.get(p);
            entries.add(new Entry(c.platform(), c.name(), c.groupValue(), rank[p], score[p], cls[p], lo, hi, median,
                    dimensionScores, components, gap));
        }
    }

    /**
     * The raw value that alone lifts the score by {@code gap}, with the other platforms and the
     * normalisation parameters held fixed; null when no value can (a cap, a min-max ceiling of 100,
     * a zero spread or weight).
     */
    static Double closingValue(Scheme.Method method, Norm nm, boolean higher, double current, double effectiveWeight, double gap) {
        if (effectiveWeight <= 0) return null;
        double target = current + gap / effectiveWeight;
        switch (method) {
            case BENCHMARK_RATIO -> {
                if (nm.cap() != null && target > 100 * nm.cap() + 1e-9) return null;
                if (nm.benchmark() <= 0) return null;
                return higher ? target * nm.benchmark() / 100 : 100 * nm.benchmark() / target;
            }
            case MIN_MAX -> {
                if (target > 100 + 1e-9 || nm.max() == nm.min()) return null;
                double span = nm.max() - nm.min();
                return higher ? nm.min() + target * span / 100 : nm.max() - target * span / 100;
            }
            default -> {
                if (nm.sd() == 0) return null;
                double z = (target - 100) / 10;
                return higher ? nm.mean() + z * nm.sd() : nm.mean() - z * nm.sd();
            }
        }
    }

    private static int[] dimensionIndex(Scheme scheme, int k) {
        int[] dimOf = new int[k];
        int i = 0;
        for (int d = 0; d < scheme.dimensions().size(); d++) {
            for (int j = 0; j < scheme.dimensions().get(d).indicators().size(); j++) dimOf[i++] = d;
        }
        return dimOf;
    }

    /** e_i = (W_d / Σ W over dimensions with weight) × (w_i / Σ w in d); dimensions without weight drop out. */
    static double[] effectiveWeights(double[] w, double[] wd, int[] dimOf) {
        double[] dimSum = new double[wd.length];
        for (int i = 0; i < w.length; i++) dimSum[dimOf[i]] += w[i];
        double total = 0;
        for (int d = 0; d < wd.length; d++) if (dimSum[d] > 0) total += wd[d];
        double[] e = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            e[i] = dimSum[dimOf[i]] > 0 && total > 0 ? wd[dimOf[i]] / total * w[i] / dimSum[dimOf[i]] : 0;
        }
        return e;
    }

    private static double[] scores(double[][] norm, double[] effective, int n) {
        double[] s = new double[n];
        for (int i = 0; i < effective.length; i++) {
            double e = effective[i];
            if (e == 0) continue;
            double[] col = norm[i];
            for (int p = 0; p < n; p++) s[p] += e * col[p];
        }
        return s;
    }
}
