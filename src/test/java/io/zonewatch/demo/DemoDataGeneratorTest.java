package io.zonewatch.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards the shipped demo data set: it must be exactly what {@link DemoDataGenerator} produces,
 * complete, internally consistent and plausible, with the planted anomalies (and only those)
 * breaking the rules. The expectations are written out here rather than taken from the
 * generator, so a change to the generator that breaks them fails.
 */
class DemoDataGeneratorTest {

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern PERIOD = Pattern.compile("(\\d{4})Q([1-4])");
    private static final Pattern PLAIN_NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
    private static final String PLATFORM_HEADER =
            "code,name,name_en,level,type,region,parent_code,active_from,active_to";
    private static final String FEED_HEADER = "platform_code,indicator_code,period,value,unit,status";

    private static final List<String> FLOWS = List.of("fixed_asset_investment", "industrial_output",
            "industrial_value_added", "operating_revenue", "tax_revenue", "rd_expenditure", "high_tech_value_added",
            "energy_consumption", "water_consumption", "cod_emissions");
    private static final List<String> STOCKS = List.of("employees", "land_area");
    private static final Set<String> MONEY = Set.of("fixed_asset_investment", "industrial_output",
            "industrial_value_added", "operating_revenue", "tax_revenue", "rd_expenditure", "high_tech_value_added");

    record PlatformRow(String code, String name, String nameEn, String level, String type, String region,
                       String parentCode, LocalDate activeFrom, LocalDate activeTo) {

        boolean activeIn(int year, int quarter) {
            LocalDate start = LocalDate.of(year, quarter * 3 - 2, 1);
            LocalDate end = start.plusMonths(3).minusDays(1);
            return (activeFrom == null || !activeFrom.isAfter(start)) && (activeTo == null || !activeTo.isBefore(end));
        }
    }

    record Key(String platform, String indicator, String period) {
    }

    record Row(String file, int line, Key key, String value, String unit, String status) {

        /** The value in the indicator's canonical unit, converted like the ingest does. */
        BigDecimal canonical() {
            BigDecimal v = new BigDecimal(value);
            return switch (unit) {
                case "亿元" -> v.movePointRight(4);
                case "元" -> v.movePointLeft(4);
                case "" -> v;
                default -> throw new AssertionError(file + ":" + line + " unexpected unit " + unit);
            };
        }
    }

    private static final Comparator<Key> KEY_ORDER =
            Comparator.comparing(Key::platform).thenComparing(Key::period).thenComparing(Key::indicator);

    private static Map<String, String> files;
    private static List<PlatformRow> platforms;
    private static List<Row> baseRows;
    private static List<Row> revisionRows;
    /** Base feeds, canonical units. */
    private static Map<Key, BigDecimal> base;
    /** Base feeds overlaid with the revision feed: what the service ends up with. */
    private static Map<Key, BigDecimal> latest;

    @BeforeAll
    static void load() {
        files = DemoDataGenerator.generate();
        platforms = parsePlatforms(files.get("platforms.csv"));
        baseRows = new ArrayList<>();
        for (int year = 2016; year <= 2025; year++) {
            String name = "feeds/" + year + ".csv";
            assertNotNull(files.get(name), name);
            baseRows.addAll(parseFeed(name, files.get(name)));
        }
        revisionRows = parseFeed("feeds/2025-revisions.csv", files.get("feeds/2025-revisions.csv"));
        base = new HashMap<>();
        for (Row row : baseRows) {
            assertTrue(base.put(row.key(), row.canonical()) == null, "duplicate " + row.key() + " at " + where(row));
        }
        latest = new HashMap<>(base);
        for (Row row : revisionRows) {
            latest.put(row.key(), row.canonical());
        }
    }

    // ------------------------------------------------------------------ 1. shipped = generated

    @Test
    void shippedFilesAreExactlyWhatTheGeneratorProduces() throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            String resource = "/demo/" + file.getKey();
            byte[] shipped;
            try (InputStream in = DemoDataGeneratorTest.class.getResourceAsStream(resource)) {
                assertNotNull(in, resource + " is not on the classpath: run DemoDataGenerator");
                shipped = in.readAllBytes();
            }
            byte[] generated = file.getValue().getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(shipped, generated)) {
                fail(resource + " differs from DemoDataGenerator's output (regenerate it, see the class comment): "
                        + firstDifference(new String(shipped, StandardCharsets.UTF_8), file.getValue()));
            }
        }
    }

    @Test
    void generatorIsDeterministicAndListsItsFeedsInLoadOrder() {
        Map<String, String> again = DemoDataGenerator.generate();
        assertEquals(new ArrayList<>(files.keySet()), new ArrayList<>(again.keySet()));
        for (String name : files.keySet()) {
            assertTrue(files.get(name).equals(again.get(name)), name + " differs between two runs");
        }
        List<String> expectedFeeds = new ArrayList<>();
        for (int year = 2016; year <= 2025; year++) {
            expectedFeeds.add("feeds/" + year + ".csv");
        }
        expectedFeeds.add("feeds/2025-revisions.csv");
        assertEquals(expectedFeeds, DemoDataGenerator.FEED_FILES);
        List<String> expectedFiles = new ArrayList<>(List.of("platforms.csv"));
        expectedFiles.addAll(expectedFeeds);
        assertEquals(expectedFiles, new ArrayList<>(files.keySet()));
    }

    @Test
    void filesAreCleanUtf8CsvWithUnixLineEndings() {
        for (Map.Entry<String, String> file : files.entrySet()) {
            String text = file.getValue();
            assertFalse(text.startsWith("\uFEFF"), file.getKey() + " starts with a BOM");
            assertFalse(text.contains("\r"), file.getKey() + " has a CR");
            assertTrue(text.endsWith("\n"), file.getKey() + " does not end with a newline");
            assertFalse(text.contains("\n\n"), file.getKey() + " has an empty line");
            assertFalse(text.contains("\""), file.getKey() + " needs CSV quoting");
            String header = text.substring(0, text.indexOf('\n'));
            assertEquals(file.getKey().equals("platforms.csv") ? PLATFORM_HEADER : FEED_HEADER, header, file.getKey());
        }
        for (Row row : baseRows) {
            int year = Integer.parseInt(row.key().period().substring(0, 4));
            assertEquals("feeds/" + year + ".csv", row.file(), "period in the wrong file at " + where(row));
            assertTrue(PLAIN_NUMBER.matcher(row.value()).matches(), "not a plain number at " + where(row));
            assertEquals(row.key().period().equals("2025Q4") ? "P" : "A", row.status(), "status at " + where(row));
        }
        for (Row row : revisionRows) {
            assertTrue(PLAIN_NUMBER.matcher(row.value()).matches(), "not a plain number at " + where(row));
            assertEquals("A", row.status(), where(row));
            assertEquals("", row.unit(), where(row));
        }
    }

    @Test
    void someEarlyMoneyRowsComeInOtherUnitsAndConvertExactly() {
        List<Row> foreign = baseRows.stream().filter(row -> !row.unit().isEmpty()).toList();
        assertTrue(foreign.size() >= 15 && foreign.size() <= 30, "rows with a unit: " + foreign.size());
        assertTrue(foreign.stream().anyMatch(row -> row.unit().equals("亿元")));
        assertTrue(foreign.stream().anyMatch(row -> row.unit().equals("元")));
        for (Row row : foreign) {
            assertTrue(row.key().period().startsWith("2017") || row.key().period().startsWith("2018"), where(row));
            assertTrue(MONEY.contains(row.key().indicator()), "unit on a non-money indicator at " + where(row));
            // converted, it is a value in 万元 with at most 2 decimals, like every other row
            assertTrue(row.canonical().stripTrailingZeros().scale() <= 2, "converts to more decimals: " + where(row));
        }
        for (Row row : baseRows) {
            if (row.unit().isEmpty() && !isPlanted(row.key())) {
                int maxScale = STOCKS.contains(row.key().indicator()) ? 0 : 2;
                assertTrue(new BigDecimal(row.value()).scale() <= maxScale, "too many decimals at " + where(row));
            }
        }
    }

    // ------------------------------------------------------------------ 2. platforms

    @Test
    void platformsAreValid() {
        assertTrue(platforms.size() >= 50 && platforms.size() <= 80, "platforms: " + platforms.size());
        Set<String> codes = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (PlatformRow p : platforms) {
            assertTrue(CODE.matcher(p.code()).matches(), "bad code " + p.code());
            assertTrue(codes.add(p.code()), "duplicate code " + p.code());
            assertTrue(names.add(p.name()), "duplicate name " + p.name());
            assertFalse(p.nameEn().isBlank(), p.code());
            assertTrue(Set.of("national", "provincial", "municipal", "county").contains(p.level()), p.code());
            assertTrue(Set.of("etdz", "hitech", "functional_zone", "bonded", "town_park", "other").contains(p.type()),
                    p.code());
            assertTrue(p.region().matches("[^/,]+市/[^/,]+[区县市]"), "region " + p.region());
        }
        assertTrue(platforms.stream().filter(p -> p.type().equals("etdz")).count() >= 8, "etdz peers");
        assertTrue(platforms.stream().filter(p -> p.type().equals("hitech")).count() >= 8, "hitech peers");
        List<PlatformRow> subParks = platforms.stream().filter(p -> !p.parentCode().isEmpty()).toList();
        assertTrue(subParks.size() >= 2, "sub-parks: " + subParks.size());
        for (PlatformRow p : subParks) {
            assertTrue(codes.contains(p.parentCode()), p.code() + " has an unknown parent " + p.parentCode());
            assertFalse(p.parentCode().equals(p.code()), p.code() + " is its own parent");
            PlatformRow parent = platform(p.parentCode());
            assertTrue(parent.parentCode().isEmpty(), p.code() + ": a parent must be a main platform");
        }
        assertEquals(1, platforms.stream().filter(p -> LocalDate.of(2019, 1, 1).equals(p.activeFrom())).count(),
                "one platform established in 2019");
        assertEquals(1, platforms.stream().filter(p -> LocalDate.of(2021, 12, 31).equals(p.activeTo())).count(),
                "one platform merged away at the end of 2021");
    }

    // ------------------------------------------------------------------ 3. completeness

    @Test
    void everyActivePlatformReportsEveryIndicatorEveryQuarterButThePlantedGap() {
        Set<Key> expected = new TreeSet<>(KEY_ORDER);
        for (PlatformRow p : platforms) {
            for (int year = 2016; year <= 2025; year++) {
                for (int q = 1; q <= 4; q++) {
                    if (p.activeIn(year, q)) {
                        for (String indicator : indicators()) {
                            expected.add(new Key(p.code(), indicator, year + "Q" + q));
                        }
                    }
                }
            }
        }
        Set<Key> actual = sorted(base.keySet());

        Set<Key> extra = sorted(actual);
        extra.removeAll(expected);
        assertTrue(extra.isEmpty(), "rows outside a platform's active period or unknown: " + first(extra));

        Set<Key> missing = sorted(expected);
        missing.removeAll(actual);
        Set<Key> plantedGap = new TreeSet<>(KEY_ORDER);
        for (String indicator : indicators()) {
            plantedGap.add(new Key(DemoDataGenerator.MISSING_SUBMISSION_PLATFORM, indicator, "2025Q3"));
        }
        assertEquals(plantedGap, missing, "missing rows");

        // the new zone starts in 2019Q1, the merged one stops after 2021Q4
        PlatformRow founded = platforms.stream()
                .filter(p -> LocalDate.of(2019, 1, 1).equals(p.activeFrom())).findFirst().orElseThrow();
        assertTrue(actual.contains(new Key(founded.code(), "industrial_output", "2019Q1")));
        assertFalse(actual.contains(new Key(founded.code(), "industrial_output", "2018Q4")));
        PlatformRow merged = platforms.stream()
                .filter(p -> LocalDate.of(2021, 12, 31).equals(p.activeTo())).findFirst().orElseThrow();
        assertTrue(actual.contains(new Key(merged.code(), "industrial_output", "2021Q4")));
        assertFalse(actual.contains(new Key(merged.code(), "industrial_output", "2022Q1")));
    }

    @Test
    void revisionsAreSmallCorrectionsOf2025Q2AndQ3() {
        assertTrue(revisionRows.size() >= 20 && revisionRows.size() <= 40, "revisions: " + revisionRows.size());
        Set<Key> seen = new HashSet<>();
        for (Row row : revisionRows) {
            assertTrue(seen.add(row.key()), "revised twice: " + where(row));
            assertTrue(Set.of("2025Q2", "2025Q3").contains(row.key().period()), where(row));
            BigDecimal original = base.get(row.key());
            assertNotNull(original, "revises a value never sent: " + where(row));
            assertFalse(isPlanted(row.key()), "revises a planted anomaly: " + where(row));
            double change = Math.abs(row.canonical().doubleValue() / original.doubleValue() - 1);
            assertTrue(change >= 0.005 && change <= 0.06, "revision by " + change + " at " + where(row));
        }
    }

    // ------------------------------------------------------------------ 4. year-to-date order

    @Test
    void ytdFlowsNeverFallWithinAYearExceptThePlantedCases() {
        Set<Key> planted = Set.of(
                new Key(DemoDataGenerator.YTD_DECREASE_PLATFORM, "tax_revenue", "2025Q3"),
                // follows from the 10,000x value-added figure in 2025Q2
                new Key(DemoDataGenerator.SUSPECT_UNIT_PLATFORM, "industrial_value_added", "2025Q3"));
        for (Map<Key, BigDecimal> data : List.of(base, latest)) {
            Set<Key> decreases = new TreeSet<>(KEY_ORDER);
            for (PlatformRow p : platforms) {
                for (String indicator : FLOWS) {
                    for (int year = 2016; year <= 2025; year++) {
                        BigDecimal previous = null;
                        for (int q = 1; q <= 4; q++) {
                            Key key = new Key(p.code(), indicator, year + "Q" + q);
                            BigDecimal value = data.get(key);
                            if (value == null) {
                                continue;  // compare across a missing quarter
                            }
                            if (previous != null && value.compareTo(previous) < 0) {
                                decreases.add(key);
                            }
                            previous = value;
                        }
                    }
                }
            }
            assertEquals(sorted(planted), decreases, "YTD decreases");
        }
    }

    // ------------------------------------------------------------------ 5. magnitudes

    @Test
    void magnitudesArePlausible() {
        String suspect = DemoDataGenerator.SUSPECT_UNIT_PLATFORM;
        Predicate<Key> suspectCell = k -> k.platform().equals(suspect) && k.period().equals("2025Q2");
        checkRatio("industrial_value_added", "industrial_output", 0.15, 0.35, suspectCell);
        checkRatio("operating_revenue", "industrial_output", 1.0, 1.4, k -> false);
        checkRatio("tax_revenue", "operating_revenue", 0.025, 0.075,
                k -> k.platform().equals(DemoDataGenerator.YTD_DECREASE_PLATFORM) && k.period().equals("2025Q3"));
        checkRatio("rd_expenditure", "operating_revenue", 0.01, 0.05,
                k -> k.platform().equals(DemoDataGenerator.RD_OUTLIER_PLATFORM) && k.period().startsWith("2025"));
        checkRatio("high_tech_value_added", "industrial_value_added", 0.2, 0.8, suspectCell);
        checkRatio("energy_consumption", "industrial_value_added", 0.2, 0.8, suspectCell);
        checkRatio("water_consumption", "industrial_value_added", 4e-4, 25e-4, suspectCell);  // 4–25 m³ per 万元
        checkRatio("cod_emissions", "industrial_value_added", 1 / 13_000.0, 1 / 2_500.0, suspectCell);
        checkRatio("fixed_asset_investment", "industrial_output", 0.07, 0.26,
                k -> k.platform().equals(DemoDataGenerator.YOY_DROP_PLATFORM) && k.period().startsWith("2025"));

        for (Map.Entry<Key, BigDecimal> cell : latest.entrySet()) {
            Key key = cell.getKey();
            double value = cell.getValue().doubleValue();
            switch (key.indicator()) {
                case "employees" -> assertTrue(value >= 20_000 && value <= 350_000, key + " = " + value);
                case "land_area" -> assertTrue(value >= 5_000 && value <= 120_000, key + " = " + value);
                case "industrial_output" -> {
                    if (key.period().endsWith("Q4")) {  // annual output 20–4,000 亿元
                        assertTrue(value >= 2e5 && value <= 4e7, key + " = " + value);
                    }
                }
                default -> assertTrue(value > 0, key + " = " + value);
            }
        }
        // the big national ETDZs are in the 1,000–3,500 亿元 class
        long bigZones = platforms.stream()
                .filter(p -> p.level().equals("national") && p.type().equals("etdz"))
                .filter(p -> latest.get(new Key(p.code(), "industrial_output", "2025Q4")).doubleValue() >= 1e7)
                .count();
        assertTrue(bigZones >= 5, "national ETDZs above 1,000 亿元 in 2025: " + bigZones);
    }

    /** On the base feeds: a revision may move one quarter a few percent. */
    @Test
    void seasonalityAndTheCovidDipShow() {
        int platformsWithBothYears = 0;
        int dipped = 0;
        for (PlatformRow p : platforms) {
            for (int year = 2016; year <= 2025; year++) {
                Key q4 = new Key(p.code(), "industrial_output", year + "Q4");
                if (!base.containsKey(q4)) {
                    continue;
                }
                double annual = base.get(q4).doubleValue();
                double[][] bounds = year == 2020
                        ? new double[][] {{0.14, 0.20}, {0.41, 0.47}, {0.68, 0.74}}
                        : new double[][] {{0.20, 0.25}, {0.45, 0.50}, {0.71, 0.76}};
                for (int q = 1; q <= 3; q++) {
                    Key key = new Key(p.code(), "industrial_output", year + "Q" + q);
                    if (base.containsKey(key)) {
                        double share = base.get(key).doubleValue() / annual;
                        assertTrue(share >= bounds[q - 1][0] && share <= bounds[q - 1][1], key + " share " + share);
                    }
                }
            }
            BigDecimal q2019 = base.get(new Key(p.code(), "industrial_output", "2019Q1"));
            BigDecimal q2020 = base.get(new Key(p.code(), "industrial_output", "2020Q1"));
            if (q2019 != null && q2020 != null) {
                platformsWithBothYears++;
                if (q2020.doubleValue() < 0.9 * q2019.doubleValue()) {
                    dipped++;
                }
            }
        }
        assertTrue(platformsWithBothYears >= 50, "platforms reporting 2019Q1 and 2020Q1");
        assertTrue(dipped >= 0.9 * platformsWithBothYears, dipped + " of " + platformsWithBothYears + " dip in 2020Q1");
    }

    // ------------------------------------------------------------------ planted anomalies

    @Test
    void plantedAnomaliesAreThereAndDocumented() {
        List<String> documented = DemoDataGenerator.PLANTED_ANOMALIES;
        assertEquals(5, documented.size());
        Set<String> codes = new HashSet<>();
        platforms.forEach(p -> codes.add(p.code()));
        for (String platform : List.of(DemoDataGenerator.SUSPECT_UNIT_PLATFORM, DemoDataGenerator.YTD_DECREASE_PLATFORM,
                DemoDataGenerator.MISSING_SUBMISSION_PLATFORM, DemoDataGenerator.YOY_DROP_PLATFORM,
                DemoDataGenerator.RD_OUTLIER_PLATFORM)) {
            assertTrue(codes.contains(platform), platform);
            assertEquals(1, documented.stream().filter(line -> line.contains(platform)).count(), platform);
        }

        // (a) suspect unit: 2025Q2 value added ~10,000x its Q1, with no unit on the row
        String suspect = DemoDataGenerator.SUSPECT_UNIT_PLATFORM;
        double ratio = value(suspect, "industrial_value_added", "2025Q2") / value(suspect, "industrial_value_added", "2025Q1");
        assertTrue(ratio >= 1000, "suspect unit ratio " + ratio);
        assertTrue(baseRows.stream().filter(r -> r.key().equals(new Key(suspect, "industrial_value_added", "2025Q2")))
                .allMatch(r -> r.unit().isEmpty()));

        // (b) YTD decrease
        String ytd = DemoDataGenerator.YTD_DECREASE_PLATFORM;
        assertTrue(value(ytd, "tax_revenue", "2025Q3") < value(ytd, "tax_revenue", "2025Q2"));
        assertTrue(value(ytd, "tax_revenue", "2025Q4") > value(ytd, "tax_revenue", "2025Q2"));

        // (c) missing submission, though it reported the quarters around it
        String missing = DemoDataGenerator.MISSING_SUBMISSION_PLATFORM;
        assertTrue(latest.keySet().stream().noneMatch(k -> k.platform().equals(missing) && k.period().equals("2025Q3")));
        assertTrue(latest.containsKey(new Key(missing, "industrial_output", "2025Q2")));
        assertTrue(latest.containsKey(new Key(missing, "industrial_output", "2025Q4")));

        // (d) fixed-asset investment ~35 % below the same quarter of 2024, every quarter
        String drop = DemoDataGenerator.YOY_DROP_PLATFORM;
        for (int q = 1; q <= 4; q++) {
            double yoy = value(drop, "fixed_asset_investment", "2025Q" + q)
                    / value(drop, "fixed_asset_investment", "2024Q" + q) - 1;
            assertTrue(yoy <= -0.30 && yoy >= -0.40, "yoy " + yoy + " in 2025Q" + q);
        }
        // ... while no other platform's 2025 investment falls by 20 % or more
        for (PlatformRow p : platforms) {
            if (p.code().equals(drop) || !p.activeIn(2025, 4)) {
                continue;
            }
            for (int q = 1; q <= 4; q++) {
                Key now = new Key(p.code(), "fixed_asset_investment", "2025Q" + q);
                Key before = new Key(p.code(), "fixed_asset_investment", "2024Q" + q);
                if (latest.containsKey(now) && latest.containsKey(before)) {
                    double yoy = latest.get(now).doubleValue() / latest.get(before).doubleValue() - 1;
                    assertTrue(yoy > -0.20, now + " yoy " + yoy);
                }
            }
        }

        // (e) R&D intensity of one hi-tech zone is a clear outlier among hi-tech peers (modified z > 3.5)
        String rd = DemoDataGenerator.RD_OUTLIER_PLATFORM;
        assertEquals("hitech", platform(rd).type());
        for (int q = 1; q <= 4; q++) {
            String period = "2025Q" + q;
            Map<String, Double> intensity = new TreeMap<>();
            for (PlatformRow p : platforms) {
                Key rdKey = new Key(p.code(), "rd_expenditure", period);
                Key revenueKey = new Key(p.code(), "operating_revenue", period);
                if (p.type().equals("hitech") && latest.containsKey(rdKey) && latest.containsKey(revenueKey)) {
                    intensity.put(p.code(), latest.get(rdKey).doubleValue() / latest.get(revenueKey).doubleValue());
                }
            }
            assertTrue(intensity.size() >= 8, "hitech peers in " + period);
            double median = median(new ArrayList<>(intensity.values()));
            List<Double> deviations = intensity.values().stream().map(x -> Math.abs(x - median)).toList();
            double mad = median(new ArrayList<>(deviations));
            for (Map.Entry<String, Double> peer : intensity.entrySet()) {
                double z = 0.6745 * (peer.getValue() - median) / mad;
                if (peer.getKey().equals(rd)) {
                    assertTrue(z > 3.5, "planted R&D outlier z = " + z + " in " + period);
                } else {
                    assertTrue(Math.abs(z) <= 3.5, peer.getKey() + " is an accidental R&D outlier in " + period);
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A sorted copy (Key is not Comparable, so {@code new TreeSet<>(collection)} would fail). */
    private static Set<Key> sorted(java.util.Collection<Key> keys) {
        Set<Key> copy = new TreeSet<>(KEY_ORDER);
        copy.addAll(keys);
        return copy;
    }

    private static List<String> indicators() {
        List<String> all = new ArrayList<>(FLOWS);
        all.addAll(STOCKS);
        return all;
    }

    private static boolean isPlanted(Key key) {
        return key.period().startsWith("2025") && List.of(DemoDataGenerator.SUSPECT_UNIT_PLATFORM,
                DemoDataGenerator.YTD_DECREASE_PLATFORM, DemoDataGenerator.MISSING_SUBMISSION_PLATFORM,
                DemoDataGenerator.YOY_DROP_PLATFORM, DemoDataGenerator.RD_OUTLIER_PLATFORM).contains(key.platform());
    }

    private static void checkRatio(String numerator, String denominator, double lo, double hi, Predicate<Key> exempt) {
        int checked = 0;
        for (Map.Entry<Key, BigDecimal> cell : latest.entrySet()) {
            Key key = cell.getKey();
            if (!key.indicator().equals(numerator) || exempt.test(key)) {
                continue;
            }
            BigDecimal den = latest.get(new Key(key.platform(), denominator, key.period()));
            assertNotNull(den, denominator + " missing beside " + key);
            double ratio = cell.getValue().divide(den, MathContext.DECIMAL64).doubleValue();
            assertTrue(ratio >= lo && ratio <= hi, numerator + "/" + denominator + " = " + ratio + " at " + key);
            checked++;
        }
        assertTrue(checked > 1000, "checked only " + checked + " " + numerator + " values");
    }

    private static double value(String platform, String indicator, String period) {
        BigDecimal v = latest.get(new Key(platform, indicator, period));
        assertNotNull(v, platform + " " + indicator + " " + period);
        return v.doubleValue();
    }

    private static double median(List<Double> values) {
        values.sort(Double::compare);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    private static PlatformRow platform(String code) {
        return platforms.stream().filter(p -> p.code().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("unknown platform " + code));
    }

    private static List<PlatformRow> parsePlatforms(String text) {
        String[] lines = text.split("\n");
        assertEquals(PLATFORM_HEADER, lines[0]);
        List<PlatformRow> rows = new ArrayList<>();
        for (int n = 1; n < lines.length; n++) {
            String[] f = lines[n].split(",", -1);
            assertEquals(9, f.length, "platforms.csv:" + (n + 1));
            rows.add(new PlatformRow(f[0], f[1], f[2], f[3], f[4], f[5], f[6],
                    f[7].isEmpty() ? null : LocalDate.parse(f[7]), f[8].isEmpty() ? null : LocalDate.parse(f[8])));
        }
        return rows;
    }

    private static List<Row> parseFeed(String file, String text) {
        assertNotNull(text, file);
        String[] lines = text.split("\n");
        assertEquals(FEED_HEADER, lines[0], file);
        Set<String> codes = new HashSet<>();
        platforms.forEach(p -> codes.add(p.code()));
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.length; n++) {
            String[] f = lines[n].split(",", -1);
            assertEquals(6, f.length, file + ":" + (n + 1));
            Matcher period = PERIOD.matcher(f[2]);
            assertTrue(period.matches(), file + ":" + (n + 1) + " period " + f[2]);
            assertTrue(codes.contains(f[0]), file + ":" + (n + 1) + " unknown platform " + f[0]);
            assertTrue(indicators().contains(f[1]), file + ":" + (n + 1) + " unknown indicator " + f[1]);
            rows.add(new Row(file, n + 1, new Key(f[0], f[1], f[2]), f[3], f[4], f[5]));
        }
        return rows;
    }

    private static String where(Row row) {
        return row.file() + ":" + row.line();
    }

    private static <T> String first(Set<T> set) {
        return set.isEmpty() ? "-" : set.size() + " such, first " + set.iterator().next();
    }

    private static String firstDifference(String shipped, String generated) {
        String[] a = shipped.split("\n", -1);
        String[] b = generated.split("\n", -1);
        for (int n = 0; n < Math.min(a.length, b.length); n++) {
            if (!a[n].equals(b[n])) {
                return "line " + (n + 1) + ": shipped '" + a[n] + "', generated '" + b[n] + "'";
            }
        }
        return "shipped has " + a.length + " lines, generated " + b.length
                + (shipped.length() == generated.length() ? " (same text, different bytes)" : "");
    }
}
