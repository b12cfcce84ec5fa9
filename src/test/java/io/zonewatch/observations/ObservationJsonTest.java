package io.zonewatch.observations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.catalog.DefaultCatalog;
import io.zonewatch.catalog.Indicator;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The observations answer is written as bytes; it must be the JSON an object tree encodes to. */
class ObservationJsonTest {
    private final Map<String, Indicator> catalog = DefaultCatalog.load().indicators().stream()
            .collect(Collectors.toMap(Indicator::code, Function.identity()));

    @Test
    void writesTheSameJsonAsTheObjectTree() {
        Indicator tax = catalog.get("tax_revenue"), perMu = catalog.get("tax_per_mu");
        List<ObservationService.Observation> list = List.of(
                new ObservationService.Observation(tax, Period.parse("2025Q1"), new ObservationValue(new BigDecimal("1200.50"), "A", 3, 42L)),
                new ObservationService.Observation(tax, Period.parse("2000Q4"), new ObservationValue(new BigDecimal("-7"), "E", 10, 9_876_543_210L)),
                new ObservationService.Observation(perMu, Period.parse("2025Q1"), new ObservationValue(new BigDecimal("0.000012345678901234"), "P", null, null)));
        OffsetDateTime asOf = OffsetDateTime.of(2025, 3, 1, 10, 0, 0, 0, ZoneOffset.ofHours(8));

        JsonObject expected = new JsonObject().put("platform", "ZJ-\"1\"").put("asOf", "2025-03-01T02:00:00Z").put("observations", new JsonArray()
                .add(new JsonObject().put("indicator", "tax_revenue").put("period", "2025Q1").put("value", new BigDecimal("1200.50"))
                        .put("unit", tax.unit()).put("status", "A").put("derived", false).put("revision", 3).put("feedId", 42L))
                .add(new JsonObject().put("indicator", "tax_revenue").put("period", "2000Q4").put("value", new BigDecimal("-7"))
                        .put("unit", tax.unit()).put("status", "E").put("derived", false).put("revision", 10).put("feedId", 9_876_543_210L))
                .add(new JsonObject().put("indicator", "tax_per_mu").put("period", "2025Q1").put("value", new BigDecimal("0.000012345678901234"))
                        .put("unit", perMu.unit()).put("status", "P").put("derived", true).put("revision", null).put("feedId", null)));
        String written = ObservationJson.write("ZJ-\"1\"", asOf, list).toString();
        assertEquals(expected.encode(), written);
        assertEquals(expected, new JsonObject(written));
        assertEquals("{\"platform\":\"X\",\"asOf\":null,\"observations\":[]}", ObservationJson.write("X", null, List.of()).toString());
    }

    @Test
    void derivedValuesAreWrittenWithoutAnExponent() {
        Indicator perMu = catalog.get("tax_per_mu");
        // 16-digit quotients as DerivedIndicators computes them; BigDecimal.toString would write 8E+3 and 1.234E-9.
        String written = ObservationJson.write("X", null, List.of(
                new ObservationService.Observation(perMu, Period.parse("2025Q1"), new ObservationValue(new BigDecimal("8E+3"), "A", null, null)),
                new ObservationService.Observation(perMu, Period.parse("2025Q2"), new ObservationValue(new BigDecimal("1.234E-9"), "A", null, null)))).toString();
        assertTrue(written.contains("\"value\":8000,"), written);
        assertTrue(written.contains("\"value\":0.000000001234,"), written);
    }
}
