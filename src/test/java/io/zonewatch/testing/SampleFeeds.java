package io.zonewatch.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/**
 * Small valid feeds in each format, 80 rows over five platforms and the four quarters of 2024: the
 * seeds the fuzz tests mutate. They use what the formats allow (SDMX labels, unit multipliers and
 * units, statuses, comments, an extra attribute) so that mutants reach every branch of the parser.
 */
public final class SampleFeeds {
    public static final String[] PLATFORMS = {"FZ1", "FZ2", "FZ3", "FZ-4", "FZ_5"};
    public static final String[] INDICATORS = {"tax_revenue", "employees", "land_area", "energy_consumption"};
    public static final int ROWS = PLATFORMS.length * INDICATORS.length * 4;

    private SampleFeeds() {
    }

    /** The platforms as rows for {@link TestService#platforms}. */
    public static String platformRows() {
        StringBuilder rows = new StringBuilder();
        for (String p : PLATFORMS) rows.append(p).append(",模糊测试区").append(p).append(",county,other,衢州市,,,\n");
        return rows.toString();
    }

    /** SDMX-CSV; values are {@code base + n + 0.(n mod 10)} before UNIT_MULT and unit conversion. */
    public static String sdmx(int base) {
        StringBuilder csv = new StringBuilder("DATAFLOW,PLATFORM: 平台,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MULT,UNIT_MEASURE,OBS_STATUS,OBS_COMMENT,DECIMALS\n");
        int n = 0;
        for (String p : PLATFORMS) {
            for (String ind : INDICATORS) {
                for (int q = 1; q <= 4; q++, n++) {
                    csv.append("ZJ:ZONEWATCH(1.0),").append(n % 3 == 0 ? p + ": 平台" + p : p).append(',').append(ind)
                            .append(",2024-Q").append(q).append(',').append(base + n).append('.').append(n % 10)
                            .append(',').append(n % 4 == 0 ? "1" : "").append(',')
                            .append(ind.equals("tax_revenue") && n % 5 == 0 ? "亿元" : "").append(',')
                            .append("APEB".charAt(n % 4)).append(',').append(n % 7 == 0 ? "修订" : "").append(",1\n");
                }
            }
        }
        return csv.toString();
    }

    public static String csv(int base) {
        StringBuilder csv = new StringBuilder("platform_code,indicator_code,period,value,unit,status,note\n");
        int n = 0;
        for (String p : PLATFORMS) {
            for (String ind : INDICATORS) {
                for (int q = 1; q <= 4; q++, n++) {
                    csv.append(p).append(',').append(ind).append(",2024Q").append(q).append(',').append(base + n).append(",,")
                            .append("APEB".charAt(n % 4)).append(',').append(n % 6 == 0 ? "备注" : "").append('\n');
                }
            }
        }
        return csv.toString();
    }

    public static JsonObject json(int base) {
        JsonArray items = new JsonArray();
        int n = 0;
        for (String p : PLATFORMS) {
            for (String ind : INDICATORS) {
                for (int q = 1; q <= 4; q++, n++) {
                    items.add(new JsonObject().put("platform", p).put("indicator", ind).put("period", "2024Q" + q)
                            .put("value", new BigDecimal(base + n + ".25")).put("status", "A"));
                }
            }
        }
        return new JsonObject().put("observations", items);
    }
}
