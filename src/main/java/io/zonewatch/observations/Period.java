package io.zonewatch.observations;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A calendar quarter. Canonical text {@code 2024Q3}; the ingest also accepts SDMX {@code 2024-Q3}.
 * Stored as the date of its first day. Years outside 1949–2100 are treated as typing errors.
 */
public record Period(int year, int quarter) implements Comparable<Period> {
    public static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    private static final Pattern TEXT = Pattern.compile("(\\d{4})-?Q([1-4])");
    public static final int MIN_YEAR = 1949;
    public static final int MAX_YEAR = 2100;

    public Period {
        if (quarter < 1 || quarter > 4) throw new IllegalArgumentException("quarter must be 1..4");
    }

    /** The period for its text form, or null when the text is not a valid quarter. */
    public static Period parse(String text) {
        if (text == null) return null;
        Matcher m = TEXT.matcher(text.trim().toUpperCase());
        if (!m.matches()) return null;
        int year = Integer.parseInt(m.group(1));
        if (year < MIN_YEAR || year > MAX_YEAR) return null;
        return new Period(year, Integer.parseInt(m.group(2)));
    }

    public static Period of(LocalDate firstDay) {
        return new Period(firstDay.getYear(), (firstDay.getMonthValue() - 1) / 3 + 1);
    }

    /** The quarter that contains the given instant in China Standard Time. */
    public static Period current(ZonedDateTime now) {
        return of(now.withZoneSameInstant(CHINA).toLocalDate());
    }

    public LocalDate firstDay() {
        return LocalDate.of(year, quarter * 3 - 2, 1);
    }

    public LocalDate lastDay() {
        return firstDay().plusMonths(3).minusDays(1);
    }

    public Period minusYears(int years) {
        return new Period(year - years, quarter);
    }

    public Period previous() {
        return quarter == 1 ? new Period(year - 1, 4) : new Period(year, quarter - 1);
    }

    @Override
    public int compareTo(Period o) {
        return year != o.year ? Integer.compare(year, o.year) : Integer.compare(quarter, o.quarter);
    }

    @Override
    public String toString() {
        return year + "Q" + quarter;
    }
}
