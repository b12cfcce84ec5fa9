package io.zonewatch.ranking;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A ranking scheme (docs/domain.md section 3): indicators grouped into weighted dimensions, a
 * normalisation method, benchmarks, class bands, eligibility and uncertainty settings. Versioned:
 * every change is a new version, and a run records the version it used.
 */
public record Scheme(
        String code,
        int version,
        String name,
        String nameEn,
        Method method,
        boolean winsorize,
        double minCoverage,
        String group,
        Classes classes,
        MonteCarlo monteCarlo,
        List<Dimension> dimensions) {

    public enum Method { BENCHMARK_RATIO, MIN_MAX, Z_SCORE }

    /** One dimension (a flat scheme has one) with its weight W_d and indicators. */
    public record Dimension(String code, String name, double weight, List<Member> indicators) {
    }

    /**
     * An indicator in a dimension: weight w_i, optional cap on the benchmark ratio, and benchmark
     * values per year (benchmark_ratio only; absent years use the population mean).
     */
    public record Member(String indicator, double weight, Double cap, Map<Integer, Double> benchmarks) {
    }

    /**
     * Class assignment. {@code percent}: A if rank ≤ ⌈a·n⌉, B if ≤ ⌈b·n⌉, C if ≤ ⌈c·n⌉, else D (bands as
     * exact decimals, so 0.70 × 20 is 14, not 14.000000000000002). {@code score}: A if score ≥ a, ...
     */
    public record Classes(String mode, BigDecimal a, BigDecimal b, BigDecimal c) {
        public boolean percent() {
            return "percent".equals(mode);
        }
    }

    /** Weight perturbation: each weight × U(1 − spread, 1 + spread), {@code runs} times, seeded. */
    public record MonteCarlo(int runs, long seed, double spread) {
    }

    public List<String> indicatorCodes() {
        return dimensions.stream().flatMap(d -> d.indicators().stream()).map(Member::indicator).toList();
    }
}
