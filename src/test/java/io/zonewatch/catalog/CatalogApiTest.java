package io.zonewatch.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.util.List;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Indicator catalog and platform upkeep over HTTP. */
class CatalogApiTest extends ServiceTest {
    private static JsonObject platform(String name) {
        return new JsonObject().put("name", name).put("nameEn", "Zone").put("level", "national").put("type", "etdz")
                .put("region", "嘉兴市/平湖市");
    }

    @Test
    void theDefaultCatalogIsLoadedAtFirstStart() {
        JsonArray indicators = api.get("/api/v1/indicators", ADMIN).array("indicators");
        assertEquals(24, indicators.size());
        JsonObject first = indicators.getJsonObject(0);
        assertEquals("fixed_asset_investment", first.getString("code"));
        assertEquals("万元", first.getString("unit"));
        assertEquals("ytd_flow", first.getString("kind"));
        JsonObject water = api.get("/api/v1/indicators/water_per_value_added", ADMIN).json();
        assertEquals("derived", water.getString("kind"));
        assertEquals("lower", water.getString("better"));
        assertEquals("ratio", water.getJsonObject("formula").getString("type"));
        assertEquals("water_consumption", water.getJsonObject("formula").getString("numerator"));
        assertEquals(0, water.getJsonObject("formula").getNumber("factor").intValue() - 10000);
        assertEquals("growth", api.get("/api/v1/indicators/value_added_growth", ADMIN).json().getJsonObject("formula").getString("type"));
        assertEquals(1, service.scalar("SELECT count(*) FROM app_state WHERE key = 'catalog_seeded'"));
        assertEquals(404, api.get("/api/v1/indicators/gdp", ADMIN).status());
    }

    @Test
    void putCreatesThenUpdatesAPlatform() {
        Api.Response created = api.put("/api/v1/platforms/ZJ-PH-ETDZ", ADMIN, platform("平湖经济技术开发区").put("activeFrom", "1996-01-01"));
        assertEquals(201, created.status(), created.toString());
        assertEquals("1996-01-01", created.json().getString("activeFrom"));
        Api.Response updated = api.put("/api/v1/platforms/ZJ-PH-ETDZ", ADMIN, platform("平湖经开区").put("activeTo", "2030-12-31"));
        assertEquals(200, updated.status());
        JsonObject read = api.get("/api/v1/platforms/ZJ-PH-ETDZ", ADMIN).json();
        assertEquals("平湖经开区", read.getString("name"));
        assertEquals("嘉兴市/平湖市", read.getString("region"));
        assertNull(read.getString("activeFrom"), "PUT replaces the whole record");
        assertEquals("2030-12-31", read.getString("activeTo"));
        assertEquals(404, api.get("/api/v1/platforms/NOPE", ADMIN).status());
    }

    @Test
    void invalidPlatformsAreRefusedWithEveryProblem() {
        Api.Response r = api.put("/api/v1/platforms/bad%20code", ADMIN, new JsonObject().put("name", "").put("level", "galactic")
                .put("type", "etdz").put("activeFrom", "2020-13-01"));
        assertEquals(422, r.status(), r.toString());
        List<String> codes = r.array("errors").stream().map(e -> ((JsonObject) e).getString("code")).toList();
        assertTrue(codes.containsAll(List.of("bad_code", "missing_field", "bad_level", "bad_date")), codes.toString());
        assertEquals(422, api.put("/api/v1/platforms/P1", ADMIN, platform("x").put("parentCode", "NOPE")).status());
        assertEquals("self_parent", api.put("/api/v1/platforms/P1", ADMIN, platform("x").put("parentCode", "P1")).json().getString("error"));
        assertEquals("bad_active_range", api.put("/api/v1/platforms/P1", ADMIN,
                platform("x").put("activeFrom", "2020-01-01").put("activeTo", "2019-01-01")).json().getString("error"));
        assertEquals("code_mismatch", api.put("/api/v1/platforms/P1", ADMIN, platform("x").put("code", "P2")).json().getString("error"));
        assertEquals(404, api.get("/api/v1/platforms/P1", ADMIN).status());
        assertEquals("bad_date", api.put("/api/v1/platforms/P1", ADMIN, platform("x").put("activeTo", "+9999999-01-01")).json().getString("error"));
        assertEquals("bad_value", api.put("/api/v1/platforms/P1", ADMIN, platform("a\u0000b")).json().getString("error"));
        assertEquals(404, api.get("/api/v1/platforms/a%00b", ADMIN).status());
        assertEquals(404, api.get("/api/v1/indicators/a%00b", ADMIN).status());
        assertEquals(400, api.get("/api/v1/platforms?type=%00", ADMIN).status());
        assertEquals(400, api.get("/api/v1/platforms?level=galactic", ADMIN).status());
    }

    @Test
    void bulkJsonIsAllOrNothingAndChecksParentsAndCycles() {
        JsonArray batch = new JsonArray()
                .add(platform("主园").put("code", "MAIN"))
                .add(platform("分园").put("code", "SUB").put("parentCode", "MAIN"));
        Api.Response ok = api.post("/api/v1/platforms", ADMIN, "application/json", batch.encode());
        assertEquals(200, ok.status(), ok.toString());
        assertEquals(2, ok.json().getInteger("created"));
        assertEquals("MAIN", api.get("/api/v1/platforms/SUB", ADMIN).json().getString("parentCode"));

        JsonArray cycle = new JsonArray().add(platform("主园").put("code", "MAIN").put("parentCode", "SUB"))
                .add(platform("新园").put("code", "NEW1"));
        Api.Response refused = api.post("/api/v1/platforms", ADMIN, "application/json", cycle.encode());
        assertEquals(422, refused.status());
        assertEquals("parent_cycle", refused.json().getString("error"));
        assertEquals(404, api.get("/api/v1/platforms/NEW1", ADMIN).status(), "nothing of a refused batch is stored");

        JsonArray dup = new JsonArray().add(platform("a").put("code", "D1")).add(platform("b").put("code", "D1"));
        assertEquals("duplicate_code", api.post("/api/v1/platforms", ADMIN, "application/json", dup.encode()).json().getString("error"));
        assertEquals(415, api.post("/api/v1/platforms", ADMIN, "application/xml", "<x/>").status());
        assertEquals(400, api.post("/api/v1/platforms", ADMIN, "application/json", "{\"not\":\"an array\"}").status());
    }

    @Test
    void bulkCsvInGb18030() {
        String csv = "code,name,name_en,level,type,region,parent_code,active_from,active_to\n"
                + "ZJ-HZ-ETDZ,杭州经济技术开发区,Hangzhou ETDZ,national,etdz,杭州市/钱塘区,,1993-04-01,\n"
                + "ZJ-HZ-HTZ,杭州高新技术产业开发区,,national,hitech,杭州市/滨江区,,,\n";
        Api.Response r = api.post("/api/v1/platforms", ADMIN, "text/csv; charset=gb18030", csv.getBytes(Charset.forName("GB18030")));
        assertEquals(200, r.status(), r.toString());
        assertEquals(2, r.json().getInteger("platforms"));
        JsonObject hz = api.get("/api/v1/platforms/ZJ-HZ-ETDZ", ADMIN).json();
        assertEquals("杭州经济技术开发区", hz.getString("name"));
        assertEquals("1993-04-01", hz.getString("activeFrom"));
        JsonArray hitech = api.get("/api/v1/platforms?type=hitech", ADMIN).array("platforms");
        assertTrue(hitech.stream().allMatch(p -> "hitech".equals(((JsonObject) p).getString("type"))));
        assertTrue(hitech.stream().anyMatch(p -> "ZJ-HZ-HTZ".equals(((JsonObject) p).getString("code"))));

        Api.Response badColumn = api.post("/api/v1/platforms", ADMIN, "text/csv", "code,name,colour\nX,y,red\n");
        assertEquals(422, badColumn.status());
        assertEquals("unknown_column", badColumn.json().getString("error"));
    }

    @Test
    void adminsAddIndicatorsButCannotBreakStoredData() {
        JsonObject perEmployee = new JsonObject().put("name", "人均税收").put("nameEn", "Tax per employee").put("unit", "万元/人")
                .put("kind", "derived").put("better", "higher")
                .put("formula", new JsonObject().put("type", "ratio").put("numerator", "tax_revenue").put("denominator", "employees"));
        // Observation reads keep the indicators in a process-wide cache: a change must show at once.
        service.platforms("IND1,指标测试,county,other,温州市,,,\n");
        assertEquals("unknown_indicator",
                api.get("/api/v1/platforms/IND1/observations?indicator=tax_per_employee", ADMIN).json().getString("error"));
        assertEquals(201, api.put("/api/v1/indicators/tax_per_employee", ADMIN, perEmployee).status());
        assertEquals(200, api.get("/api/v1/platforms/IND1/observations?indicator=tax_per_employee", ADMIN).status());
        assertEquals(200, api.put("/api/v1/indicators/tax_per_employee", ADMIN, perEmployee.copy().put("name", "人均税收收入")).status());
        assertEquals("bad_formula", api.put("/api/v1/indicators/x2", ADMIN,
                perEmployee.copy().put("formula", new JsonObject().put("type", "ratio").put("numerator", "tax_per_mu").put("denominator", "employees")))
                .json().getString("error"));

        assertEquals(201, api.feed(ADMIN, "platform_code,indicator_code,period,value\nIND1,tax_revenue,2024Q1,9\n", null).status());
        JsonObject tax = api.get("/api/v1/indicators/tax_revenue", ADMIN).json();
        JsonObject changedUnit = new JsonObject().put("name", tax.getString("name")).put("nameEn", tax.getString("nameEn"))
                .put("unit", "元").put("kind", "ytd_flow").put("better", "higher");
        Api.Response r = api.put("/api/v1/indicators/tax_revenue", ADMIN, changedUnit);
        assertEquals(409, r.status());
        assertEquals("indicator_in_use", r.json().getString("error"));
        assertEquals(200, api.put("/api/v1/indicators/tax_revenue", ADMIN, changedUnit.put("unit", "万元").put("name", "税收")).status());
    }
}
