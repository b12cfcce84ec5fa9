package io.zonewatch.catalog;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/** An indicator of the catalog (DOMAIN.md section 3). Derived ones carry their formula. */
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
        int sortOrder) {

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
                .put("nonNegative", nonNegative);
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
