package io.zonewatch.observations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonewatch.catalog.DefaultCatalog;
import io.zonewatch.catalog.Indicator;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /platforms/{code}/observations: stored and derived values, filters. */
class ObservationApiTest extends ServiceTest {
    @BeforeAll
    static void setUp() {
        service.platforms("OB,观测区,provincial,etdz,台州市,,,\n");
        Api.Response r = api.feed(ADMIN, """
                platform_code,indicator_code,period,value,status
                OB,fixed_asset_investment,2023Q2,160,A
                OB,fixed_asset_investment,2024Q2,200,A
                OB,tax_revenue,2024Q2,300,A
                OB,land_area,2024Q2,150,P
                OB,industrial_value_added,2024Q2,4000,A
                OB,water_consumption,2024Q2,12,A
                OB,rd_expenditure,2024Q2,5,A
                OB,operating_revenue,2024Q2,250,A
                OB,tax_revenue,2024Q3,450,A
                OB,land_area,2024Q3,0,A
                """, null);
        assertEquals(201, r.status(), r.toString());
    }

    private static JsonArray read(String query) {
        Api.Response r = api.get("/api/v1/platforms/OB/observations?" + query, ADMIN);
        assertEquals(200, r.status(), r.toString());
        assertEquals("OB", r.json().getString("platform"));
        return r.array("observations");
    }

    private static JsonObject find(JsonArray list, String indicator, String period) {
        return list.stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("indicator").equals(indicator) && o.getString("period").equals(period))
                .findFirst().orElse(null);
    }

    @Test
    void derivedValuesMatchHandComputedOnes() {
        JsonArray list = read("from=2024Q2&to=2024Q3");
        JsonObject taxPerMu = find(list, "tax_per_mu", "2024Q2");
        assertEquals(2.0, taxPerMu.getDouble("value"), 1e-12);                 // 300 / 150
        assertTrue(taxPerMu.getBoolean("derived"));
        assertEquals("P", taxPerMu.getString("status"), "land area is provisional");
        assertEquals("万元/亩", taxPerMu.getString("unit"));
        assertNull(taxPerMu.getValue("revision"));
        assertEquals(30.0, find(list, "water_per_value_added", "2024Q2").getDouble("value"), 1e-12); // 12 × 10000 / 4000
        assertEquals(2.0, find(list, "rd_intensity", "2024Q2").getDouble("value"), 1e-12);          // 5 / 250 × 100
        assertEquals(25.0, find(list, "fixed_asset_investment_growth", "2024Q2").getDouble("value"), 1e-12); // 200/160 − 1
        assertNull(find(list, "tax_per_mu", "2024Q3"), "land area 0: no value");
        assertNull(find(list, "labour_productivity", "2024Q2"), "no employees: no value");
        JsonObject tax = find(list, "tax_revenue", "2024Q2");
        assertFalse(tax.getBoolean("derived"));
        assertEquals(1, tax.getInteger("revision"));
        assertTrue(tax.getLong("feedId") > 0);
    }

    @Test
    void aPlatformWithoutValuesHasAnEmptyList() {
        assertEquals(0, read("from=2010Q1&to=2010Q4").size());
        assertEquals(0, read("from=2010Q1&to=2010Q4&asOf=2030-01-01").size());
        assertEquals(1, read("indicator=tax_revenue&from=2024Q3&to=2024Q3&asOf=2030-01-01").size());
    }

    @Test
    void indicatorAndPeriodFilters() {
        JsonArray list = read("indicator=tax_per_mu&indicator=tax_revenue&from=2024Q3&to=2024Q3");
        assertEquals(List.of("tax_revenue"), list.stream().map(o -> ((JsonObject) o).getString("indicator")).toList());
        JsonArray growth = read("indicator=fixed_asset_investment_growth,fixed_asset_investment&from=2024Q1");
        assertEquals(2, growth.size(), growth.encode());
        assertEquals("fixed_asset_investment", growth.getJsonObject(0).getString("indicator"), "catalog order");
        assertEquals(3, read("indicator=fixed_asset_investment,fixed_asset_investment_growth").size());
    }

    /**
     * Over four years of seeded values with every status, zeros and gaps: the stored values come back as the
     * exact decimals stored, and the derived ones are DerivedIndicators' 16-digit values (what the ranking
     * and the warning rules use), with the weakest input's status, for the current state and as of an instant.
     */
    @Test
    void storedValuesAreExactAndDerivedOnesThoseOfTheRanking() {
        service.platforms("OX,派生区,provincial,etdz,台州市,,,\n");
        List<Indicator> catalog = DefaultCatalog.load().indicators();
        Random random = new Random(20261122);
        Map<String, NavigableMap<Period, ObservationValue>> base = new HashMap<>();
        StringBuilder csv = new StringBuilder("platform_code,indicator_code,period,value,status\n");
        String[] statuses = {"A", "A", "A", "P", "E", "B"};
        for (Indicator ind : catalog) {
            if (ind.derived()) continue;
            for (int year = 2021; year <= 2024; year++) {
                for (int q = 1; q <= 4; q++) {
                    if (random.nextInt(12) == 0) continue;                         // a gap
                    BigDecimal value = random.nextInt(20) == 0 ? BigDecimal.ZERO     // a zero denominator
                            : BigDecimal.valueOf(random.nextInt(1_000_000) + 1, random.nextInt(4)).stripTrailingZeros();
                    if (value.scale() < 0) value = value.setScale(0);
                    String status = statuses[random.nextInt(statuses.length)];
                    Period period = new Period(year, q);
                    csv.append("OX,").append(ind.code()).append(',').append(period).append(',')
                            .append(value.toPlainString()).append(',').append(status).append('\n');
                    base.computeIfAbsent(ind.code(), k -> new TreeMap<>()).put(period, new ObservationValue(value, status, 1, null));
                }
            }
        }
        Api.Response fed = api.feed(ADMIN, csv.toString(), "mode=lenient");
        assertEquals(201, fed.status(), fed.toString());

        // The stored base values, read back.
        Map<String, NavigableMap<Period, ObservationValue>> stored = new HashMap<>();
        for (JsonNode o : observations("from=2021Q1&to=2024Q4")) {
            if (o.get("derived").asBoolean()) continue;
            Period period = Period.parse(o.get("period").asText());
            BigDecimal value = o.get("value").decimalValue();
            ObservationValue sent = base.get(o.get("indicator").asText()).get(period);
            assertEquals(sent.value().toPlainString(), value.toPlainString(), o + ": the stored decimal, exactly");
            assertEquals(sent.status(), o.get("status").asText());
            stored.computeIfAbsent(o.get("indicator").asText(), k -> new TreeMap<>()).put(period, new ObservationValue(value, sent.status(), 1, null));
        }
        assertEquals(base.values().stream().mapToInt(Map::size).sum(), stored.values().stream().mapToInt(Map::size).sum(), "every seeded row stored");

        Map<String, ObservationValue> expected = new TreeMap<>();
        Period from = Period.parse("2022Q1"), to = Period.parse("2024Q4");
        for (Indicator ind : catalog) {
            if (ind.derived()) DerivedIndicators.compute(ind, stored).subMap(from, true, to, true)
                    .forEach((p, v) -> expected.put(ind.code() + "@" + p, v));
        }
        for (Indicator ind : catalog) {
            if (ind.derived()) assertTrue(expected.keySet().stream().anyMatch(k -> k.startsWith(ind.code() + "@")), ind.code() + " has values");
        }
        for (String asOf : List.of("", "&asOf=2099-01-01")) {
            Map<String, JsonNode> actual = new TreeMap<>();
            for (JsonNode o : observations("from=2022Q1&to=2024Q4" + asOf)) {
                if (o.get("derived").asBoolean()) actual.put(o.get("indicator").asText() + "@" + o.get("period").asText(), o);
            }
            assertEquals(expected.keySet(), actual.keySet(), "the same derived keys" + asOf);
            expected.forEach((key, want) -> {
                JsonNode got = actual.get(key);
                assertEquals(want.status(), got.get("status").asText(), key);
                BigDecimal value = got.get("value").decimalValue();
                assertEquals(0, want.value().compareTo(value), key + ": " + want.value() + " vs " + value);
            });
        }
    }

    private static JsonNode observations(String query) {
        Api.Response r = api.get("/api/v1/platforms/OX/observations?" + query, ADMIN);
        assertEquals(200, r.status(), r.toString());
        try {
            return MAPPER.readTree(r.text()).get("observations");
        } catch (java.io.IOException e) {
            throw new AssertionError(r.text(), e);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void badQueriesAreClientErrors() {
        for (String q : List.of("from=2024Q5", "to=24Q1", "from=2024Q3&to=2024Q1", "indicator=gdp", "asOf=soon",
                "asOf=%2B999999999-12-31", "asOf=9999-01-01")) {
            Api.Response r = api.get("/api/v1/platforms/OB/observations?" + q, ADMIN);
            assertEquals(400, r.status(), q);
            assertFalse(r.json().getString("error").isBlank());
        }
        Api.Response unknown = api.get("/api/v1/platforms/NOPE/observations?asOf=2025-01-01", ADMIN);
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.json().getString("error"));
        assertEquals(404, api.get("/api/v1/platforms/NOPE/observations", ADMIN).status());
        assertEquals(404, api.get("/api/v1/platforms/a%00b/observations", ADMIN).status());
    }
}
