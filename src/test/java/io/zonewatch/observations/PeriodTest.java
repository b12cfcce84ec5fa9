package io.zonewatch.observations;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PeriodTest {
    @Test
    void parsesCanonicalAndSdmxForms() {
        assertEquals(new Period(2024, 3), Period.parse("2024Q3"));
        assertEquals(new Period(2024, 3), Period.parse("2024-Q3"));
        assertEquals(new Period(2024, 1), Period.parse(" 2024q1 "));
        for (String bad : new String[]{"2024Q5", "2024Q0", "24Q1", "2024-3", "2024", "", "1800Q1", "2024Q3x", "２０２４Q3"}) {
            assertNull(Period.parse(bad), bad);
        }
    }

    @Test
    void datesAndNeighbours() {
        Period p = Period.parse("2024Q3");
        assertEquals(LocalDate.of(2024, 7, 1), p.firstDay());
        assertEquals(LocalDate.of(2024, 9, 30), p.lastDay());
        assertEquals(Period.parse("2024Q2"), p.previous());
        assertEquals(Period.parse("2023Q4"), Period.parse("2024Q1").previous());
        assertEquals(Period.parse("2023Q3"), p.minusYears(1));
        assertEquals(p, Period.of(LocalDate.of(2024, 7, 1)));
        assertEquals("2024Q3", p.toString());
    }

    @Test
    void currentQuarterIsTakenInChinaStandardTime() {
        // 2024-06-30 17:00 UTC is already 1 July in Beijing.
        assertEquals(Period.parse("2024Q3"), Period.current(ZonedDateTime.parse("2024-06-30T17:00:00Z")));
        assertEquals(Period.parse("2024Q2"), Period.current(ZonedDateTime.parse("2024-06-30T15:59:59Z")));
    }
}
