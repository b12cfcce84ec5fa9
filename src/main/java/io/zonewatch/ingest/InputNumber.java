package io.zonewatch.ingest;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * How a number is written in any input file (feeds, targets): ASCII digits, an optional sign, point
 * and exponent. Full-width (１２３) and Arabic-Indic (١٢٣) digits are refused everywhere: Java's
 * parsers would accept them in one place and a regular expression refuse them in another.
 */
public final class InputNumber {
    /** {@code \d} is ASCII-only in Java's patterns unless UNICODE_CHARACTER_CLASS is set. */
    static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern GROUPED = Pattern.compile("[+-]?[\\d,]+(\\.\\d+)?");

    public enum Problem { NOT_A_NUMBER, OUT_OF_RANGE }

    /** Why a text is not a usable number, with the hint a person needs. */
    public static final class Refused extends Exception {
        private final Problem problem;
        private final String hintZh;
        private final String hintEn;

        Refused(Problem problem, String hintZh, String hintEn) {
            super(problem.name(), null, false, false);
            this.problem = problem;
            this.hintZh = hintZh;
            this.hintEn = hintEn;
        }

        public Problem problem() {
            return problem;
        }

        public String hintZh() {
            return hintZh;
        }

        public String hintEn() {
            return hintEn;
        }
    }

    private InputNumber() {
    }

    public static BigDecimal parse(String text) throws Refused {
        String s = text.trim();
        if (!NUMBER.matcher(s).matches()) {
            if (GROUPED.matcher(s).matches()) throw new Refused(Problem.NOT_A_NUMBER, "（请去掉千位分隔符）", " (remove the thousands separators)");
            if (s.endsWith("%")) throw new Refused(Problem.NOT_A_NUMBER, "（请去掉百分号）", " (remove the percent sign)");
            if (s.codePoints().anyMatch(c -> Character.isDigit(c) && (c < '0' || c > '9'))) {
                throw new Refused(Problem.NOT_A_NUMBER, "（请使用半角数字 0-9）", " (use the digits 0-9)");
            }
            throw new Refused(Problem.NOT_A_NUMBER, "", "");
        }
        try {
            BigDecimal d = new BigDecimal(s);
            if (Math.abs((long) d.scale()) > 1000 || d.precision() > 1000) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            // An exponent beyond what BigDecimal can scale: far outside any statistic.
            throw new Refused(Problem.OUT_OF_RANGE, "", "");
        }
    }

    /** A four-digit year in ASCII digits, or null. */
    public static Integer year(String text) {
        String s = text == null ? "" : text.trim();
        return s.matches("\\d{4}") ? Integer.valueOf(s) : null;
    }
}
