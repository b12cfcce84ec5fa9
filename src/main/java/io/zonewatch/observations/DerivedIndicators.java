package io.zonewatch.observations;

import io.zonewatch.catalog.Indicator;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Computes derived indicators (docs/domain.md section 2) from base values of the same quarter: a ratio of
 * two indicators times a constant, or year-on-year growth of same-quarter YTD values. A derived
 * value is missing when an input is missing or its denominator is not positive.
 */
public final class DerivedIndicators {
    /** 16 significant digits: beyond what any input statistic carries. */
    public static final MathContext PRECISION = MathContext.DECIMAL64;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private DerivedIndicators() {
    }

    /**
     * @param base per base indicator code, its values by period (one platform)
     * @return the derived indicator's values by period
     */
    public static NavigableMap<Period, ObservationValue> compute(Indicator derived, Map<String, ? extends Map<Period, ObservationValue>> base) {
        NavigableMap<Period, ObservationValue> out = new TreeMap<>();
        if (derived.formula() == Indicator.Formula.RATIO) {
            Map<Period, ObservationValue> num = valuesOf(base, derived.numerator());
            Map<Period, ObservationValue> den = valuesOf(base, derived.denominator());
            for (Map.Entry<Period, ObservationValue> e : num.entrySet()) {
                ObservationValue d = den.get(e.getKey());
                if (d == null || d.value().signum() <= 0) continue;
                BigDecimal v = e.getValue().value().multiply(derived.factor()).divide(d.value(), PRECISION);
                out.put(e.getKey(), new ObservationValue(v, combined(e.getValue().status(), d.status()), null, null));
            }
        } else if (derived.formula() == Indicator.Formula.GROWTH) {
            Map<Period, ObservationValue> of = valuesOf(base, derived.growthOf());
            for (Map.Entry<Period, ObservationValue> e : of.entrySet()) {
                ObservationValue prev = of.get(e.getKey().minusYears(1));
                if (prev == null || prev.value().signum() <= 0) continue;
                BigDecimal v = e.getValue().value().divide(prev.value(), PRECISION).subtract(BigDecimal.ONE).multiply(HUNDRED, PRECISION);
                out.put(e.getKey(), new ObservationValue(v, combined(e.getValue().status(), prev.status()), null, null));
            }
        }
        return out;
    }

    private static Map<Period, ObservationValue> valuesOf(Map<String, ? extends Map<Period, ObservationValue>> base, String code) {
        Map<Period, ObservationValue> values = base.get(code);
        return values == null ? Map.of() : values;
    }

    /** A derived value is as weak as its weakest input: B (break) over E (estimated) over P (provisional) over A. */
    static String combined(String a, String b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(String status) {
        return switch (status) {
            case "B" -> 3;
            case "E" -> 2;
            case "P" -> 1;
            default -> 0;
        };
    }
}
