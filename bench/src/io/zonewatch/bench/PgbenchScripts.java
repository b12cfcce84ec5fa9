package io.zonewatch.bench;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read benchmark's baseline: the statement an endpoint sends, taken from the service's own SQL
 * classes (so the baseline cannot drift from the code) and written as a pgbench script, its
 * parameters bound the way the service binds them (pgbench -M prepared sends them as parameters too).
 * Usage: {@code java io.zonewatch.bench.PgbenchScripts ranking|observations}
 */
public final class PgbenchScripts {
    /** The random platform, as the wrk script picks it: NP00000..NP09999. */
    private static final String CODE = "('NP' || lpad(:p::text, 5, '0'))";

    public static void main(String[] args) throws Exception {
        String script = switch (args[0]) {
            // GET /api/v1/platforms/{code}/ranking?year=2025&scheme=mu_benefit
            case "ranking" -> bind(sql("io.zonewatch.ranking.RankingSql", "PLATFORM_RANKING"),
                    Map.of(1, CODE, 2, ":scheme", 3, ":year", 4, "false", 5, "NULL"));
            // GET /api/v1/platforms/{code}/observations?from=2025Q1&to=2025Q4: all base indicators, from a year before.
            case "observations" -> bind(sql("io.zonewatch.observations.ObservationSql", "CURRENT"),
                    Map.of(1, CODE, 2, ":indicators", 3, ":from", 4, ":to"));
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println("\\set p random(0, 9999)");
        System.out.println(script.strip() + ";");
    }

    private static String sql(String className, String field) throws ReflectiveOperationException {
        Field f = Class.forName(className).getDeclaredField(field);
        f.setAccessible(true);
        return (String) f.get(null);
    }

    private static String bind(String sql, Map<Integer, String> values) {
        Matcher m = Pattern.compile("\\$(\\d+)").matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(values.get(Integer.parseInt(m.group(1)))));
        return m.appendTail(out).toString();
    }
}
