package io.zonewatch.catalog;

import io.vertx.core.json.JsonObject;
import io.zonewatch.errors.Problem;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Validates the body of PUT /indicators/{code} against the current catalog. */
final class IndicatorInput {
    private IndicatorInput() {
    }

    static Indicator parse(String code, JsonObject body, Map<String, Indicator> catalog) {
        if (!code.matches("[a-z][a-z0-9_]{0,63}")) {
            throw invalid("bad_code", "指标代码只能由小写字母、数字和 _ 组成，并以字母开头",
                    "an indicator code is lowercase letters, digits and '_', starting with a letter");
        }
        String nameZh = text(body, "name", true);
        String nameEn = text(body, "nameEn", true);
        String unit = text(body, "unit", true);
        Indicator.Kind kind = choice(body, "kind", List.of("ytd_flow", "stock", "ratio", "derived"), Indicator.Kind::of);
        Indicator.Better better = choice(body, "better", List.of("higher", "lower", "none"), Indicator.Better::of);
        boolean nonNegative = body.getValue("nonNegative") instanceof Boolean b ? b : kind != Indicator.Kind.RATIO;
        Object formulaValue = body.getValue("formula");
        if ((kind == Indicator.Kind.DERIVED) != (formulaValue != null)) {
            throw invalid("bad_formula", "派生指标必须有 formula，基础指标不能有", "a derived indicator needs a formula and only it may have one");
        }
        if (formulaValue == null) {
            return new Indicator(code, nameZh, nameEn, unit, kind, better, nonNegative, null, null, null, BigDecimal.ONE, null, 0, 0);
        }
        if (!(formulaValue instanceof JsonObject f)) {
            throw invalid("bad_formula", "formula 必须是对象", "formula must be an object");
        }
        String type = f.getValue("type") instanceof String s ? s : "";
        switch (type) {
            case "ratio" -> {
                String num = input(f, "numerator", code, catalog);
                String den = input(f, "denominator", code, catalog);
                BigDecimal factor;
                try {
                    factor = f.getValue("factor") == null ? BigDecimal.ONE : new BigDecimal(f.getValue("factor").toString());
                } catch (NumberFormatException e) {
                    throw invalid("bad_formula", "factor 必须是数字", "factor must be a number");
                }
                if (factor.signum() <= 0 || factor.precision() > 30 || Math.abs((long) factor.stripTrailingZeros().scale()) > 16) {
                    throw invalid("bad_formula", "factor 必须是大于 0 的合理数值", "factor must be a positive number of at most 30 digits");
                }
                return new Indicator(code, nameZh, nameEn, unit, kind, better, false, Indicator.Formula.RATIO, num, den, factor, null, 0, 0);
            }
            case "growth" -> {
                String of = input(f, "of", code, catalog);
                return new Indicator(code, nameZh, nameEn, unit, kind, better, false, Indicator.Formula.GROWTH, null, null, BigDecimal.ONE, of, 0, 0);
            }
            default -> throw invalid("bad_formula", "formula.type 必须是 ratio 或 growth", "formula.type must be ratio or growth");
        }
    }

    private static String input(JsonObject f, String field, String self, Map<String, Indicator> catalog) {
        String code = f.getValue(field) instanceof String s ? s : null;
        Indicator in = code == null ? null : catalog.get(code);
        if (in == null || code.equals(self)) {
            throw invalid("bad_formula", "formula." + field + " 必须是已有的基础指标", "formula." + field + " must name an existing base indicator");
        }
        if (in.derived()) {
            // One level of derivation keeps evaluation order trivial and results explainable.
            throw invalid("bad_formula", "派生指标只能由基础指标计算", "a derived indicator is computed from base indicators only");
        }
        return code;
    }

    private static String text(JsonObject body, String field, boolean required) {
        Object v = body.getValue(field);
        if (v instanceof String s && !s.isBlank() && s.length() <= 200) {
            int bad = io.zonewatch.errors.DisplayText.offending(s);
            if (bad >= 0) throw io.zonewatch.errors.DisplayText.refusal(field, bad);
            return s.trim();
        }
        if (v == null && !required) return null;
        throw invalid("missing_field", "字段 " + field + " 必须是 1–200 字符的字符串", field + " must be a string of 1-200 characters");
    }

    private static <T> T choice(JsonObject body, String field, List<String> allowed, java.util.function.Function<String, T> of) {
        Object v = body.getValue(field);
        if (v instanceof String s && allowed.contains(s)) return of.apply(s);
        throw invalid("bad_" + field, field + " 必须是 " + allowed + " 之一", field + " must be one of " + allowed);
    }

    private static Problem invalid(String code, String zh, String en) {
        return Problem.unprocessable(code, zh, en);
    }
}
