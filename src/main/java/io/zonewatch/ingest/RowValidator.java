package io.zonewatch.ingest;

import io.zonewatch.errors.RowErrors;
import io.zonewatch.catalog.Catalog;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.catalog.Platform;
import io.zonewatch.errors.RowError;
import io.zonewatch.observations.Period;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one {@link RawRow} against the catalog (docs/domain.md sections 1–2) and converts its unit.
 * Every problem of the row is reported, each with a stable code and a Chinese and English message.
 */
final class RowValidator {
    /** Plain decimal notation, optionally with an exponent; no thousands separators, no words. */
    /** Larger magnitudes are typing or unit errors for any statistic of one platform. */
    static final BigDecimal MAX_ABS = new BigDecimal("1e15");
    static final int MAX_NOTE = 1000;
    /** Beyond these a value is not a statistic (and 1e-900000000 would cost gigabytes to print). */
    static final int MAX_SCALE = 16;
    static final int MAX_PRECISION = 30;
    private static final Set<String> STATUSES = Set.of("A", "P", "E", "B");
    private static final java.util.Map<String, String> STATUSES_SHARED = java.util.Map.of("A", "A", "P", "P", "E", "E", "B", "B");
    private final java.util.Map<Period, java.time.LocalDate> firstDays = new java.util.HashMap<>();

    private final Catalog catalog;
    private final Period latestAllowed;

    RowValidator(Catalog catalog, Period latestAllowed) {
        this.catalog = catalog;
        this.latestAllowed = latestAllowed;
    }

    /** The valid row, or null after adding the row's errors to {@code errors}. */
    ValidRow validate(RawRow r, RowErrors errors) {
        long before = errors.count();
        RawRow.Columns c = r.columns();

        if (r.action() != null && !Set.of("I", "A", "R").contains(r.action().toUpperCase())) {
            errors.add(err(r, c.action(), "unsupported_action", "不支持的 ACTION '" + r.action() + "'（仅支持 I、A、R；删除请联系管理员）",
                    "unsupported ACTION '" + r.action() + "' (only I, A, R; deletions go through an administrator)"));
        }

        Platform platform = null;
        if (r.platform() == null) {
            errors.add(missing(r, c.platform()));
        } else {
            platform = catalog.platform(r.platform());
            if (platform == null) {
                errors.add(err(r, c.platform(), "unknown_platform", "未知平台代码 '" + clip(r.platform()) + "'",
                        "unknown platform code '" + clip(r.platform()) + "'"));
            }
        }

        Indicator indicator = null;
        if (r.indicator() == null) {
            errors.add(missing(r, c.indicator()));
        } else {
            indicator = catalog.indicator(r.indicator());
            if (indicator == null) {
                errors.add(err(r, c.indicator(), "unknown_indicator", "未知指标代码 '" + clip(r.indicator()) + "'",
                        "unknown indicator code '" + clip(r.indicator()) + "'"));
            } else if (indicator.derived()) {
                errors.add(err(r, c.indicator(), "derived_indicator",
                        "指标 " + indicator.code() + " 是派生指标，由系统计算，不能报送",
                        "indicator " + indicator.code() + " is derived: the service computes it, feeds cannot submit it"));
                indicator = null;
            }
        }

        Period period = null;
        if (r.period() == null) {
            errors.add(missing(r, c.period()));
        } else {
            period = Period.parse(r.period());
            if (period == null) {
                errors.add(err(r, c.period(), "bad_period", "期别 '" + clip(r.period()) + "' 无效，应为 2024Q3 形式",
                        "invalid period '" + clip(r.period()) + "': expected a quarter like 2024Q3"));
            } else if (period.compareTo(latestAllowed) > 0) {
                errors.add(err(r, c.period(), "future_period", "期别 " + period + " 尚未结束", "period " + period + " has not ended yet"));
                period = null;
            } else if (platform != null && !platform.activeDuring(period.firstDay(), period.lastDay())) {
                errors.add(err(r, c.period(), "platform_inactive",
                        "平台 " + platform.code() + " 在 " + period + " 不处于存续期",
                        "platform " + platform.code() + " was not active in " + period));
            }
        }

        BigDecimal value = number(r, errors);
        if (value != null && r.unitMultiplier() != null) value = applyMultiplier(r, value, errors);
        if (value != null && indicator != null) value = convertUnit(r, indicator, value, errors);
        if (value != null && value.signum() != 0) {
            BigDecimal plain = value.stripTrailingZeros();
            if (plain.scale() > MAX_SCALE || plain.precision() > MAX_PRECISION) {
                errors.add(err(r, c.value(), "out_of_range", "数值 " + shown(r) + " 的精度超出范围（最多 " + MAX_SCALE + " 位小数、" + MAX_PRECISION + " 位有效数字）",
                        "value " + shown(r) + " has too many digits (at most " + MAX_SCALE + " decimals and " + MAX_PRECISION + " significant digits)"));
                value = null;
            }
        }
        if (value != null && value.abs().compareTo(MAX_ABS) > 0) {
            errors.add(err(r, c.value(), "out_of_range", "数值 " + shown(r) + " 超出合理范围（绝对值不超过 1e15）",
                    "value " + shown(r) + " is out of range (absolute value at most 1e15)"));
            value = null;
        }
        if (value != null && indicator != null && indicator.nonNegative() && value.signum() < 0) {
            errors.add(err(r, c.value(), "negative_value", "指标 " + indicator.code() + " 不能为负数：" + shown(r),
                    "indicator " + indicator.code() + " cannot be negative: " + shown(r)));
        }

        String status = "A";
        if (r.status() != null) {
            status = r.status().toUpperCase();
            if (!STATUSES.contains(status)) {
                errors.add(err(r, c.status(), "bad_status", "状态 '" + clip(r.status()) + "' 无效，应为 A、P、E 或 B",
                        "invalid status '" + clip(r.status()) + "': expected A (normal), P (provisional), E (estimated) or B (break)"));
            }
        }
        if (r.note() != null && r.note().indexOf('\u0000') >= 0) {
            errors.add(err(r, c.note(), "bad_text", "备注包含 NUL 字符", "the note contains a NUL character"));
        }
        if (r.note() != null && r.note().length() > MAX_NOTE) {
            errors.add(err(r, c.note(), "note_too_long", "备注超过 " + MAX_NOTE + " 字符", "note is longer than " + MAX_NOTE + " characters"));
        }

        if (errors.count() > before) return null;
        // Catalog strings and one LocalDate per quarter are shared: a million rows hold references, not copies.
        return new ValidRow(r.row(), platform.code(), indicator.code(), firstDays.computeIfAbsent(period, Period::firstDay),
                value.stripTrailingZeros(), STATUSES_SHARED.get(status), r.note());
    }

    private BigDecimal number(RawRow r, RowErrors errors) {
        String col = r.columns().value();
        Object v = r.value();
        if (v == null) {
            errors.add(missing(r, col));
            return null;
        }
        if (v instanceof BigDecimal d) {
            if (Math.abs((long) d.scale()) > 1000 || d.precision() > 1000) {
                errors.add(err(r, col, "out_of_range", "数值超出范围", "value is out of range"));
                return null;
            }
            return d;
        }
        if (v instanceof BigInteger i) return new BigDecimal(i);
        String s = v.toString().trim();
        try {
            return InputNumber.parse(s);
        } catch (InputNumber.Refused e) {
            if (e.problem() == InputNumber.Problem.OUT_OF_RANGE) {
                errors.add(err(r, col, "out_of_range", "数值 '" + clip(s) + "' 超出范围", "value '" + clip(s) + "' is out of range"));
            } else {
                errors.add(err(r, col, "not_a_number", "'" + clip(s) + "' 不是数字" + e.hintZh(), "'" + clip(s) + "' is not a number" + e.hintEn()));
            }
            return null;
        }
    }

    private BigDecimal applyMultiplier(RawRow r, BigDecimal value, RowErrors errors) {
        try {
            int mult = Integer.parseInt(r.unitMultiplier().trim());
            if (mult < -15 || mult > 15) throw new NumberFormatException();
            return value.scaleByPowerOfTen(mult);
        } catch (NumberFormatException e) {
            errors.add(err(r, r.columns().unitMultiplier(), "bad_unit_mult", "UNIT_MULT '" + clip(r.unitMultiplier()) + "' 应为 -15 到 15 的整数",
                    "UNIT_MULT '" + clip(r.unitMultiplier()) + "' must be a whole number from -15 to 15"));
            return null;
        }
    }

    private BigDecimal convertUnit(RawRow r, Indicator indicator, BigDecimal value, RowErrors errors) {
        if (r.unit() == null) return value;
        BigDecimal factor = catalog.conversion(indicator.unit(), r.unit());
        if (factor == null) {
            errors.add(err(r, r.columns().unit(), "unknown_unit",
                    "指标 " + indicator.code() + " 的单位是 " + indicator.unit() + "，无法换算 '" + clip(r.unit()) + "'",
                    "indicator " + indicator.code() + " is in " + indicator.unit() + "; '" + clip(r.unit()) + "' cannot be converted"));
            return null;
        }
        return value.multiply(factor);
    }

    private static String shown(RawRow r) {
        return clip(String.valueOf(r.value()));
    }

    /** Echoed input is shortened so that a 1-MB cell does not become a 1-MB error message. */
    static String clip(String s) {
        return RowErrors.clip(s);
    }

    private static RowError missing(RawRow r, String column) {
        return err(r, column, "missing_value", "缺少 " + column, column + " is empty");
    }

    private static RowError err(RawRow r, String column, String code, String zh, String en) {
        return new RowError(r.row(), column, code, zh, en);
    }
}
