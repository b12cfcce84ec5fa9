package io.zonewatch.catalog;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * An indicator of the catalog (docs/domain.md section 2), one version of its definition. Derived ones carry
 * their formula. {@code version} counts the definitions it has had (1 = the first); a new input not yet
 * stored has version 0.
 */
public record Indicator(
        String code,
        String nameZh,
        String nameEn,
        String unit,
        Kind kind,
        Better better,
        boolean nonNegative,
        Formula formula,
        String numerator,
        String denominator,
        BigDecimal factor,
        String growthOf,
        int sortOrder,
        int version) {

    public enum Kind {
        YTD_FLOW, STOCK, RATIO, DERIVED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String code) {
            return valueOf(code.toUpperCase(Locale.ROOT));
        }
    }

    public enum Better {
        HIGHER, LOWER, NONE;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Better of(String code) {
            return valueOf(code.toUpperCase(Locale.ROOT));
        }
    }

    public enum Formula {
        RATIO, GROWTH;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Formula of(String code) {
            return code == null ? null : valueOf(code.toUpperCase(Locale.ROOT));
        }
    }

    /** The same definition as {@code other} (names, unit, kind, direction, sign rule and formula), whatever the versions. */
    public boolean sameDefinition(Indicator other) {
        return other != null && code.equals(other.code) && nameZh.equals(other.nameZh) && nameEn.equals(other.nameEn)
                && unit.equals(other.unit) && kind == other.kind && better == other.better && nonNegative == other.nonNegative
                && formula == other.formula && java.util.Objects.equals(numerator, other.numerator)
                && java.util.Objects.equals(denominator, other.denominator) && factor.compareTo(other.factor) == 0
                && java.util.Objects.equals(growthOf, other.growthOf);
    }

    public Indicator withVersion(int v) {
        return new Indicator(code, nameZh, nameEn, unit, kind, better, nonNegative, formula, numerator, denominator, factor,
                growthOf, sortOrder, v);
    }

    public boolean derived() {
        return kind == Kind.DERIVED;
    }

    /** The indicators a derived value is computed from (empty for base indicators). */
    public List<String> inputs() {
        if (formula == null) return List.of();
        return formula == Formula.RATIO ? List.of(numerator, denominator) : List.of(growthOf);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("code", code)
                .put("name", nameZh)
                .put("nameEn", nameEn)
                .put("unit", unit)
                .put("kind", kind.code())
                .put("better", better.code())
                .put("nonNegative", nonNegative)
                .put("version", version);
        if (formula != null) {
            JsonObject f = new JsonObject().put("type", formula.code());
            if (formula == Formula.RATIO) {
                f.put("numerator", numerator).put("denominator", denominator).put("factor", factor);
            } else {
                f.put("of", growthOf);
            }
            json.put("formula", f);
        }
        return json;
    }
}
