package io.zonewatch.testing;

import io.zonewatch.db.DbTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The service as a process of its own (the test's classpath, {@code io.zonewatch.App}), so that it can
 * really be killed. Started with the environment given, on a free port, and waited for until
 * {@code /ready} answers 200.
 */
public final class ServiceProcess {
    private ServiceProcess() {
    }

    /** The environment for a service on an existing database of the test server. */
    public static Map<String, String> onDatabase(DbTarget db, String adminToken) {
        Map<String, String> env = new HashMap<>();
        env.put("ZONEWATCH_DB_URL", "postgresql://" + db.host() + ":" + db.port() + "/" + db.database());
        env.put("ZONEWATCH_DB_USER", db.user());
        env.put("ZONEWATCH_DB_PASSWORD", db.password());
        env.putAll(quiet(adminToken));
        return env;
    }

    /** The environment for a service in embedded mode (its own PostgreSQL in dataDir), as the README runs it. */
    public static Map<String, String> embedded(Path dataDir, String adminToken) {
        Map<String, String> env = new HashMap<>(quiet(adminToken));
        env.put("ZONEWATCH_DATA_DIR", dataDir.toString());
        return env;
    }

    private static Map<String, String> quiet(String adminToken) {
        return Map.of("ZONEWATCH_HTTP_HOST", "127.0.0.1", "ZONEWATCH_ADMIN_TOKEN", adminToken,
                "ZONEWATCH_RANKING_SCHEDULE_S", "0", "ZONEWATCH_ALERT_SWEEP_S", "0");
    }

    /** Starts the service on {@code port} and returns once it is ready; the process is added to {@code started}. */
    public static Process start(Map<String, String> env, int port, Path log, List<Process> started) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.zonewatch.App"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("ZONEWATCH_"));
        pb.environment().putAll(env);
        pb.environment().put("ZONEWATCH_HTTP_PORT", String.valueOf(port));
        Process p = pb.start();
        started.add(p);
        Api api = new Api(port);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                // Short timeouts: a connection made while the server is still binding may never be answered.
                if (api.probe("/ready", Duration.ofSeconds(2)).status() == 200) return p;
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            if (!p.isAlive()) throw new IllegalStateException("service died (exit " + p.exitValue() + "): " + Files.readString(log));
            Thread.sleep(50);   // polling another process's start-up, not synchronising with our own code
        }
        throw new IllegalStateException("service not ready: " + Files.readString(log));
    }
}
