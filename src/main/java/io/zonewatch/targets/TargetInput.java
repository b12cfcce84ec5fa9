package io.zonewatch.targets;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.catalog.Catalog;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.errors.Problem;
import io.zonewatch.errors.RowError;
import io.zonewatch.errors.RowErrors;
import io.zonewatch.ingest.InputNumber;
import io.zonewatch.observations.Period;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A submission of annual targets (年度目标), CSV {@code platform_code,indicator_code,year,value} or
 * JSON {@code {"targets": [{"platform", "indicator", "year", "value"}]}}, read and validated like a
 * feed: every row checked, the errors collected (capped), all or nothing.
 */
final class TargetInput {
    private TargetInput() {
    }

    /** One valid target: a base indicator's annual value for a platform. */
    record Target(long row, String platform, String indicator, int year, BigDecimal value) {
    }

    /** The valid targets of a body, or a Problem listing its row errors. */
    static List<Target> read(String body, boolean csv, Catalog catalog) {
        if (!body.isEmpty() && body.charAt(0) == '\uFEFF') body = body.substring(1);
        RowErrors errors = new RowErrors();
        List<Target> valid = validate(csv ? csv(body) : json(body), catalog, errors);
        if (!errors.isEmpty() || valid.isEmpty()) {
            if (errors.isEmpty()) errors.add(new RowError(1, null, "empty_feed", "没有目标数据", "no targets in the request"));
            throw errors.rejection();
        }
        return valid;
    }

    private static List<Map<String, Object>> csv(String text) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> header = null;
        try {
            for (CsvRecord r : CsvReader.builder().skipEmptyLines(true).allowExtraFields(true).allowMissingFields(true).ofCsvRecord(text)) {
                if (header == null) {
                    header = r.getFields().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
                    for (String required : List.of("platform_code", "indicator_code", "year", "value")) {
                        if (!header.contains(required)) {
                            throw Problem.unprocessable("missing_column", "缺少必需的列 " + required,
                                    "required column " + required + " is missing; columns are platform_code, indicator_code, year, value",
                                    new JsonObject().put("errors", new JsonArray().add(new RowError(1, required, "missing_column",
                                            "缺少必需的列 " + required, "required column " + required + " is missing").toJson())));
                        }
                    }
                    continue;
                }
                Map<String, Object> row = new HashMap<>();
                row.put("_row", r.getStartingLineNumber());
                for (int i = 0; i < header.size() && i < r.getFieldCount(); i++) row.put(header.get(i), r.getField(i).trim());
                out.add(row);
            }
        } catch (CsvParseException e) {
            throw Problem.unprocessable("bad_csv", "CSV 格式错误", "malformed CSV");
        }
        return out;
    }

    private static List<Map<String, Object>> json(String text) {
        Object parsed;
        try {
            Object body = io.zonewatch.http.Http.parseJson(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!(body instanceof JsonObject o)) throw new ClassCastException();
            parsed = o.getValue("targets");
        } catch (ClassCastException e) {
            throw Problem.invalid("malformed_json", "请求体必须是 {\"targets\": [...]}", "the body must be {\"targets\": [...]}");
        }
        if (!(parsed instanceof JsonArray array)) {
            throw Problem.invalid("malformed_json", "请求体必须是 {\"targets\": [...]}", "the body must be {\"targets\": [...]}");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Map<String, Object> row = new HashMap<>();
            row.put("_row", (long) i + 1);
            if (array.getValue(i) instanceof JsonObject o) {
                row.put("platform_code", o.getValue("platform"));
                row.put("indicator_code", o.getValue("indicator"));
                row.put("year", o.getValue("year"));
                row.put("value", o.getValue("value"));
            }
            out.add(row);
        }
        return out;
    }

    private static List<Target> validate(List<Map<String, Object>> raw, Catalog catalog, RowErrors errors) {
        List<Target> out = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        for (Map<String, Object> r : raw) {
            long row = ((Number) r.get("_row")).longValue();
            long before = errors.count();
            String platform = r.get("platform_code") instanceof String s && !s.isBlank() ? s : null;
            String indicator = r.get("indicator_code") instanceof String s && !s.isBlank() ? s : null;
            if (platform == null || catalog.platform(platform) == null) {
                errors.add(new RowError(row, "platform_code", "unknown_platform", "未知平台代码 '" + RowErrors.clip(platform) + "'",
                        "unknown platform code '" + RowErrors.clip(platform) + "'"));
            }
            Indicator ind = indicator == null ? null : catalog.indicator(indicator);
            if (ind == null) {
                errors.add(new RowError(row, "indicator_code", "unknown_indicator", "未知指标代码 '" + RowErrors.clip(indicator) + "'",
                        "unknown indicator code '" + RowErrors.clip(indicator) + "'"));
            } else if (ind.derived()) {
                errors.add(new RowError(row, "indicator_code", "derived_indicator", "派生指标不能设定目标", "derived indicators have no targets"));
            }
            Integer year = InputNumber.year(String.valueOf(r.get("year")));
            if (year != null && (year < Period.MIN_YEAR || year > Period.MAX_YEAR)) year = null;
            if (year == null) {
                errors.add(new RowError(row, "year", "bad_year", "年份无效", "invalid year '" + RowErrors.clip(String.valueOf(r.get("year"))) + "'"));
            }
            BigDecimal value = null;
            String shown = RowErrors.clip(String.valueOf(r.get("value")));
            try {
                value = InputNumber.parse(String.valueOf(r.get("value")));
                if (value.signum() <= 0 || value.precision() > 30 || value.stripTrailingZeros().scale() > 16
                        || value.compareTo(new BigDecimal("1e15")) > 0) {
                    errors.add(new RowError(row, "value", "out_of_range", "目标值必须是合理的正数", "a target must be a positive number of sane size"));
                    value = null;
                }
            } catch (InputNumber.Refused e) {
                if (e.problem() == InputNumber.Problem.OUT_OF_RANGE) {
                    errors.add(new RowError(row, "value", "out_of_range", "目标值必须是合理的正数", "a target must be a positive number of sane size"));
                } else {
                    errors.add(new RowError(row, "value", "not_a_number", "'" + shown + "' 不是数字" + e.hintZh(),
                            "'" + shown + "' is not a number" + e.hintEn()));
                }
            }
            if (errors.count() > before) continue;
            String key = platform + "|" + indicator + "|" + year;
            Long first = seen.putIfAbsent(key, row);
            if (first != null) {
                errors.add(new RowError(row, null, "duplicate_key", "与第 " + first + " 行重复", "same platform, indicator and year as row " + first));
                continue;
            }
            out.add(new Target(row, platform, indicator, year, value));
        }
        return out;
    }
}
