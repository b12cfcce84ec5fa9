package io.zonewatch.ranking;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.errors.RowError;
import io.zonewatch.errors.RowErrors;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a scheme definition (JSON as stored and as PUT, or YAML converted to JSON) into a
 * {@link Scheme}, reporting every problem with the path of the field at fault.
 */
public final class SchemeCodec {
    private static final Set<String> METHODS = Set.of("benchmark_ratio", "min_max", "z_score");

    private SchemeCodec() {
    }

    /** The parse result: a scheme, or the list of problems (each with a JSON path in {@code column}). */
    public record Parsed(Scheme scheme, RowErrors errors) {
    }

    /**
     * What a valid scheme should still be told (warned, not refused): a benchmark_ratio indicator
     * without a cap lets one extreme value decide a rank (docs/domain.md section 4; mu_benefit v2 caps all at 2).
     */
    public static JsonArray advisories(Scheme scheme) {
        JsonArray out = new JsonArray();
        if (scheme.method() != Scheme.Method.BENCHMARK_RATIO) return out;
        for (int d = 0; d < scheme.dimensions().size(); d++) {
            List<Scheme.Member> members = scheme.dimensions().get(d).indicators();
            for (int i = 0; i < members.size(); i++) {
                Scheme.Member m = members.get(i);
                if (m.cap() != null) continue;
                out.add(new JsonObject().put("field", "dimensions[" + d + "].indicators[" + i + "].cap").put("code", "uncapped_indicator")
                        .put("indicator", m.indicator())
                        .put("message", "指标 " + m.indicator() + " 未设上限（cap）：单项极端值可能决定排名 / indicator "
                                + m.indicator() + " has no cap: one extreme value can decide a rank"));
            }
        }
        return out;
    }

    public static Parsed parse(String code, int version, JsonObject def, Map<String, Indicator> catalog) {
        RowErrors errors = new RowErrors();
        Reader r = new Reader(def, errors);
        if (!code.matches("[a-z][a-z0-9_]{0,63}")) {
            errors.add(err("code", "bad_code", "方案代码只能由小写字母、数字和 _ 组成", "a scheme code is lowercase letters, digits and '_'"));
        }
        String name = r.text("name", code);
        String nameEn = r.text("nameEn", name);
        String methodText = r.text("method", "benchmark_ratio");
        Scheme.Method method = Scheme.Method.BENCHMARK_RATIO;
        if (!METHODS.contains(methodText)) {
            errors.add(err("method", "bad_method", "method 必须是 " + METHODS + " 之一", "method must be one of " + METHODS));
        } else {
            method = Scheme.Method.valueOf(methodText.toUpperCase());
        }
        boolean winsorize = r.bool("winsorize", false);
        double minCoverage = r.number("minCoverage", 0.65);
        if (!(minCoverage > 0 && minCoverage <= 1)) {
            errors.add(err("minCoverage", "bad_min_coverage", "minCoverage 必须在 (0, 1] 之间", "minCoverage must be in (0, 1]"));
        }
        String group = def.getValue("group") instanceof String g ? g : null;
        if (def.getValue("group") != null && !"type".equals(group) && !"level".equals(group)) {
            errors.add(err("group", "bad_group", "group 只能是 type、level 或 null", "group must be type, level or null"));
        }

        JsonObject classesJson = def.getValue("classes") instanceof JsonObject o ? o
                : new JsonObject().put("mode", "percent").put("A", 0.25).put("B", 0.70).put("C", 0.95);
        Scheme.Classes classes = classes(classesJson, errors);

        JsonObject mc = def.getValue("monteCarlo") instanceof JsonObject o ? o : new JsonObject();
        Reader mcr = new Reader(mc, errors, "monteCarlo.");
        int runs = (int) mcr.number("runs", 500);
        long seed = (long) mcr.number("seed", 20231231);
        double spread = mcr.number("spread", 0.25);
        if (runs < 0 || runs > 5000) errors.add(err("monteCarlo.runs", "bad_monte_carlo", "runs 必须在 0 到 5000 之间", "runs must be 0-5000"));
        if (!(spread >= 0 && spread < 1)) errors.add(err("monteCarlo.spread", "bad_monte_carlo", "spread 必须在 [0, 1) 之间", "spread must be in [0, 1)"));

        List<Scheme.Dimension> dimensions = new ArrayList<>();
        Object dimsValue = def.getValue("dimensions");
        if (!(dimsValue instanceof JsonArray dims) || dims.isEmpty()) {
            errors.add(err("dimensions", "no_dimensions", "至少需要一个维度", "at least one dimension is required"));
        } else {
            Set<String> seenIndicators = new HashSet<>();
            Set<String> seenDimensions = new HashSet<>();
            for (int d = 0; d < dims.size(); d++) {
                String path = "dimensions[" + d + "]";
                if (!(dims.getValue(d) instanceof JsonObject dj)) {
                    errors.add(err(path, "bad_dimension", "维度必须是对象", "a dimension must be an object"));
                    continue;
                }
                Reader dr = new Reader(dj, errors, path + ".");
                String dcode = dr.text("code", "d" + (d + 1));
                if (!seenDimensions.add(dcode)) errors.add(err(path + ".code", "duplicate_dimension", "维度代码重复", "dimension code appears twice"));
                double weight = dr.number("weight", 1);
                if (!(weight > 0)) errors.add(err(path + ".weight", "bad_weight", "权重必须大于 0", "weights must be greater than 0"));
                List<Scheme.Member> members = new ArrayList<>();
                if (!(dj.getValue("indicators") instanceof JsonArray inds) || inds.isEmpty()) {
                    errors.add(err(path + ".indicators", "no_indicators", "维度至少需要一个指标", "a dimension needs at least one indicator"));
                } else {
                    for (int i = 0; i < inds.size(); i++) {
                        String ipath = path + ".indicators[" + i + "]";
                        if (!(inds.getValue(i) instanceof JsonObject ij)) {
                            errors.add(err(ipath, "bad_indicator", "指标项必须是对象", "an indicator entry must be an object"));
                            continue;
                        }
                        Scheme.Member member = member(ij, ipath, catalog, seenIndicators, errors);
                        if (member != null) members.add(member);
                    }
                }
                dimensions.add(new Scheme.Dimension(dcode, dr.text("name", dcode), weight, members));
            }
        }
        if (!errors.isEmpty()) return new Parsed(null, errors);
        return new Parsed(new Scheme(code, version, name, nameEn, method, winsorize, minCoverage, group, classes,
                new Scheme.MonteCarlo(runs, seed, spread), dimensions), errors);
    }

    private static Scheme.Member member(JsonObject ij, String path, Map<String, Indicator> catalog, Set<String> seen, RowErrors errors) {
        Reader r = new Reader(ij, errors, path + ".");
        String code = ij.getValue("indicator") instanceof String s ? s : null;
        Indicator ind = code == null ? null : catalog.get(code);
        boolean ok = true;
        if (ind == null) {
            errors.add(err(path + ".indicator", "unknown_indicator", "未知指标 '" + RowErrors.clip(code) + "'", "unknown indicator '" + RowErrors.clip(code) + "'"));
            ok = false;
        } else if (ind.better() == Indicator.Better.NONE) {
            errors.add(err(path + ".indicator", "no_direction", "指标 " + code + " 没有优劣方向，不能用于排名",
                    "indicator " + code + " has no better direction and cannot be ranked"));
            ok = false;
        } else if (!seen.add(code)) {
            errors.add(err(path + ".indicator", "duplicate_indicator", "指标 " + code + " 重复出现", "indicator " + code + " appears twice"));
            ok = false;
        }
        double weight = r.number("weight", Double.NaN);
        if (!(weight > 0)) {
            errors.add(err(path + ".weight", "bad_weight", "权重必须大于 0", "weights must be greater than 0"));
            ok = false;
        }
        Double cap = null;
        if (ij.getValue("cap") != null) {
            cap = r.number("cap", Double.NaN);
            if (!(cap > 0)) {
                errors.add(err(path + ".cap", "bad_cap", "cap 必须大于 0", "cap must be greater than 0"));
                ok = false;
            }
        }
        Map<Integer, Double> benchmarks = new LinkedHashMap<>();
        if (ij.getValue("benchmarks") != null) {
            if (!(ij.getValue("benchmarks") instanceof JsonObject b)) {
                errors.add(err(path + ".benchmarks", "bad_benchmark", "benchmarks 必须是 {年份: 数值}", "benchmarks must be {year: value}"));
                ok = false;
            } else {
                for (String year : b.fieldNames()) {
                    Object v = b.getValue(year);
                    if (!year.matches("\\d{4}") || !(v instanceof Number n) || !(n.doubleValue() > 0)) {
                        errors.add(err(path + ".benchmarks." + year, "bad_benchmark", "基准值必须是正数，键为四位年份",
                                "a benchmark is a positive number under a four-digit year"));
                        ok = false;
                    } else {
                        benchmarks.put(Integer.parseInt(year), n.doubleValue());
                    }
                }
            }
        }
        return ok ? new Scheme.Member(code, weight, cap, benchmarks) : null;
    }

    private static Scheme.Classes classes(JsonObject c, RowErrors errors) {
        String mode = c.getValue("mode") instanceof String s ? s : "percent";
        BigDecimal a, b, cc;
        try {
            a = new BigDecimal(String.valueOf(c.getValue("A")));
            b = new BigDecimal(String.valueOf(c.getValue("B")));
            cc = new BigDecimal(String.valueOf(c.getValue("C")));
        } catch (NumberFormatException e) {
            errors.add(err("classes", "bad_classes", "classes 需要数值 A、B、C", "classes needs numbers A, B and C"));
            return null;
        }
        if ("percent".equals(mode)) {
            boolean increasing = a.signum() > 0 && a.compareTo(b) < 0 && b.compareTo(cc) < 0 && cc.compareTo(BigDecimal.ONE) <= 0;
            if (!increasing) {
                errors.add(err("classes", "bad_classes", "百分比分档必须满足 0 < A < B < C ≤ 1", "percent bands must increase: 0 < A < B < C ≤ 1"));
            }
        } else if ("score".equals(mode)) {
            if (!(a.compareTo(b) > 0 && b.compareTo(cc) > 0)) {
                errors.add(err("classes", "bad_classes", "分数线必须满足 A > B > C", "score thresholds must decrease: A > B > C"));
            }
        } else {
            errors.add(err("classes.mode", "bad_classes", "classes.mode 必须是 percent 或 score", "classes.mode must be percent or score"));
        }
        return new Scheme.Classes(mode, a, b, cc);
    }

    /** The stored/served JSON form of a scheme. */
    public static JsonObject toJson(Scheme s) {
        JsonArray dims = new JsonArray();
        for (Scheme.Dimension d : s.dimensions()) {
            JsonArray inds = new JsonArray();
            for (Scheme.Member m : d.indicators()) {
                JsonObject benchmarks = new JsonObject();
                if (m.benchmarks() != null) m.benchmarks().forEach((y, v) -> benchmarks.put(String.valueOf(y), v));
                JsonObject ij = new JsonObject().put("indicator", m.indicator()).put("weight", m.weight());
                if (m.cap() != null) ij.put("cap", m.cap());
                if (!benchmarks.isEmpty()) ij.put("benchmarks", benchmarks);
                inds.add(ij);
            }
            dims.add(new JsonObject().put("code", d.code()).put("name", d.name()).put("weight", d.weight()).put("indicators", inds));
        }
        return new JsonObject()
                .put("code", s.code())
                .put("version", s.version())
                .put("name", s.name())
                .put("nameEn", s.nameEn())
                .put("method", s.method().name().toLowerCase())
                .put("winsorize", s.winsorize())
                .put("minCoverage", s.minCoverage())
                .put("group", s.group())
                .put("classes", new JsonObject().put("mode", s.classes().mode())
                        .put("A", s.classes().a()).put("B", s.classes().b()).put("C", s.classes().c()))
                .put("monteCarlo", new JsonObject().put("runs", s.monteCarlo().runs()).put("seed", s.monteCarlo().seed())
                        .put("spread", s.monteCarlo().spread()))
                .put("dimensions", dims);
    }

    private static RowError err(String path, String code, String zh, String en) {
        return new RowError(1, path, code, zh, en);
    }

    /** Typed field access that records a problem instead of throwing. */
    private record Reader(JsonObject json, RowErrors errors, String prefix) {
        Reader(JsonObject json, RowErrors errors) {
            this(json, errors, "");
        }

        String text(String field, String def) {
            Object v = json.getValue(field);
            if (v == null) return def;
            if (v instanceof String s && !s.isBlank() && s.length() <= 200) {
                int bad = io.zonewatch.errors.DisplayText.offending(s);
                if (bad < 0) return s.trim();
                errors.add(err(prefix + field, "bad_characters", field + " 含有不可显示或改变文字方向的字符 " + io.zonewatch.errors.DisplayText.describe(bad),
                        field + " contains a control or text-direction character (" + io.zonewatch.errors.DisplayText.describe(bad) + ")"));
                return def;
            }
            errors.add(err(prefix + field, "bad_value", field + " 必须是 1–200 字符的字符串", field + " must be a string of 1-200 characters"));
            return def;
        }

        double number(String field, double def) {
            Object v = json.getValue(field);
            if (v == null) return def;
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) return n.doubleValue();
            errors.add(err(prefix + field, "bad_value", field + " 必须是数字", field + " must be a number"));
            return def;
        }

        boolean bool(String field, boolean def) {
            Object v = json.getValue(field);
            if (v == null) return def;
            if (v instanceof Boolean b) return b;
            errors.add(err(prefix + field, "bad_value", field + " 必须是 true 或 false", field + " must be true or false"));
            return def;
        }
    }
}
