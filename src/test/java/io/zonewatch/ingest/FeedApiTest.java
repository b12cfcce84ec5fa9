package io.zonewatch.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** POST /api/v1/feeds end to end: formats, encodings, bad input, modes, replays, revisions, asOf. */
class FeedApiTest {
    private static final String HEADER = "platform_code,indicator_code,period,value,unit,status,note\n";
    private static TestService service;
    private static Api api;
    private static String bureau;

    @BeforeAll
    static void start() {
        service = TestService.start(Map.of(Config.MAX_FEED_BYTES, "65536"));
        api = service.api;
        service.platforms("""
                FA,Feed A 开发区,national,etdz,杭州市,,,
                FB,Feed B 高新区,provincial,hitech,宁波市,,,
                FCLOSED,Closed zone,county,other,温州市,,2016-01-01,2021-12-31
                FNEW,New zone,county,other,温州市,,2019-01-01,
                """);
        bureau = service.token("bureau", null);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static BigDecimal current(String platform, String indicator, String period) {
        String v = service.text("SELECT value::text FROM observation_current WHERE platform_code = '" + platform
                + "' AND indicator_code = '" + indicator + "' AND period = '" + period + "'");
        return v == null ? null : new BigDecimal(v);
    }

    private static long stored() {
        return service.scalar("SELECT count(*) FROM observation_version") * 1_000_000
                + service.scalar("SELECT count(*) FROM observation_current");
    }

    @Test
    void csvFeedIsStoredExactlyWithUnitConversion() {
        Api.Response r = api.feed(bureau, HEADER + """
                FA,tax_revenue,2023Q1,123456.78,,A,
                FA,industrial_output,2023Q1,1.5,亿元,P,初步数
                FA,operating_revenue,2023Q1,2000000,元,,
                FA,energy_consumption,2023Q1,0.25,万吨标准煤,E,
                FA,employees,2023Q1,0.1,,,
                """, null);
        assertEquals(201, r.status(), r.toString());
        JsonObject body = r.json();
        assertEquals("accepted", body.getString("status"));
        assertEquals(5, body.getInteger("rows"));
        assertEquals(5, body.getInteger("inserted"));
        assertEquals(0, body.getInteger("revised") + body.getInteger("unchanged") + body.getInteger("rejected"));
        assertEquals(new BigDecimal("123456.78"), current("FA", "tax_revenue", "2023-01-01"));
        assertEquals(0, new BigDecimal("15000").compareTo(current("FA", "industrial_output", "2023-01-01")));
        assertEquals(0, new BigDecimal("200").compareTo(current("FA", "operating_revenue", "2023-01-01")));
        assertEquals(0, new BigDecimal("2500").compareTo(current("FA", "energy_consumption", "2023-01-01")));
        assertEquals(new BigDecimal("0.1"), current("FA", "employees", "2023-01-01"));
        assertEquals("P", service.text("SELECT status FROM observation_current WHERE indicator_code = 'industrial_output' AND platform_code = 'FA'"));
        assertEquals("初步数", service.text("SELECT note FROM observation_version WHERE indicator_code = 'industrial_output' AND platform_code = 'FA'"));

        JsonObject feed = api.get("/api/v1/feeds/" + body.getLong("feedId"), bureau).json();
        assertEquals("accepted", feed.getString("status"));
        assertEquals(5, feed.getInteger("inserted"));
        assertEquals(64, feed.getString("contentSha256").length());
    }

    @Test
    void gb18030AndGbkBodiesAreDecodedByCharset() {
        String csv = HEADER + "FA,tax_revenue,2023Q2,2.5,亿元,A,国家统计局口径\n";
        for (String charset : List.of("gb18030", "GBK")) {
            byte[] bytes = csv.replace("2023Q2", charset.equals("GBK") ? "2023Q3" : "2023Q2").getBytes(Charset.forName("GB18030"));
            Api.Response r = api.post("/api/v1/feeds", bureau, "text/csv; charset=" + charset, bytes);
            assertEquals(201, r.status(), r.toString());
        }
        assertEquals(0, new BigDecimal("25000").compareTo(current("FA", "tax_revenue", "2023-04-01")));
        assertEquals(0, new BigDecimal("25000").compareTo(current("FA", "tax_revenue", "2023-07-01")));
        assertEquals("国家统计局口径", service.text("SELECT note FROM observation_version WHERE platform_code = 'FA' AND period = '2023-04-01' AND indicator_code = 'tax_revenue'"));

        // The same GBK bytes declared (by default) as UTF-8: rejected with the line and a hint.
        long before = stored();
        byte[] gbk = (HEADER + "FA,tax_revenue,2023Q4,2.5,亿元,A,\n").getBytes(Charset.forName("GB18030"));
        Api.Response wrong = api.post("/api/v1/feeds", bureau, "text/csv", gbk);
        assertEquals(422, wrong.status(), wrong.toString());
        assertEquals("bad_encoding", wrong.json().getString("error"));
        assertEquals(2, wrong.array("errors").getJsonObject(0).getLong("row"));
        assertTrue(wrong.json().getString("message").contains("gb18030"));
        assertEquals(before, stored());
    }

    @Test
    void byteOrderMarkIsTolerated() {
        byte[] body = ("\uFEFF" + "PLATFORM_CODE,Indicator_Code,PERIOD,VALUE\nFB,tax_revenue,2023Q1,77\n").getBytes(StandardCharsets.UTF_8);
        Api.Response r = api.post("/api/v1/feeds", bureau, "text/csv; charset=utf-8", body);
        assertEquals(201, r.status(), r.toString());
        assertEquals(new BigDecimal("77"), current("FB", "tax_revenue", "2023-01-01"));
    }

    @Test
    void jsonFeedAcceptsNumbersAndNumericStrings() {
        JsonObject feed = new JsonObject().put("observations", new JsonArray()
                .add(new JsonObject().put("platform", "FB").put("indicator", "land_area").put("period", "2023Q1").put("value", 1500))
                .add(new JsonObject().put("platform", "FB").put("indicator", "industrial_value_added").put("period", "2023Q1")
                        .put("value", "4000.50").put("status", "p"))
                .add(new JsonObject().put("platform", "FB").put("indicator", "water_consumption").put("period", "2023Q1")
                        .put("value", 120000).put("unit", "立方米")));
        Api.Response r = api.postJson("/api/v1/feeds", bureau, feed);
        assertEquals(201, r.status(), r.toString());
        assertEquals("json", r.json().getString("format"));
        assertEquals(0, new BigDecimal("1500").compareTo(current("FB", "land_area", "2023-01-01")));
        assertEquals(0, new BigDecimal("4000.5").compareTo(current("FB", "industrial_value_added", "2023-01-01")));
        assertEquals(0, new BigDecimal("12").compareTo(current("FB", "water_consumption", "2023-01-01")));
        assertEquals("P", service.text("SELECT status FROM observation_current WHERE platform_code = 'FB' AND indicator_code = 'industrial_value_added'"));

        // JSON rows are numbered by their position in the array.
        JsonObject bad = new JsonObject().put("observations", new JsonArray()
                .add(new JsonObject().put("platform", "FB").put("indicator", "land_area").put("period", "2023Q2").put("value", 1))
                .add(new JsonObject().put("platform", "FB").put("indicator", "land_area").put("period", "2023Q3").put("value", true)));
        Api.Response rejected = api.postJson("/api/v1/feeds", bureau, bad);
        assertEquals(422, rejected.status());
        JsonObject error = rejected.array("errors").getJsonObject(0);
        assertEquals(2, error.getLong("row"));
        assertEquals("not_a_number", error.getString("code"));
    }

    @Test
    void sdmxCsvWithLabelsPeriodsAndUnitMultiplier() {
        String sdmx = """
                DATAFLOW,PLATFORM: 平台,INDICATOR: 指标,TIME_PERIOD,OBS_VALUE,UNIT_MULT,OBS_STATUS,DECIMALS
                ZJ:ZONEWATCH(1.0),FB: Feed B 高新区,tax_revenue: 税收收入,2023-Q2,1.25,4,A,2
                ZJ:ZONEWATCH(1.0),FB,employees,2023-Q2,5300,,E,0
                """;
        Api.Response r = api.post("/api/v1/feeds", bureau, "application/vnd.sdmx.data+csv; version=1.0.0", sdmx);
        assertEquals(201, r.status(), r.toString());
        assertEquals("sdmx-csv", r.json().getString("format"));
        assertEquals(0, new BigDecimal("12500").compareTo(current("FB", "tax_revenue", "2023-04-01")));
        assertEquals(0, new BigDecimal("5300").compareTo(current("FB", "employees", "2023-04-01")));

        Api.Response noDataflow = api.post("/api/v1/feeds", bureau, "application/vnd.sdmx.data+csv",
                "PLATFORM,INDICATOR,TIME_PERIOD,OBS_VALUE\nFB,employees,2023-Q3,1\n");
        assertEquals(422, noDataflow.status());
        assertEquals("missing_column", noDataflow.json().getString("error"));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badRows() {
        return Stream.of(
                arguments("unknown platform", "NOPE,tax_revenue,2022Q1,1,,,", "unknown_platform", "platform_code"),
                arguments("SQL-looking code", "'; DROP TABLE observation_current; --,tax_revenue,2022Q1,1,,,", "unknown_platform", "platform_code"),
                arguments("unknown indicator", "FA,gdp,2022Q1,1,,,", "unknown_indicator", "indicator_code"),
                arguments("derived indicator", "FA,tax_per_mu,2022Q1,1,,,", "derived_indicator", "indicator_code"),
                arguments("quarter 5", "FA,tax_revenue,2024Q5,1,,,", "bad_period", "period"),
                arguments("quarter 0", "FA,tax_revenue,2024Q0,1,,,", "bad_period", "period"),
                arguments("two-digit year", "FA,tax_revenue,24Q1,1,,,", "bad_period", "period"),
                arguments("future period", "FA,tax_revenue,2099Q1,1,,,", "future_period", "period"),
                arguments("closed platform", "FCLOSED,tax_revenue,2023Q1,1,,,", "platform_inactive", "period"),
                arguments("before start", "FNEW,tax_revenue,2018Q4,1,,,", "platform_inactive", "period"),
                arguments("word", "FA,tax_revenue,2022Q1,abc,,,", "not_a_number", "value"),
                arguments("em dash", "FA,tax_revenue,2022Q1,—,,,", "not_a_number", "value"),
                arguments("NaN", "FA,tax_revenue,2022Q1,NaN,,,", "not_a_number", "value"),
                arguments("Infinity", "FA,tax_revenue,2022Q1,Infinity,,,", "not_a_number", "value"),
                arguments("thousands separator", "FA,tax_revenue,2022Q1,\"1,234.5\",,,", "not_a_number", "value"),
                arguments("percent", "FA,tax_revenue,2022Q1,12%,,,", "not_a_number", "value"),
                arguments("huge exponent", "FA,tax_revenue,2022Q1,1e400,,,", "out_of_range", "value"),
                arguments("absurd exponent", "FA,tax_revenue,2022Q1,1e99999999999,,,", "out_of_range", "value"),
                arguments("tiny exponent", "FA,tax_revenue,2022Q1,1e-20000,,,", "out_of_range", "value"),
                arguments("absurdly tiny exponent", "FA,tax_revenue,2022Q1,1e-900000000,,,", "out_of_range", "value"),
                arguments("too many digits", "FA,tax_revenue,2022Q1,0.12345678901234567890123456789012,,,", "out_of_range", "value"),
                arguments("empty value", "FA,tax_revenue,2022Q1,,,,", "missing_value", "value"),
                arguments("negative flow", "FA,tax_revenue,2022Q1,-5,,,", "negative_value", "value"),
                arguments("unknown unit", "FA,tax_revenue,2022Q1,5,公斤,,", "unknown_unit", "unit"),
                arguments("unit of another indicator", "FA,employees,2022Q1,5,万元,,", "unknown_unit", "unit"),
                arguments("bad status", "FA,tax_revenue,2022Q1,5,,X,", "bad_status", "status"),
                arguments("too few fields", "FA,tax_revenue,2022Q1", "bad_field_count", null),
                arguments("unclosed quote", "FA,tax_revenue,2022Q1,5,,,\"see table 3\nFA,tax_revenue,2022Q2,6,,,", "unbalanced_quote", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRows")
    void eachBadRowRejectsTheAtomicFeedAndStoresNothing(String name, String row, String code, String column) {
        long before = stored();
        // A good row first: in atomic mode it must not be stored either.
        Api.Response r = api.feed(bureau, HEADER + "FA,tax_revenue,2022Q4,10,,,\n" + row + "\n", null);
        assertEquals(422, r.status(), r.toString());
        JsonObject body = r.json();
        assertEquals("rejected", body.getString("status"));
        assertEquals("invalid_rows", body.getString("error"));
        JsonObject error = body.getJsonArray("errors").getJsonObject(0);
        assertEquals(code, error.getString("code"), body.encode());
        assertEquals(3, error.getLong("row"));
        assertEquals(column, error.getString("column"));
        assertFalse(error.getString("messageZh").isBlank());
        assertFalse(error.getString("messageEn").isBlank());
        assertEquals(1, body.getInteger("rejected"));
        assertEquals(before, stored());
        assertNull(current("FA", "tax_revenue", "2022-10-01"));
        assertEquals(1, service.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'observation_current'"));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badFiles() {
        return Stream.of(
                arguments("missing column", "platform_code,indicator_code,value\nFA,tax_revenue,1\n", "missing_column"),
                arguments("misnamed column", "platfrom_code,indicator_code,period,value\nFA,tax_revenue,2022Q1,1\n", "missing_column"),
                arguments("unknown extra column", "platform_code,indicator_code,period,value,stauts\nFA,tax_revenue,2022Q1,1,A\n", "unknown_column"),
                arguments("duplicate column", "platform_code,indicator_code,period,value,value\nFA,tax_revenue,2022Q1,1,2\n", "duplicate_column"),
                arguments("semicolons", "platform_code;indicator_code;period;value\nFA;tax_revenue;2022Q1;1\n", "wrong_delimiter"),
                arguments("tabs", "platform_code\tindicator_code\tperiod\tvalue\nFA\ttax_revenue\t2022Q1\t1\n", "wrong_delimiter"),
                arguments("empty body", "", "empty_feed"),
                arguments("binary garbage", "\u0000\u0001\u0002PK\u0003\u0004", "bad_encoding"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void unreadableFilesAreRejectedWithAStableCode(String name, String body, String code) {
        long before = stored();
        Api.Response r = api.feed(bureau, body, null);
        assertEquals(422, r.status(), r.toString());
        assertEquals(code, r.json().getString("error"));
        assertEquals(code, r.array("errors").getJsonObject(0).getString("code"));
        assertEquals(1, r.array("errors").getJsonObject(0).getLong("row"));
        assertEquals(before, stored());
    }

    @Test
    void headerOnlyFeedHasNoRows() {
        Api.Response r = api.feed(bureau, HEADER, null);
        assertEquals(422, r.status(), r.toString());
        assertEquals("empty_feed", r.json().getString("error"));
        assertEquals(0, r.json().getInteger("rows"));
    }

    @Test
    void duplicateKeysWithinAFeedAreRejected() {
        long before = stored();
        Api.Response atomic = api.feed(bureau, HEADER + "FA,tax_revenue,2021Q1,1,,,\nFA,tax_revenue,2021Q1,2,,,\n", null);
        assertEquals(422, atomic.status());
        JsonArray errors = atomic.array("errors");
        assertEquals("duplicate_key", errors.getJsonObject(0).getString("code"));
        assertEquals(2, errors.getJsonObject(0).getLong("row"));
        assertEquals(3, errors.getJsonObject(1).getLong("row"));
        assertEquals(before, stored());

        // Lenient: neither of the two conflicting rows is stored, the other row is.
        Api.Response lenient = api.feed(bureau, HEADER + "FA,tax_revenue,2021Q1,1,,,\nFA,tax_revenue,2021Q1,2,,,\nFA,tax_revenue,2021Q2,3,,,\n", "mode=lenient");
        assertEquals(201, lenient.status(), lenient.toString());
        assertEquals("partial", lenient.json().getString("status"));
        assertEquals(2, lenient.json().getInteger("rejected"));
        assertNull(current("FA", "tax_revenue", "2021-01-01"));
        assertEquals(new BigDecimal("3"), current("FA", "tax_revenue", "2021-04-01"));
    }

    @Test
    void jsonTextWithNulAndDuplicateFieldsIsRefusedNot500() {
        JsonObject nul = new JsonObject().put("observations", new JsonArray().add(new JsonObject().put("platform", "FB")
                .put("indicator", "tax_revenue").put("period", "2018Q1").put("value", 1).put("note", "a\u0000b")));
        Api.Response r = api.postJson("/api/v1/feeds", bureau, nul);
        assertEquals(422, r.status(), r.toString());
        assertEquals("bad_text", r.array("errors").getJsonObject(0).getString("code"));
        Api.Response twice = api.post("/api/v1/feeds", bureau, "application/json",
                "{\"observations\":[{\"platform\":\"FB\",\"platform_code\":\"FA\",\"indicator\":\"tax_revenue\",\"period\":\"2018Q1\",\"value\":1}]}");
        assertEquals(422, twice.status());
        assertEquals("unknown_field", twice.array("errors").getJsonObject(0).getString("code"));
    }

    @Test
    void resendingAnOlderFileRevertsTheValuesItCarries() {
        String a = HEADER + "FB,water_consumption,2018Q2,100,,,\n";
        String b = HEADER + "FB,water_consumption,2018Q2,200,,,\n";
        assertEquals(201, api.feed(bureau, a, null).status());
        assertEquals(201, api.feed(bureau, b, null).status());
        Api.Response again = api.feed(bureau, a, null);
        assertEquals(201, again.status(), "superseded by b: processed again, not a replay");
        assertEquals(1, again.json().getInteger("revised"));
        assertEquals(new BigDecimal("100"), current("FB", "water_consumption", "2018-04-01"));
        assertEquals(200, api.feed(bureau, a, null).status(), "now in force again: a replay");
    }

    @Test
    void aPartlyStoredFileResentAfterAFixStoresTheRest() {
        String csv = HEADER + "FB,energy_consumption,2018Q3,10,,,\nFLATER,energy_consumption,2018Q3,20,,,\n";
        Api.Response first = api.feed(bureau, csv, "mode=lenient");
        assertEquals("partial", first.json().getString("status"));
        service.platforms("FLATER,Later zone,county,other,温州市,,,\n");
        Api.Response second = api.feed(bureau, csv, "mode=lenient");
        assertEquals(201, second.status(), second.toString());
        assertEquals("accepted", second.json().getString("status"));
        assertEquals(1, second.json().getInteger("inserted"));
        assertEquals(1, second.json().getInteger("unchanged"));
        assertEquals(new BigDecimal("20"), current("FLATER", "energy_consumption", "2018-07-01"));
    }

    @Test
    void lenientModeStoresGoodRowsAndReportsBadOnes() {
        Api.Response r = api.feed(bureau, HEADER + """
                FB,tax_revenue,2020Q1,10,,,
                FB,tax_revenue,2020Q2,abc,,,
                FB,tax_revenue,2020Q3,30,,,
                NOPE,tax_revenue,2020Q4,40,,,
                """, "mode=lenient");
        assertEquals(201, r.status(), r.toString());
        JsonObject body = r.json();
        assertEquals("partial", body.getString("status"));
        assertEquals(4, body.getInteger("rows"));
        assertEquals(2, body.getInteger("inserted"));
        assertEquals(2, body.getInteger("rejected"));
        assertEquals(List.of(3L, 5L), body.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getLong("row")).toList());
        assertEquals(new BigDecimal("30"), current("FB", "tax_revenue", "2020-07-01"));

        Api.Response allBad = api.feed(bureau, HEADER + "FB,tax_revenue,2020Q2,abc,,,\n", "mode=lenient");
        assertEquals(422, allBad.status());
        assertEquals("rejected", allBad.json().getString("status"));
    }

    @Test
    void dryRunValidatesAndCountsButStoresNothing() {
        assertEquals(201, api.feed(bureau, HEADER + "FB,employees,2019Q1,100,,,\n", null).status());
        long before = stored();
        long feeds = service.scalar("SELECT count(*) FROM feed");
        Api.Response r = api.feed(bureau, HEADER + "FB,employees,2019Q1,100,,,\nFB,employees,2019Q2,100,,,\nFB,land_area,2019Q1,9,,,\n",
                "dryRun=true");
        assertEquals(200, r.status(), r.toString());
        JsonObject body = r.json();
        assertTrue(body.getBoolean("dryRun"));
        assertNull(body.getValue("feedId"));
        assertEquals(1, body.getInteger("unchanged"));
        assertEquals(2, body.getInteger("inserted"));
        assertEquals(before, stored());
        assertEquals(feeds, service.scalar("SELECT count(*) FROM feed"));

        Api.Response invalid = api.feed(bureau, HEADER + "FB,employees,2019Q1,x,,,\n", "dryRun=true");
        assertEquals(422, invalid.status());
        assertEquals(feeds, service.scalar("SELECT count(*) FROM feed"));
    }

    @Test
    void identicalContentIsAnsweredWithTheFirstResult() {
        String csv = HEADER + "FB,cod_emissions,2022Q1,12.5,,,\n";
        Api.Response first = api.feed(bureau, csv, null);
        assertEquals(201, first.status());
        long feeds = service.scalar("SELECT count(*) FROM feed");
        Api.Response again = api.feed(bureau, csv, null);
        assertEquals(200, again.status(), again.toString());
        assertEquals(first.json().getLong("feedId"), again.json().getLong("duplicateOf"));
        assertEquals(first.json().getLong("feedId"), again.json().getLong("feedId"));
        assertEquals(1, again.json().getInteger("inserted"));
        assertEquals(feeds, service.scalar("SELECT count(*) FROM feed"));
    }

    @Test
    void idempotencyKeyReplaysAndRefusesReuseForOtherContent() {
        String csv = HEADER + "FB,cod_emissions,2022Q2,20,,,\n";
        Api.Response first = api.post("/api/v1/feeds", bureau, "text/csv", csv, "Idempotency-Key", "bureau-2022Q2-cod");
        assertEquals(201, first.status());
        Api.Response retry = api.post("/api/v1/feeds", bureau, "text/csv", csv, "Idempotency-Key", "bureau-2022Q2-cod");
        assertEquals(200, retry.status());
        assertEquals(first.json().getLong("feedId"), retry.json().getLong("duplicateOf"));
        Api.Response other = api.post("/api/v1/feeds", bureau, "text/csv", csv.replace(",20,", ",21,"), "Idempotency-Key", "bureau-2022Q2-cod");
        assertEquals(409, other.status());
        assertEquals("idempotency_key_reused", other.json().getString("error"));
        assertEquals(new BigDecimal("20"), current("FB", "cod_emissions", "2022-04-01"));
    }

    @Test
    void aRejectedFeedCanBeResentAfterTheCatalogIsFixed() {
        String csv = HEADER + "FLATE,tax_revenue,2022Q1,5,,,\n";
        Api.Response first = api.feed(bureau, csv, null);
        assertEquals(422, first.status());
        service.platforms("FLATE,Late zone,county,other,温州市,,,\n");
        Api.Response second = api.feed(bureau, csv, null);
        assertEquals(201, second.status(), second.toString());
        assertEquals(new BigDecimal("5"), current("FLATE", "tax_revenue", "2022-01-01"));
        // The rejected attempt is on record with its errors.
        JsonObject record = api.get("/api/v1/feeds/" + first.json().getLong("feedId"), bureau).json();
        assertEquals("rejected", record.getString("status"));
        assertEquals("unknown_platform", record.getJsonArray("errors").getJsonObject(0).getString("code"));
    }

    @Test
    void revisionsAreVersionedAndAsOfReturnsThePastState() {
        Api.Response v1 = api.feed(bureau, HEADER + "FB,fixed_asset_investment,2021Q3,100,,A,\n", null);
        Api.Response v2 = api.feed(bureau, HEADER + "FB,fixed_asset_investment,2021Q3,110.0,,A,修订\n", null);
        Api.Response same = api.feed(bureau, HEADER + "FB,fixed_asset_investment,2021Q3,110,,A,\n", null);
        Api.Response status = api.feed(bureau, HEADER + "FB,fixed_asset_investment,2021Q3,110,,P,\n", null);
        assertEquals(1, v1.json().getInteger("inserted"));
        assertEquals(1, v2.json().getInteger("revised"));
        assertEquals(1, same.json().getInteger("unchanged"));
        assertEquals(1, status.json().getInteger("revised"), "a status change is a new version");
        assertEquals(3, service.scalar("SELECT count(*) FROM observation_version WHERE platform_code = 'FB' AND indicator_code = 'fixed_asset_investment'"));

        String path = "/api/v1/platforms/FB/observations?indicator=fixed_asset_investment&from=2021Q3&to=2021Q3";
        JsonObject now = api.get(path, bureau).json().getJsonArray("observations").getJsonObject(0);
        assertEquals(3, now.getInteger("revision"));
        assertEquals("P", now.getString("status"));
        assertEquals(0, new BigDecimal("110").compareTo(new BigDecimal(now.getValue("value").toString())));
        assertEquals(status.json().getLong("feedId"), now.getLong("feedId"));

        Instant beforeV2 = Instant.parse(v2.json().getString("receivedAt")).minusNanos(1000);
        JsonObject then = api.get(path + "&asOf=" + beforeV2, bureau).json().getJsonArray("observations").getJsonObject(0);
        assertEquals(1, then.getInteger("revision"));
        assertEquals(0, new BigDecimal("100").compareTo(new BigDecimal(then.getValue("value").toString())));
        assertEquals(v1.json().getLong("feedId"), then.getLong("feedId"));

        Instant beforeV1 = Instant.parse(v1.json().getString("receivedAt")).minusNanos(1000);
        assertTrue(api.get(path + "&asOf=" + beforeV1, bureau).json().getJsonArray("observations").isEmpty());
        assertEquals(400, api.get(path + "&asOf=yesterday", bureau).status());
    }

    @Test
    void concurrentFeedsOnTheSameKeysLoseNoRevision() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<CompletableFuture<Api.Response>> calls = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String csv = HEADER + "FA,rd_expenditure,2020Q1," + (1000 + i) + ",,,\nFB,rd_expenditure,2020Q1," + (2000 + i) + ",,,\n";
                calls.add(CompletableFuture.supplyAsync(() -> api.feed(bureau, csv, null), pool));
            }
            for (CompletableFuture<Api.Response> c : calls) assertEquals(201, c.get().status(), c.get().toString());
        } finally {
            pool.shutdown();
        }
        for (String p : List.of("FA", "FB")) {
            String where = " FROM observation_version WHERE platform_code = '" + p + "' AND indicator_code = 'rd_expenditure' AND period = '2020-01-01'";
            assertEquals(writers, service.scalar("SELECT count(*)" + where));
            assertEquals(writers, service.scalar("SELECT count(DISTINCT revision)" + where));
            assertEquals(writers, service.scalar("SELECT max(revision)" + where));
            assertEquals(writers, service.scalar("SELECT revision FROM observation_current WHERE platform_code = '" + p
                    + "' AND indicator_code = 'rd_expenditure' AND period = '2020-01-01'"));
            // Recording instants follow revisions, so asOf never shows a later revision without the earlier ones.
            assertEquals(0, service.scalar("SELECT count(*) FROM (SELECT recorded_at < lag(recorded_at) OVER (ORDER BY revision) AS back"
                    + where + ") t WHERE back"));
        }
    }

    @Test
    void wrongContentTypeOversizedBodyAndBadParameters() {
        Api.Response type = api.post("/api/v1/feeds", bureau, "application/xml", "<feed/>");
        assertEquals(415, type.status());
        assertEquals("unsupported_media_type", type.json().getString("error"));
        assertEquals(415, api.post("/api/v1/feeds", bureau, "text/csv; charset=klingon", "x").status());

        long before = stored();
        StringBuilder big = new StringBuilder(HEADER);
        while (big.length() < 70_000) big.append("FA,tax_revenue,2019Q1,1,,,\n");
        Api.Response tooBig = api.feed(bureau, big.toString(), null);
        assertEquals(413, tooBig.status());
        assertEquals("body_too_large", tooBig.json().getString("error"));
        assertEquals(before, stored());

        assertEquals("bad_parameter", api.feed(bureau, HEADER, "mode=sloppy").json().getString("error"));
        assertEquals(400, api.feed(bureau, HEADER, "dryRun=maybe").status());
        assertEquals(400, api.post("/api/v1/feeds", bureau, "text/csv", HEADER, "Idempotency-Key", "k".repeat(201)).status());
    }

    @Test
    void feedListShowsNewestFirstWithCounts() {
        Api.Response r = api.feed(bureau, HEADER + "FB,high_tech_value_added,2022Q1,1,,,\n", null);
        long id = r.json().getLong("feedId");
        JsonArray list = api.get("/api/v1/feeds?limit=5", bureau).array("feeds");
        assertTrue(list.size() <= 5);
        assertEquals(id, list.getJsonObject(0).getLong("feedId"));
        assertEquals(1, list.getJsonObject(0).getInteger("inserted"));
        assertNotNull(list.getJsonObject(0).getString("submitter"));
        assertEquals(400, api.get("/api/v1/feeds?limit=0", bureau).status());
        assertEquals(404, api.get("/api/v1/feeds/999999", bureau).status());
        assertEquals(404, api.get("/api/v1/feeds/abc", bureau).status());
    }

    @Test
    void auditTrailRecordsEveryFeed() {
        Api.Response r = api.feed(bureau, HEADER + "FB,tax_revenue,2019Q3,5,,,\n", null);
        assertEquals(1, service.scalar("SELECT count(*) FROM audit_log WHERE action = 'feed.submit' AND subject = 'feed:"
                + r.json().getLong("feedId") + "' AND actor = 'test bureau'"));
    }

    @Test
    void feedsAndTheVersionHistoryCannotBeRemovedOrRewritten() throws java.sql.SQLException {
        Api.Response r = api.feed(bureau, HEADER + "FB,tax_revenue,2018Q1,7,,,\n", null);
        assertEquals(201, r.status(), r.toString());
        long feed = r.json().getLong("feedId");
        try (java.sql.Connection c = io.zonewatch.testing.TestDatabase.connect(service.db); java.sql.Statement s = c.createStatement()) {
            for (String sql : List.of("DELETE FROM feed WHERE id = " + feed, "TRUNCATE feed CASCADE",
                    "UPDATE observation_version SET value = 8 WHERE feed_id = " + feed,
                    "DELETE FROM observation_version WHERE feed_id = " + feed, "TRUNCATE observation_version")) {
                java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, () -> s.execute(sql), sql);
                assertTrue(e.getMessage().contains("append-only"), e.getMessage());
            }
        }
        assertEquals(1, service.scalar("SELECT count(*) FROM observation_version WHERE feed_id = " + feed));
        assertEquals(1, service.scalar("SELECT count(*) FROM feed WHERE id = " + feed));
    }
}
