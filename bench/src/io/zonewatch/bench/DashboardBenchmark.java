package io.zonewatch.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs every SQL query of the Grafana provisioning (variable queries, panels, SQL alert rules) as Grafana
 * sends it, as the read-only role zonewatch_reader, several times each, and prints per query the first
 * (cold: first execution in the session after a server restart) and the warm median and maximum in ms, the
 * rows returned and whether every warm run met the 200 ms target. The queries come from the test classes'
 * io.zonewatch.dashboards.DashboardQueries (Grafana's variable, macro and repeat handling, shared with
 * DashboardsTest), loaded by name: bench/lib.sh compiles bench/src against the main classes only, so this
 * file uses nothing but the JDK, and runs with target/test-classes and the service's jar (JDBC driver,
 * Jackson) on the class path.
 * <p>
 * Usage: {@code DashboardBenchmark JDBC_URL USER RUNS OUT_DIR [NOW]}; writes OUT_DIR/results.tsv and, for
 * each query that misses the target (every query with ZONEWATCH_BENCH_EXPLAIN=all), OUT_DIR/explain/NN.txt
 * with its EXPLAIN (ANALYZE, BUFFERS).
 */
public final class DashboardBenchmark {
    static final double TARGET_MS = 200;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int runs = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        Instant now = args.length > 4 ? Instant.parse(args[4]) : Instant.now();
        boolean explainAll = "all".equals(System.getenv("ZONEWATCH_BENCH_EXPLAIN"));
        Files.createDirectories(out.resolve("explain"));
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            try (Statement s = c.createStatement()) {
                s.execute("SET ROLE zonewatch_reader");
                s.execute("SET statement_timeout = '300s'");
            }
            List<String[]> queries = queries(c, now);
            System.out.printf(Locale.ROOT, "%d SQL queries (variables, panels, alert rules) as zonewatch_reader; dashboards' default "
                    + "time ranges ending %s; %d runs each: the first cold, then warm%n%n", queries.size(), now, runs);
            System.out.printf(Locale.ROOT, "%9s %9s %9s %8s  %-7s  %s%n", "first ms", "median ms", "max ms", "rows", "< 200ms",
                    "dashboard / query");
            int met = 0;
            int n = 0;
            try (PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(out.resolve("results.tsv"), StandardCharsets.UTF_8))) {
                tsv.println("n\tdashboard\tquery\tkind\tfirst_ms\tmedian_ms\tmax_ms\trows\tmet");
                for (String[] q : queries) {
                    n++;
                    double[] ms = new double[runs];
                    long rows = 0;
                    for (int i = 0; i < runs; i++) {
                        long t0 = System.nanoTime();
                        rows = run(c, q[3]);
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    double[] warm = runs > 1 ? Arrays.copyOfRange(ms, 1, runs) : ms.clone();
                    Arrays.sort(warm);
                    double median = warm.length % 2 == 1 ? warm[warm.length / 2] : (warm[warm.length / 2 - 1] + warm[warm.length / 2]) / 2;
                    double max = warm[warm.length - 1];
                    boolean ok = max < TARGET_MS;
                    if (ok) met++;
                    String label = (q[2].equals("panel") ? "" : q[2] + ": ") + q[1];
                    System.out.printf(Locale.ROOT, "%9.1f %9.1f %9.1f %8d  %-7s  %s / %s%n", ms[0], median, max, rows,
                            ok ? "met" : "NOT met", q[0], label);
                    tsv.printf(Locale.ROOT, "%d\t%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%d\t%s%n", n, q[0], q[1], q[2], ms[0], median, max, rows,
                            ok ? "met" : "NOT met");
                    if (!ok || explainAll) explain(c, q, out.resolve(String.format(Locale.ROOT, "explain/%02d.txt", n)));
                }
            }
            System.out.printf(Locale.ROOT, "%n%d of %d queries met the target (every warm run < %.0f ms)%n", met, n, TARGET_MS);
        }
    }

    @SuppressWarnings("unchecked")
    static List<String[]> queries(Connection c, Instant now) throws ReflectiveOperationException {
        try {
            return (List<String[]>) Class.forName("io.zonewatch.dashboards.DashboardQueries")
                    .getMethod("forBenchmark", Connection.class, Instant.class).invoke(null, c, now);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    static long run(Connection c, String sql) throws SQLException {
        long rows = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) rs.getObject(i); // decoded, as a client would
                rows++;
            }
        }
        return rows;
    }

    static void explain(Connection c, String[] q, Path file) throws SQLException, IOException {
        List<String> lines = new ArrayList<>(List.of("-- " + q[0] + " / " + q[1], q[3], ""));
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + q[3])) {
            while (rs.next()) lines.add(rs.getString(1));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
