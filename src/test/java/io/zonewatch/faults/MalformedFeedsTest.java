package io.zonewatch.faults;

import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input hardening (issue 6): a generated corpus of malformed feeds — encodings, truncations, huge
 * lines, binary garbage, formula-injection strings, very many columns — and seeded random mutations
 * of a valid feed. Every one is answered with a client error or a proper result, never a 500;
 * malformed ones store nothing; the service stays healthy.
 */
class MalformedFeedsTest {
    private static final String GOOD = """
            platform_code,indicator_code,period,value,unit,status,note
            MF1,tax_revenue,2024Q1,100.5,,A,一季度
            MF1,tax_revenue,2024Q2,"210.25",万元,P,"含""税收""返还"
            MF2,employees,2024Q1,3000,,E,
            """;
    private static TestService service;
    private static Api api;

    @BeforeAll
    static void start() {
        service = TestService.start(Map.of(Config.MAX_FEED_BYTES, String.valueOf(32 << 20)));
        api = service.api;
        service.platforms("MF1,硬化一区,county,other,衢州市,,,\nMF2,硬化二区,county,other,衢州市,,,\n");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static long stored() {
        return service.scalar("SELECT count(*) FROM observation_version");
    }

    private static Api.Response post(String contentType, byte[] body) {
        return api.post("/api/v1/feeds", ADMIN, contentType, body);
    }

    record Case(String name, String contentType, byte[] body) {
    }

    static List<Case> corpus() {
        List<Case> c = new ArrayList<>();
        byte[] good = GOOD.getBytes(StandardCharsets.UTF_8);
        c.add(new Case("UTF-16 declared as UTF-8", "text/csv", GOOD.getBytes(StandardCharsets.UTF_16)));
        c.add(new Case("Latin-1 bytes", "text/csv", "platform_code,indicator_code,period,value\nMF1,tax_revenue,2024Q3,1\nMF1,tax_revenue,2024Q4,\u00e9\u00e8\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
        c.add(new Case("truncated inside a multibyte character", "text/csv", Arrays.copyOf(good, GOOD.indexOf("一季度") + 4 + GOOD.substring(0, GOOD.indexOf("一季度")).getBytes(StandardCharsets.UTF_8).length - GOOD.indexOf("一季度"))));
        c.add(new Case("truncated inside a quoted field", "text/csv", Arrays.copyOf(good, GOOD.getBytes(StandardCharsets.UTF_8).length - 20)));
        c.add(new Case("a 10-MB line", "text/csv", ("platform_code,indicator_code,period,value\nMF1,tax_revenue,2024Q3," + "9".repeat(10 << 20) + "\n")
                .getBytes(StandardCharsets.UTF_8)));
        c.add(new Case("a 10-MB quoted note", "text/csv", ("platform_code,indicator_code,period,value,note\nMF1,tax_revenue,2024Q3,1,\"" + "x".repeat(10 << 20) + "\"\n")
                .getBytes(StandardCharsets.UTF_8)));
        byte[] garbage = new byte[200_000];
        new SplittableRandom(7).nextBytes(garbage);
        c.add(new Case("binary garbage", "text/csv", garbage));
        c.add(new Case("binary garbage as JSON", "application/json", garbage));
        c.add(new Case("binary garbage as SDMX", "application/vnd.sdmx.data+csv", garbage));
        c.add(new Case("formula injection in codes", "text/csv", "platform_code,indicator_code,period,value\n=HYPERLINK(\"http://x\"),@SUM(A1),2024Q1,+1\n-1+1,=cmd|' /C calc'!A0,2024Q1,1\n"
                .getBytes(StandardCharsets.UTF_8)));
        StringBuilder wide = new StringBuilder("platform_code,indicator_code,period,value");
        for (int i = 0; i < 20_000; i++) wide.append(",c").append(i);
        c.add(new Case("20,000 columns", "text/csv", (wide + "\nMF1,tax_revenue,2024Q1,1\n").getBytes(StandardCharsets.UTF_8)));
        c.add(new Case("only a BOM", "text/csv", new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}));
        c.add(new Case("CR-only line ends", "text/csv", GOOD.replace("\n", "\r").replace("MF1,tax_revenue,2024Q2,\"210.25\"", "MF1,tax_revenue,2024Q2,abc")
                .getBytes(StandardCharsets.UTF_8)));
        c.add(new Case("JSON nested a million deep", "application/json", ("{\"observations\":" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8)));
        c.add(new Case("JSON with a huge number", "application/json", ("{\"observations\":[{\"platform\":\"MF1\",\"indicator\":\"tax_revenue\",\"period\":\"2024Q1\",\"value\":"
                + "9".repeat(5000) + "}]}").getBytes(StandardCharsets.UTF_8)));
        c.add(new Case("JSON with content after the object", "application/json",
                "{\"observations\":[{\"platform\":\"MF1\",\"indicator\":\"tax_revenue\",\"period\":\"2024Q1\",\"value\":1}]} {\"x\":1}"
                        .getBytes(StandardCharsets.UTF_8)));
        c.add(new Case("JSON without observations", "application/json", "{\"data\":[]}".getBytes(StandardCharsets.UTF_8)));
        c.add(new Case("SDMX with a delete action", "application/vnd.sdmx.data+csv",
                "STRUCTURE,STRUCTURE_ID,ACTION,PLATFORM,INDICATOR,TIME_PERIOD,OBS_VALUE\ndataflow,ZW:OBS(1.0),D,MF1,tax_revenue,2024-Q1,1\n".getBytes(StandardCharsets.UTF_8)));
        return c;
    }

    @Test
    void everyMalformedFeedIsAClientErrorThatStoresNothing() {
        for (Case c : corpus()) {
            long before = stored();
            Api.Response r = post(c.contentType(), c.body());
            assertTrue(r.status() >= 400 && r.status() < 500, c.name() + ": " + r.status() + " " + r.text().substring(0, Math.min(300, r.text().length())));
            assertTrue(r.text().startsWith("{\""), c.name() + ": a JSON error body");
            assertTrue(!r.text().contains("Exception") && !r.text().contains("\tat "), c.name() + ": no stack trace");
            assertEquals(before, stored(), c.name() + ": nothing stored");
        }
        assertEquals(200, api.get("/ready", null).status(), "healthy afterwards");
        assertEquals(201, post("text/csv", GOOD.getBytes(StandardCharsets.UTF_8)).status(), "still accepts good feeds");
    }

    /** Seeded random byte mutations of a valid feed: never a 500, and a refused feed stores nothing. */
    @Test
    void randomMutationsNeverBreakTheService() {
        SplittableRandom random = new SplittableRandom(20261122);
        byte[] good = GOOD.replace("2024", "2023").getBytes(StandardCharsets.UTF_8);
        byte[] tokens = ",\"\n\r;\t\u0000=+-.eE9Q".getBytes(StandardCharsets.UTF_8);
        int accepted = 0;
        for (int i = 0; i < 200; i++) {
            byte[] mutated = good.clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(mutated.length);
                mutated[at] = random.nextBoolean() ? tokens[random.nextInt(tokens.length)] : (byte) random.nextInt(256);
            }
            String type = switch (i % 3) {
                case 0 -> "text/csv";
                case 1 -> "text/csv; charset=gb18030";
                default -> "application/vnd.sdmx.data+csv";
            };
            long before = stored();
            Api.Response r = post(type, mutated);
            assertTrue(r.status() == 200 || r.status() == 201 || (r.status() >= 400 && r.status() < 500),
                    "mutation " + i + ": " + r.status() + " " + r.text());
            if (r.status() >= 400) assertEquals(before, stored(), "mutation " + i + " refused but stored something");
            if (r.status() == 201) accepted++;
        }
        assertEquals(200, api.get("/ready", null).status());
        System.out.printf("random mutations: 200 sent, %d accepted as feeds, none answered 5xx%n", accepted);
    }
}
