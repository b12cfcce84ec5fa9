package io.zonewatch.ingest;

import io.zonewatch.errors.RowErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.zonewatch.auth.Principal;
import io.zonewatch.catalog.Catalog;
import io.zonewatch.catalog.DefaultCatalog;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.catalog.Platform;
import io.zonewatch.errors.RowError;
import io.zonewatch.observations.Period;
import io.zonewatch.testing.FeedMutations;
import io.zonewatch.testing.SampleFeeds;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the parser and row validator without a server (issue 6): thousands of seeded mutations of
 * valid SDMX-CSV, CSV and JSON feeds go through {@link FeedParser} and {@link FeedService#validate}.
 * The only failure they may raise is the documented one, a {@link FeedRejection} (which validate
 * turns into a fatal error); every row is either handed on or reported with a stable code, and
 * whatever passes validation is a storable observation.
 */
class FeedParserFuzzTest {
    private static final int MUTANTS = 2_000;
    /** "Today" is 2025-02-01 in China: 2024Q4 is the latest quarter a feed may report. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-31T20:00:00Z"), ZoneOffset.UTC);
    private static final Period LATEST = new Period(2024, 4);

    private static final Catalog CATALOG = catalog();
    private static final FeedService SERVICE = new FeedService(null, null, null, null, CLOCK);

    private static Catalog catalog() {
        DefaultCatalog defaults = DefaultCatalog.load();
        Map<String, Indicator> indicators = new LinkedHashMap<>();
        defaults.indicators().forEach(i -> indicators.put(i.code(), i));
        Map<String, BigDecimal> conversions = new HashMap<>();
        for (String[] c : defaults.conversions()) conversions.put(Catalog.key(c[0], c[1]), new BigDecimal(c[2]));
        Map<String, Platform> platforms = new HashMap<>();
        for (String p : SampleFeeds.PLATFORMS) platforms.put(p, new Platform(p, "区" + p, null, "county", "other", "衢州市", null, null, null));
        return new Catalog(indicators, conversions, platforms);
    }

    @Test
    void theValidFeedsAreValid() {
        for (var c : Map.of(FeedFormat.SDMX_CSV, SampleFeeds.sdmx(100).getBytes(StandardCharsets.UTF_8),
                FeedFormat.CSV, SampleFeeds.csv(200).getBytes(StandardCharsets.UTF_8),
                FeedFormat.JSON, SampleFeeds.json(300).encode().getBytes(StandardCharsets.UTF_8)).entrySet()) {
            FeedService.Validation v = SERVICE.validate(submission(c.getKey(), c.getValue(), StandardCharsets.UTF_8), CATALOG);
            assertEquals(SampleFeeds.ROWS, v.valid().size(), c.getKey() + ": " + v.errors().sorted());
            assertEquals(0, v.errors().count(), c.getKey() + ": " + v.errors().sorted());
        }
    }

    @Test
    void mutatedSdmxCsvFeedsOnlyEverFailWithDocumentedErrors() {
        FeedMutations mutations = new FeedMutations(61_2024);
        String feed = SampleFeeds.sdmx(100);
        int[] outcomes = new int[3];
        for (int i = 0; i < MUTANTS; i++) check("sdmx-csv mutant " + i, FeedFormat.SDMX_CSV, mutations.csv(feed), StandardCharsets.UTF_8, outcomes);
        report("SDMX-CSV", outcomes);
    }

    @Test
    void mutatedCsvFeedsOnlyEverFailWithDocumentedErrors() {
        FeedMutations mutations = new FeedMutations(62_2024);
        String feed = SampleFeeds.csv(200);
        int[] outcomes = new int[3];
        for (int i = 0; i < MUTANTS; i++) {
            Charset charset = i % 2 == 0 ? StandardCharsets.UTF_8 : Charset.forName("GB18030");
            check("csv mutant " + i + " (" + charset + ")", FeedFormat.CSV, mutations.csv(feed), charset, outcomes);
        }
        report("CSV", outcomes);
    }

    @Test
    void mutatedJsonFeedsOnlyEverFailWithDocumentedErrors() {
        FeedMutations mutations = new FeedMutations(63_2024);
        JsonObject feed = SampleFeeds.json(300);
        int[] outcomes = new int[3];
        for (int i = 0; i < MUTANTS; i++) check("json mutant " + i, FeedFormat.JSON, mutations.json(feed), StandardCharsets.UTF_8, outcomes);
        report("JSON", outcomes);
    }

    private static void report(String format, int[] outcomes) {
        System.out.printf("%s parser fuzz: %d mutants, %d rejected as a whole, %d with row errors, %d wholly valid%n",
                format, MUTANTS, outcomes[0], outcomes[1], outcomes[2]);
    }

    private static FeedSubmission submission(FeedFormat format, byte[] body, Charset charset) {
        return new FeedSubmission(Principal.SYSTEM, format, charset, Buffer.buffer(body), false, false, null);
    }

    /** outcomes: [rejected as a whole, some row errors, wholly valid]. */
    private static void check(String name, FeedFormat format, byte[] body, Charset charset, int[] outcomes) {
        String shown = new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8);
        // 1. The parser alone: every data row is either handed on or reported, never lost.
        int[] handed = {0};
        RowErrors parseErrors = new RowErrors();
        int rows;
        try {
            rows = FeedParser.parse(format, body, charset, raw -> {
                handed[0]++;
                assertTrue(raw.row() >= 1, name + ": row number " + raw.row());
            }, parseErrors);
            assertEquals(rows, handed[0] + parseErrors.count(), name + ": rows read vs rows handed on or reported\n" + shown);
        } catch (FeedRejection e) {
            checkError(name, e.error(), shown);
        } catch (RuntimeException | StackOverflowError e) {
            fail(name + ": undocumented " + e + "\n" + shown, e);
        }

        // 2. Parser and validator together, as the service runs them.
        FeedService.Validation v;
        try {
            v = SERVICE.validate(submission(format, body, charset), CATALOG);
        } catch (RuntimeException | StackOverflowError e) {
            fail(name + ": validation threw " + e + "\n" + shown, e);
            return;
        }
        if (v.fatal() != null) {
            checkError(name, v.fatal(), shown);
            assertTrue(v.valid().isEmpty() && v.rows() == 0, name);
            outcomes[0]++;
            return;
        }
        assertEquals(v.rows(), v.valid().size() + v.rejectedRows(), name + ": every row is kept or rejected\n" + shown);
        assertTrue(v.errors().count() >= v.rejectedRows(), name + ": every rejected row has an error\n" + shown);
        for (RowError e : v.errors().sorted()) checkError(name, e, shown);
        Set<String> keys = new HashSet<>();
        for (ValidRow r : v.valid()) {
            assertTrue(CATALOG.platform(r.platform()) != null, name + ": " + r);
            assertTrue(CATALOG.indicator(r.indicator()) != null && !CATALOG.indicator(r.indicator()).derived(), name + ": " + r);
            Period p = Period.of(r.period());
            assertTrue(p.compareTo(LATEST) <= 0 && p.year() >= Period.MIN_YEAR, name + ": " + r);
            assertTrue(r.value().abs().compareTo(RowValidator.MAX_ABS) <= 0 && r.value().scale() <= RowValidator.MAX_SCALE, name + ": " + r);
            assertTrue(Set.of("A", "P", "E", "B").contains(r.status()), name + ": " + r);
            assertTrue(r.note() == null || r.note().length() <= RowValidator.MAX_NOTE, name + ": " + r);
            assertTrue(keys.add(r.key()), name + ": a key passed twice: " + r);
        }
        outcomes[v.errors().count() > 0 ? 1 : 2]++;
    }

    private static void checkError(String name, RowError e, String shown) {
        assertTrue(e.code() != null && e.code().matches("[a-z_]+"), name + ": code " + e.code() + "\n" + shown);
        assertTrue(e.row() >= 1, name + ": row " + e.row());
        assertTrue(e.messageZh() != null && !e.messageZh().isBlank() && e.messageEn() != null && !e.messageEn().isBlank(),
                name + ": messages of " + e.code());
        assertTrue(e.messageEn().length() < 2_000, name + ": the message echoes too much input: " + e.messageEn().length() + " chars");
    }
}
