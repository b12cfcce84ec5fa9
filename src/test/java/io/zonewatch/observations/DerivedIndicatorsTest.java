package io.zonewatch.observations;

import io.zonewatch.catalog.DefaultCatalog;
import io.zonewatch.catalog.Indicator;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Derived indicators of the default catalog against hand-computed values. */
class DerivedIndicatorsTest {
    private static final Map<String, Indicator> CATALOG = new HashMap<>();

    static {
        DefaultCatalog.load().indicators().forEach(i -> CATALOG.put(i.code(), i));
    }

    private final Map<String, NavigableMap<Period, ObservationValue>> base = new HashMap<>();

    private void put(String indicator, String period, String value, String status) {
        base.computeIfAbsent(indicator, k -> new TreeMap<>())
                .put(Period.parse(period), new ObservationValue(new BigDecimal(value), status, 1, 1L));
    }

    private ObservationValue derived(String code, String period) {
        return DerivedIndicators.compute(CATALOG.get(code), base).get(Period.parse(period));
    }

    private static void assertValue(String expected, ObservationValue actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual.value()), () -> "expected " + expected + " got " + actual.value());
    }

    @Test
    void ratiosOfTheSameQuarter() {
        put("tax_revenue", "2024Q3", "300", "A");
        put("land_area", "2024Q3", "150", "A");
        put("industrial_value_added", "2024Q3", "4000", "A");
        put("water_consumption", "2024Q3", "12", "A");
        put("energy_consumption", "2024Q3", "2000", "A");
        put("cod_emissions", "2024Q3", "0.5", "A");
        put("employees", "2024Q3", "800", "A");
        put("rd_expenditure", "2024Q3", "5", "A");
        put("operating_revenue", "2024Q3", "250", "A");
        put("high_tech_value_added", "2024Q3", "1000", "A");

        assertValue("2", derived("tax_per_mu", "2024Q3"));                  // 300 / 150
        assertValue("26.66666666666667", derived("value_added_per_mu", "2024Q3")); // 4000 / 150, 16 digits
        assertValue("30", derived("water_per_value_added", "2024Q3"));       // 12 万m³ × 10000 / 4000 万元
        assertValue("2", derived("value_added_per_energy", "2024Q3"));       // 4000 / 2000
        assertValue("0.5", derived("energy_per_value_added", "2024Q3"));     // 2000 / 4000
        assertValue("8000", derived("value_added_per_cod", "2024Q3"));       // 4000 / 0.5
        assertValue("5", derived("labour_productivity", "2024Q3"));          // 4000 / 800
        assertValue("2", derived("rd_intensity", "2024Q3"));                 // 5 / 250 × 100
        assertValue("25", derived("high_tech_share", "2024Q3"));             // 1000 / 4000 × 100
    }

    @Test
    void growthComparesTheSameQuarterOfTheYearBefore() {
        put("fixed_asset_investment", "2023Q2", "160", "A");
        put("fixed_asset_investment", "2024Q2", "200", "A");
        put("fixed_asset_investment", "2024Q3", "300", "A");
        put("industrial_value_added", "2023Q4", "1000", "A");
        put("industrial_value_added", "2024Q4", "950", "A");
        assertValue("25", derived("fixed_asset_investment_growth", "2024Q2"));   // 200 / 160 − 1
        assertNull(derived("fixed_asset_investment_growth", "2024Q3"), "no 2023Q3 value");
        assertValue("-5", derived("value_added_growth", "2024Q4"));
    }

    @Test
    void missingInputsAndNonPositiveDenominatorsGiveNoValue() {
        put("tax_revenue", "2024Q1", "10", "A");
        put("land_area", "2024Q1", "0", "A");
        put("tax_revenue", "2024Q2", "10", "A");
        put("fixed_asset_investment", "2023Q1", "0", "A");
        put("fixed_asset_investment", "2024Q1", "5", "A");
        assertNull(derived("tax_per_mu", "2024Q1"));
        assertNull(derived("tax_per_mu", "2024Q2"));
        assertNull(derived("fixed_asset_investment_growth", "2024Q1"));
        assertFalse(DerivedIndicators.compute(CATALOG.get("rd_intensity"), base).containsKey(Period.parse("2024Q1")));
    }

    @Test
    void aDerivedValueTakesTheWeakestStatusOfItsInputs() {
        put("tax_revenue", "2024Q1", "10", "P");
        put("land_area", "2024Q1", "5", "A");
        put("tax_revenue", "2024Q2", "10", "P");
        put("land_area", "2024Q2", "5", "E");
        assertEquals("P", derived("tax_per_mu", "2024Q1").status());
        assertEquals("E", derived("tax_per_mu", "2024Q2").status());
        assertNull(derived("tax_per_mu", "2024Q1").revision());
    }
}
