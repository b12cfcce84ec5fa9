package io.zonewatch.dashboards;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What Grafana does to a SQL query of its PostgreSQL data source before the database sees it:
 * first the dashboard's template variables (the frontend's template service with the SQL data
 * sources' {@code interpolateVariable}), then the backend's global substitutions
 * ({@code sqleng.Interpolate}: {@code $__interval_ms}, {@code $__interval}, {@code $__unixEpochFrom()},
 * {@code $__unixEpochTo()}) and the PostgreSQL macro engine
 * ({@code pkg/tsdb/grafana-postgresql-datasource/macros.go}). Ported line by line so that a query that
 * passes here is the query Grafana sends; {@link GrafanaSqlTest} holds it to Grafana's own test cases.
 */
final class GrafanaSql {
    private GrafanaSql() {
    }

    record TimeRange(Instant from, Instant to) {
    }

    /**
     * A template variable with its current value(s). {@code array} is true when the value is a list
     * (a multi-value variable); a repeated panel sees one plain value of its variable.
     */
    record Variable(String name, List<String> values, List<String> texts, boolean multi, boolean includeAll,
                    boolean array) {
        Variable {
            if (values.isEmpty()) throw new IllegalArgumentException("variable " + name + " has no value");
            if (!array && values.size() != 1) throw new IllegalArgumentException("variable " + name + ": one value");
        }

        Variable withName(String other) {
            return new Variable(other, values, texts, multi, includeAll, array);
        }

        /** The same variable as a repeated panel sees it: one plain value. */
        Variable scoped(int index) {
            return new Variable(name, List.of(values.get(index)), List.of(texts.get(index)), multi, includeAll, false);
        }
    }

    // ------------------------------------------------------------------ template variables

    /** Grafana's variableRegex (public/app/features/variables/utils.ts). */
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$(\\w+)|\\[\\[(\\w+?)(?::(\\w+))?\\]\\]|\\$\\{(\\w+)(?:\\.([^:^\\}]+))?(?::([^\\}]+))?\\}");

    static String interpolateVariables(String sql, Map<String, Variable> variables) {
        Matcher m = VARIABLE.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(4);
            String format = m.group(3) != null ? m.group(3) : m.group(6);
            Variable v = variables.get(name);
            String replacement;
            if (v == null) {
                replacement = m.group(); // Grafana leaves unknown names (and macros such as $__timeFilter) alone
            } else {
                if (m.group(5) != null) throw new IllegalArgumentException("field paths are not supported: " + m.group());
                replacement = format == null ? sqlDataSourceFormat(v) : format(v, format);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** SqlDatasource.interpolateVariable: quoted for multi/all variables, else raw with quotes doubled. */
    private static String sqlDataSourceFormat(Variable v) {
        if (!v.array()) {
            String value = v.values().get(0);
            return v.multi() || v.includeAll() ? quoteLiteral(value) : value.replace("'", "''");
        }
        return v.values().stream().map(GrafanaSql::quoteLiteral).collect(Collectors.joining(","));
    }

    private static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** The explicit formats of Grafana's formatRegistry that a SQL query may use. */
    private static String format(Variable v, String format) {
        return switch (format) {
            case "raw", "csv" -> String.join(",", v.values());
            case "sqlstring" -> v.values().stream().map(GrafanaSql::quoteLiteral).collect(Collectors.joining(","));
            case "singlequote" -> v.values().stream().map(s -> "'" + s.replace("'", "\\'") + "'").collect(Collectors.joining(","));
            case "text" -> String.join(" + ", v.texts());
            default -> throw new IllegalArgumentException("variable format not supported here: " + format);
        };
    }

    // ------------------------------------------------------------------ macros

    private static final Pattern MACRO = Pattern.compile("\\$([_a-zA-Z0-9]+)\\(([^\\)]*)\\)");

    /**
     * sqleng.Interpolate followed by postgresMacroEngine.Interpolate, for a data source with
     * {@code timescaledb} as configured and an auto interval of {@code interval}.
     */
    static String expandMacros(String sql, TimeRange range, boolean timescaledb, Duration interval) {
        String s = sql.replace("$__interval_ms", Long.toString(interval.toMillis()))
                .replace("$__interval", formatInterval(interval))
                .replace("$__unixEpochFrom()", Long.toString(range.from().getEpochSecond()))
                .replace("$__unixEpochTo()", Long.toString(range.to().getEpochSecond()));
        String original = s;
        Matcher m = MACRO.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            // pre-5.3 compatibility: $__timeGroup(...) directly followed by ',' gets an alias
            if (name.equals("__timeGroup")) {
                int index = original.indexOf(m.group());
                if (index >= 0) {
                    index += m.group().length();
                    if (original.length() > index && original.charAt(index) == ',') name = "__timeGroupAlias";
                }
            }
            List<String> args = new ArrayList<>();
            for (String a : m.group(2).split(",", -1)) args.add(trimSpaces(a));
            m.appendReplacement(out, Matcher.quoteReplacement(macro(name, args, range, timescaledb)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String macro(String name, List<String> args, TimeRange range, boolean timescaledb) {
        String from = rfc3339Nano(range.from());
        String to = rfc3339Nano(range.to());
        boolean noArg = args.isEmpty() || (args.size() == 1 && args.get(0).isEmpty());
        switch (name) {
            case "__time":
                requireColumn(name, noArg);
                return args.get(0) + " AS \"time\"";
            case "__timeEpoch":
                requireColumn(name, noArg);
                return "extract(epoch from " + args.get(0) + ") as \"time\"";
            case "__timeFilter":
                requireColumn(name, noArg);
                return args.get(0) + " BETWEEN '" + from + "' AND '" + to + "'";
            case "__timeFrom":
                return "'" + from + "'";
            case "__timeTo":
                return "'" + to + "'";
            case "__timeGroup": {
                if (args.size() < 2) throw new IllegalArgumentException("macro " + name + " needs time column and interval");
                if (args.size() == 3) throw new IllegalArgumentException("fill modes are not supported here");
                double seconds = parseInterval(trimQuotes(args.get(1))).toNanos() / 1e9;
                if (timescaledb) return String.format(Locale.ROOT, "time_bucket('%.3fs',%s)", seconds, args.get(0));
                return "floor(extract(epoch from " + args.get(0) + ")/" + goFloat(seconds) + ")*" + goFloat(seconds);
            }
            case "__timeGroupAlias":
                return macro("__timeGroup", args, range, timescaledb) + " AS \"time\"";
            case "__unixEpochFilter":
                requireColumn(name, noArg);
                return args.get(0) + " >= " + range.from().getEpochSecond() + " AND " + args.get(0) + " <= " + range.to().getEpochSecond();
            case "__unixEpochNanoFilter":
                requireColumn(name, noArg);
                return args.get(0) + " >= " + nanos(range.from()) + " AND " + args.get(0) + " <= " + nanos(range.to());
            case "__unixEpochNanoFrom":
                return Long.toString(nanos(range.from()));
            case "__unixEpochNanoTo":
                return Long.toString(nanos(range.to()));
            case "__unixEpochGroup": {
                if (args.size() < 2) throw new IllegalArgumentException("macro " + name + " needs time column and interval");
                double seconds = parseInterval(trimQuotes(args.get(1))).toNanos() / 1e9;
                return "floor((" + args.get(0) + ")/" + goFloat(seconds) + ")*" + goFloat(seconds);
            }
            case "__unixEpochGroupAlias":
                return macro("__unixEpochGroup", args, range, timescaledb) + " AS \"time\"";
            default:
                throw new IllegalArgumentException("unknown macro \"" + name + "\"");
        }
    }

    private static void requireColumn(String name, boolean noArg) {
        if (noArg) throw new IllegalArgumentException("missing time column argument for macro " + name);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static String trimSpaces(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == ' ') b++;
        while (e > b && s.charAt(e - 1) == ' ') e--;
        return s.substring(b, e);
    }

    private static String trimQuotes(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '\'') b++;
        while (e > b && s.charAt(e - 1) == '\'') e--;
        return s.substring(b, e);
    }

    /** Go's time.Time.Format(time.RFC3339Nano) of a UTC instant: fraction without trailing zeros. */
    static String rfc3339Nano(Instant t) {
        OffsetDateTime u = t.atOffset(ZoneOffset.UTC);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
                u.getYear(), u.getMonthValue(), u.getDayOfMonth(), u.getHour(), u.getMinute(), u.getSecond()));
        if (u.getNano() != 0) s.append('.').append(String.format(Locale.ROOT, "%09d", u.getNano()).replaceAll("0+$", ""));
        return s.append('Z').toString();
    }

    /** gtime.ParseInterval for the units that have a fixed length (M and y depend on "now" and are refused). */
    static Duration parseInterval(String text) {
        Matcher m = Pattern.compile("^(\\d+)(ms|s|m|h|d|w)$").matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("interval not supported here: " + text);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** gtime.FormatInterval. */
    static String formatInterval(Duration d) {
        long ms = d.toMillis();
        long day = 86_400_000L;
        if (ms >= 365 * day) return ms / (365 * day) + "y";
        if (ms >= day) return ms / day + "d";
        if (ms >= 3_600_000L) return ms / 3_600_000L + "h";
        if (ms >= 60_000L) return ms / 60_000L + "m";
        if (ms >= 1_000L) return ms / 1_000L + "s";
        return ms + "ms";
    }

    /** Go's fmt "%v" of a float64: shortest digits, exponent form when the exponent is < -4 or >= 6. */
    static String goFloat(double v) {
        if (v == 0) return "0";
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int nd = digits.length();
        int dp = nd - d.scale();
        int exp = dp - 1;
        String sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= 6) {
            String mantissa = nd > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        return sign + d.toPlainString();
    }
}
