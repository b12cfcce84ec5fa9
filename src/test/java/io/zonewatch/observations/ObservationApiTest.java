package io.zonewatch.observations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /platforms/{code}/observations: stored and derived values, filters. */
class ObservationApiTest {
    private static TestService service;
    private static Api api;

    @BeforeAll
    static void start() {
        service = TestService.start();
        api = service.api;
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

    @AfterAll
    static void stop() {
        service.close();
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
