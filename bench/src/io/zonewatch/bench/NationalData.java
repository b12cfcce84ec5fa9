package io.zonewatch.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The national-scale data set (issue 6): 10,000 platforms, 20 years (2006–2025) of quarterly values
 * of the 12 base indicators, deterministic (seeded per platform). Writes, under the given directory:
 * <ul>
 *   <li>{@code platforms.csv} for POST /api/v1/platforms;</li>
 *   <li>{@code feeds/YYYY.csv}, one feed file per year (480,000 rows each), for POST /api/v1/feeds;</li>
 *   <li>with {@code --targets}: {@code targets/YYYY.csv}, annual targets (年度目标) for POST /api/v1/targets of every
 *       year but the first: each platform's previous annual (Q4) value of six flows plus 6 % (energy 3 % less),
 *       as the demo sets them (60,000 rows a year);</li>
 *   <li>with {@code --rows N}: {@code ingest-N.csv}, the first N rows as one feed, and
 *       {@code ingest-N.copy}, the same rows in the column layout of {@code observation_current} for
 *       {@code psql \copy}, the ingest benchmark's baseline.</li>
 * </ul>
 * Usage: {@code java io.zonewatch.bench.NationalData DIR [--platforms 10000] [--years 20] [--rows 1000000] [--no-years] [--targets]}
 */
public final class NationalData {
    static final String[] INDICATORS = {"fixed_asset_investment", "industrial_output", "industrial_value_added",
            "operating_revenue", "tax_revenue", "rd_expenditure", "high_tech_value_added", "energy_consumption",
            "water_consumption", "cod_emissions", "employees", "land_area"};
    static final String[] TYPES = {"etdz", "hitech", "functional_zone", "bonded", "town_park", "other"};
    static final String[] LEVELS = {"national", "provincial", "municipal", "county"};
    static final double[] SEASON = {0.23, 0.48, 0.74, 1.0};
    static final int LAST_YEAR = 2025;
    /** Flows with annual targets, as in the demo: investment, output, value added, revenue, tax, energy. */
    static final int[] TARGET_INDICATORS = {0, 1, 2, 3, 4, 7};

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/data");
        int platforms = 10_000, years = 20;
        long rows = 0;
        boolean yearFiles = true;
        boolean targets = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--platforms" -> platforms = Integer.parseInt(args[++i]);
                case "--years" -> years = Integer.parseInt(args[++i]);
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--no-years" -> yearFiles = false;
                case "--targets" -> targets = true;
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        Files.createDirectories(dir.resolve("feeds"));
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("platforms.csv"), StandardCharsets.UTF_8)) {
            w.write("code,name,level,type,region\n");
            for (int p = 0; p < platforms; p++) {
                w.write(code(p) + ",平台" + p + "," + LEVELS[p % 4] + "," + TYPES[p % TYPES.length] + ",省" + (p % 31) + "/市" + (p % 300) + "\n");
            }
        }
        int firstYear = LAST_YEAR - years + 1;
        if (yearFiles) {
            for (int y = firstYear; y <= LAST_YEAR; y++) {
                try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("feeds/" + y + ".csv"), StandardCharsets.UTF_8)) {
                    w.write("platform_code,indicator_code,period,value\n");
                    for (int p = 0; p < platforms; p++) {
                        for (int q = 1; q <= 4; q++) {
                            for (int i = 0; i < INDICATORS.length; i++) {
                                w.write(code(p) + "," + INDICATORS[i] + "," + y + "Q" + q + "," + value(p, i, y, q, firstYear) + "\n");
                            }
                        }
                    }
                }
            }
        }
        if (targets) {
            Files.createDirectories(dir.resolve("targets"));
            for (int y = firstYear + 1; y <= LAST_YEAR; y++) {
                try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("targets/" + y + ".csv"), StandardCharsets.UTF_8)) {
                    w.write("platform_code,indicator_code,year,value\n");
                    for (int p = 0; p < platforms; p++) {
                        for (int i : TARGET_INDICATORS) {
                            double last = Double.parseDouble(value(p, i, y - 1, 4, firstYear));
                            double t = Math.round(last * (i == 7 ? 0.97 : 1.06) * 100) / 100.0;
                            w.write(code(p) + "," + INDICATORS[i] + "," + y + "," + String.format(Locale.ROOT, "%.2f", t) + "\n");
                        }
                    }
                }
            }
        }
        if (rows > 0) {
            try (BufferedWriter csv = Files.newBufferedWriter(dir.resolve("ingest-" + rows + ".csv"), StandardCharsets.UTF_8);
                 BufferedWriter copy = Files.newBufferedWriter(dir.resolve("ingest-" + rows + ".copy"), StandardCharsets.UTF_8)) {
                csv.write("platform_code,indicator_code,period,value\n");
                long n = 0;
                outer:
                for (int y = firstYear; y <= LAST_YEAR; y++) {
                    for (int p = 0; p < platforms; p++) {
                        for (int q = 1; q <= 4; q++) {
                            for (int i = 0; i < INDICATORS.length; i++) {
                                if (n++ == rows) break outer;
                                String v = value(p, i, y, q, firstYear);
                                csv.write(code(p) + "," + INDICATORS[i] + "," + y + "Q" + q + "," + v + "\n");
                                // observation_current columns: platform, indicator, period, revision, value, status, feed_id, recorded_at
                                copy.write(code(p) + "\t" + INDICATORS[i] + "\t" + y + "-" + String.format(Locale.ROOT, "%02d", q * 3 - 2)
                                        + "-01\t1\t" + v + "\tA\t1\t2026-01-01 00:00:00+00\n");
                            }
                        }
                    }
                }
            }
        }
        System.out.println("wrote " + platforms + " platforms, " + years + " years under " + dir);
    }

    static String code(int p) {
        return String.format(Locale.ROOT, "NP%05d", p);
    }

    /** Plausible, deterministic: a platform scale, a growth path and YTD seasonality per flow. */
    static String value(int p, int indicator, int year, int quarter, int firstYear) {
        SplittableRandom r = new SplittableRandom(p * 1_000_003L + indicator * 7919L + year * 31L + quarter);
        double scale = 1 + (p % 97) * 0.37;
        double growth = Math.pow(1.06, year - firstYear);
        double noise = 0.95 + 0.1 * r.nextDouble();
        double v;
        if (indicator == 10) {
            v = Math.round(5000 * scale * growth * noise);                  // employees: a stock
        } else if (indicator == 11) {
            v = Math.round(3000 * scale * (1 + 0.02 * (year - firstYear)));    // land: slow steps
        } else {
            double[] base = {90_000, 600_000, 140_000, 700_000, 35_000, 15_000, 60_000, 60_000, 150, 30};
            v = base[indicator] * scale * growth * SEASON[quarter - 1] * noise;
            v = Math.round(v * 100) / 100.0;
        }
        return String.format(Locale.ROOT, indicator >= 10 ? "%.0f" : "%.2f", v);
    }
}
