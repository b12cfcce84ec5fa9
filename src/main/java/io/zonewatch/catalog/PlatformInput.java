package io.zonewatch.catalog;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.errors.RowError;
import io.zonewatch.errors.DisplayText;
import io.zonewatch.errors.RowErrors;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns platform payloads (the JSON of PUT, a JSON array or a CSV file for the bulk POST) into
 * {@link Platform}s, collecting every problem with its row instead of stopping at the first.
 */
public final class PlatformInput {
    /** Field names as accepted in JSON (camelCase) and CSV (snake_case); matched case-insensitively without '_'. */
    private static final List<String> FIELDS =
            List.of("code", "name", "nameEn", "level", "type", "region", "parentCode", "activeFrom", "activeTo");

    private final List<Platform> platforms = new ArrayList<>();
    private final RowErrors errors = new RowErrors();

    public List<Platform> platforms() {
        return platforms;
    }

    public RowErrors errors() {
        return errors;
    }

    public static PlatformInput ofJsonArray(JsonArray array) {
        PlatformInput in = new PlatformInput();
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            if (item instanceof JsonObject o) {
                in.add(i + 1, fields(o), null);
            } else {
                in.errors.add(new RowError(i + 1, null, "bad_row", "数组元素必须是 JSON 对象", "each element must be a JSON object"));
            }
        }
        in.checkDuplicates();
        return in;
    }

    public static PlatformInput ofJsonObject(JsonObject object, String pathCode) {
        PlatformInput in = new PlatformInput();
        in.add(1, fields(object), pathCode);
        return in;
    }

    public static PlatformInput ofCsv(String text) {
        PlatformInput in = new PlatformInput();
        // A reader over a String holds no resource; it is not closed.
        CsvReader<CsvRecord> reader = CsvReader.builder().skipEmptyLines(true)
                .allowExtraFields(true).allowMissingFields(true).ofCsvRecord(text);
        try {
            List<String> header = null;
            for (CsvRecord record : reader) {
                if (header == null) {
                    header = new ArrayList<>();
                    for (String h : record.getFields()) header.add(canonical(h));
                    for (String h : header) {
                        if (!FIELDS.stream().map(PlatformInput::canonical).toList().contains(h)) {
                            in.errors.add(new RowError(1, h, "unknown_column", "未知列 '" + RowErrors.clip(h) + "'", "unknown column '" + RowErrors.clip(h) + "'"));
                        }
                    }
                    if (!in.errors.isEmpty()) return in;
                    continue;
                }
                if (record.getFieldCount() != header.size()) {
                    in.errors.add(new RowError(record.getStartingLineNumber(), null, "bad_field_count",
                            "该行有 " + record.getFieldCount() + " 列，表头有 " + header.size() + " 列",
                            "the row has " + record.getFieldCount() + " fields, the header " + header.size()));
                    continue;
                }
                Map<String, Object> values = new HashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    String v = record.getField(i).trim();
                    values.put(header.get(i), v.isEmpty() ? null : v);
                }
                in.add(record.getStartingLineNumber(), values, null);
            }
            if (header == null) {
                in.errors.add(new RowError(1, null, "empty_feed", "文件为空", "the file is empty"));
            }
        } catch (RuntimeException e) {
            in.errors.add(new RowError(1, null, "bad_csv", "CSV 格式错误（引号不配对或行过长）", "malformed CSV: unbalanced quotes or an overlong line"));
        }
        in.checkDuplicates();
        return in;
    }

    private static Map<String, Object> fields(JsonObject o) {
        Map<String, Object> out = new HashMap<>();
        for (Map.Entry<String, Object> e : o) out.put(canonical(e.getKey()), e.getValue());
        return out;
    }

    private static String canonical(String name) {
        return name.trim().replace("_", "").toLowerCase(Locale.ROOT);
    }

    private void add(long row, Map<String, Object> v, String pathCode) {
        long before = errors.count();
        String code = string(row, v, "code");
        if (pathCode != null) {
            if (code != null && !code.equals(pathCode)) {
                errors.add(new RowError(row, "code", "code_mismatch", "请求体中的 code 与路径不一致", "code in the body differs from the path"));
            }
            code = pathCode;
        }
        if (code == null) {
            missing(row, "code");
        } else if (!code.matches(Platform.CODE_PATTERN)) {
            errors.add(new RowError(row, "code", "bad_code", "平台代码只能由 1–32 个字母、数字、- 或 _ 组成",
                    "a platform code is 1-32 letters, digits, '-' or '_'"));
        }
        String name = required(row, v, "name");
        String nameEn = string(row, v, "nameEn");
        String level = required(row, v, "level");
        if (level != null && !Platform.LEVELS.contains(level)) {
            errors.add(new RowError(row, "level", "bad_level", "level 必须是 " + Platform.LEVELS + " 之一",
                    "level must be one of " + Platform.LEVELS));
        }
        String type = required(row, v, "type");
        if (type != null && !Platform.TYPES.contains(type)) {
            errors.add(new RowError(row, "type", "bad_type", "type 必须是 " + Platform.TYPES + " 之一",
                    "type must be one of " + Platform.TYPES));
        }
        String region = required(row, v, "region");
        String parent = string(row, v, "parentCode");
        if (parent != null && parent.equals(code)) {
            errors.add(new RowError(row, "parentCode", "self_parent", "平台不能是自己的上级平台", "a platform cannot be its own parent"));
        }
        LocalDate from = date(row, v, "activeFrom");
        LocalDate to = date(row, v, "activeTo");
        if (from != null && to != null && from.isAfter(to)) {
            errors.add(new RowError(row, "activeTo", "bad_active_range", "activeTo 早于 activeFrom", "activeTo is before activeFrom"));
        }
        for (String[] f : new String[][]{{"name", name}, {"nameEn", nameEn}, {"region", region}}) {
            if (f[1] != null && f[1].length() > 200) {
                errors.add(new RowError(row, f[0], "too_long", f[0] + " 过长（最多 200 字符）", f[0] + " is longer than 200 characters"));
            } else if (f[1] != null && DisplayText.offending(f[1]) >= 0) {
                String c = DisplayText.describe(DisplayText.offending(f[1]));
                errors.add(new RowError(row, f[0], "bad_characters", f[0] + " 含有不可显示或改变文字方向的字符 " + c,
                        f[0] + " contains a control or text-direction character (" + c + ")"));
            }
        }
        if (errors.count() == before) {
            platforms.add(new Platform(code, name, nameEn, level, type, region, parent, from, to));
            rows.put(code, row);
        }
    }

    private final Map<String, Long> rows = new LinkedHashMap<>();

    private void checkDuplicates() {
        Set<String> seen = new HashSet<>();
        for (Platform p : platforms) {
            if (!seen.add(p.code())) {
                errors.add(new RowError(rows.get(p.code()), "code", "duplicate_code", "平台代码 '" + p.code() + "' 重复出现",
                        "platform code '" + p.code() + "' appears more than once"));
            }
        }
    }

    /**
     * Checks parents against the platforms that will exist after the upsert (the stored ones plus
     * this batch): each parent must exist and the parent chain must not loop.
     */
    public RowErrors checkParents(Map<String, Platform> stored) {
        Map<String, Platform> after = new HashMap<>(stored);
        for (Platform p : platforms) after.put(p.code(), p);
        RowErrors out = new RowErrors();
        for (Platform p : platforms) {
            long row = rows.getOrDefault(p.code(), 1L);
            if (p.parentCode() == null) continue;
            if (!after.containsKey(p.parentCode())) {
                out.add(new RowError(row, "parentCode", "unknown_parent", "未知上级平台 '" + RowErrors.clip(p.parentCode()) + "'",
                        "unknown parent platform '" + RowErrors.clip(p.parentCode()) + "'"));
                continue;
            }
            Set<String> chain = new HashSet<>();
            String at = p.code();
            while (at != null && chain.add(at)) at = after.get(at) == null ? null : after.get(at).parentCode();
            if (at != null) {
                out.add(new RowError(row, "parentCode", "parent_cycle", "上级平台关系形成循环", "the parent chain loops back"));
            }
        }
        return out;
    }

    private String string(long row, Map<String, Object> v, String field) {
        Object value = v.get(canonical(field));
        if (value == null) return null;
        if (!(value instanceof String s)) {
            errors.add(new RowError(row, field, "bad_value", field + " 必须是字符串", field + " must be a string"));
            return null;
        }
        String t = s.trim();
        if (t.indexOf('\u0000') >= 0) {
            errors.add(new RowError(row, field, "bad_value", field + " 包含 NUL 字符", field + " contains a NUL character"));
            return null;
        }
        return t.isEmpty() ? null : t;
    }

    private String required(long row, Map<String, Object> v, String field) {
        Object raw = v.get(canonical(field));
        String s = string(row, v, field);
        // A non-string value was reported by string(); null or blank is missing.
        if (s == null && (raw == null || raw instanceof String)) missing(row, field);
        return s;
    }

    private void missing(long row, String field) {
        errors.add(new RowError(row, field, "missing_field", "缺少必填字段 " + field, "required field " + field + " is missing"));
    }

    private LocalDate date(long row, Map<String, Object> v, String field) {
        String s = string(row, v, field);
        if (s == null) return null;
        try {
            LocalDate d = LocalDate.parse(s);
            if (d.getYear() < 1900 || d.getYear() > 2200) throw new DateTimeParseException("year", s, 0);
            return d;
        } catch (DateTimeParseException e) {
            errors.add(new RowError(row, field, "bad_date", field + " 必须是 YYYY-MM-DD 格式的日期",
                    field + " must be a date as YYYY-MM-DD, got '" + RowErrors.clip(s) + "'"));
            return null;
        }
    }
}
