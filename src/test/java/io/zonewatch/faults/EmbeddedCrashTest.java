package io.zonewatch.faults;

import io.zonewatch.testing.Api;
import io.zonewatch.testing.Ports;
import io.zonewatch.testing.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's default, run as a newcomer runs it: the service in embedded mode (its own PostgreSQL in
 * ZONEWATCH_DATA_DIR, the jar's default settings, nothing test-only), in a process of its own.
 * Issue 12 items 1 and 2: what was acknowledged survives the database being killed at once, and the
 * first start after a crash of the service or of its database comes up by itself with the data.
 */
class EmbeddedCrashTest {
    private static final String ADMIN = "zw_crash-admin-token-0123456789abcdefghijkl";

    @TempDir
    Path dataDir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopLeftovers() throws Exception {
        for (Process p : started) {
            if (p.isAlive()) p.destroyForcibly().waitFor();
        }
        // The service's database, if a test left it running (its service was killed).
        Path pid = dataDir.resolve("postgres/postmaster.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).ifPresent(pm -> {
                pm.children().forEach(ProcessHandle::destroyForcibly);
                pm.destroyForcibly();
            });
        }
    }

    private Process start(int port, Path log) throws Exception {
        return ServiceProcess.start(ServiceProcess.embedded(dataDir, ADMIN), port, log, started);
    }

    private ProcessHandle postmaster() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow();
    }

    /** The service's own database connection, as the owner role, from the credentials file and the pid file. */
    private Connection ownerConnection() throws Exception {
        Properties credentials = new Properties();
        try (var in = Files.newBufferedReader(dataDir.resolve("database.credentials"))) {
            credentials.load(in);
        }
        String port = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).trim();
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/zonewatch", "zonewatch",
                credentials.getProperty("owner_password"));
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String feed(int n) {
        StringBuilder csv = new StringBuilder("platform_code,indicator_code,period,value\n");
        for (int p = 0; p < 20; p++) csv.append("C").append(p).append(",employees,2024Q").append(n % 4 + 1).append(',').append(100 * n + p).append('\n');
        return csv.toString();
    }

    @Test
    void feedsAcknowledgedJustBeforeTheDatabaseIsKilledAreThereAfterTheRestart() throws Exception {
        int port = Ports.free();
        Path log = Files.createTempFile("zonewatch-embedded-crash", ".log");
        Process service = start(port, log);
        try (Connection c = ownerConnection()) {
            // The jar's defaults, as the service's own role sees them.
            assertEquals("on", text(c, "SHOW fsync"));
            assertEquals("on", text(c, "SHOW synchronous_commit"));
            assertEquals("on", text(c, "SHOW full_page_writes"));
        }
        Api api = new Api(port);
        StringBuilder platforms = new StringBuilder("code,name,level,type,region\n");
        for (int p = 0; p < 20; p++) platforms.append("C").append(p).append(",崩溃区").append(p).append(",county,other,衢州市\n");
        assertEquals(200, api.post("/api/v1/platforms", ADMIN, "text/csv", platforms.toString()).status());
        List<Long> acknowledged = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            Api.Response r = api.feed(ADMIN, feed(n), null);
            assertEquals(201, r.status(), r.toString());
            acknowledged.add(r.json().getLong("feedId"));
        }
        // At once after the last 201: the postmaster and every one of its processes, with SIGKILL.
        ProcessHandle pm = postmaster();
        List<ProcessHandle> children = pm.children().toList();
        pm.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        pm.onExit().get(10, TimeUnit.SECONDS);
        service.destroyForcibly().waitFor();

        start(port, log);
        for (int n = 0; n < acknowledged.size(); n++) {
            Api.Response obs = api.get("/api/v1/platforms/C7/observations?indicator=employees&from=2024Q" + (n % 4 + 1)
                    + "&to=2024Q" + (n % 4 + 1), ADMIN);
            assertEquals(200, obs.status(), obs.toString());
            assertEquals(1, obs.array("observations").size(), "feed " + acknowledged.get(n) + " is there: " + obs);
            assertEquals(100 * n + 7, obs.array("observations").getJsonObject(0).getInteger("value"));
            assertEquals(acknowledged.get(n), obs.array("observations").getJsonObject(0).getLong("feedId"));
        }
        try (Connection c = ownerConnection()) {
            assertEquals("4", text(c, "SELECT count(*) FROM feed"));
            assertEquals("80", text(c, "SELECT count(*) FROM observation_current"));
        }
    }

    @Test
    void theFirstStartAfterTheServiceWasKilledComesUpWithTheData() throws Exception {
        int port = Ports.free();
        Path log = Files.createTempFile("zonewatch-embedded-kill", ".log");
        Process service = start(port, log);
        Api api = new Api(port);
        assertEquals(200, api.post("/api/v1/platforms", ADMIN, "text/csv", "code,name,level,type,region\nC7,崩溃区,county,other,衢州市\n").status());
        assertEquals(201, api.feed(ADMIN, "platform_code,indicator_code,period,value\nC7,employees,2024Q4,321\n", null).status());
        ProcessHandle pm = postmaster();
        service.destroyForcibly().waitFor();
        assertTrue(pm.isAlive(), "the killed service's database runs on");

        long t0 = System.nanoTime();
        start(port, log);   // the first start, not a second attempt
        System.out.printf("first start after SIGKILL of the service: ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Api.Response obs = api.get("/api/v1/platforms/C7/observations?indicator=employees", ADMIN);
        assertEquals(321, obs.array("observations").getJsonObject(0).getInteger("value"));
        assertTrue(Files.readString(log).contains("left running by an earlier ZoneWatch"), "the leftover server was stopped, and said so");
    }
}
