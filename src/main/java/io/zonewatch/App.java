package io.zonewatch;

import io.zonewatch.config.Config;
import org.slf4j.LoggerFactory;

/** Command-line entry point: {@code java -jar target/zonewatch.jar}. Configuration from the environment. */
public final class App {
    private App() {
    }

    /** The messages of a failure and its causes, each once. */
    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (out.indexOf(m) < 0) out.append(out.length() == 0 ? "" : "\n  caused by: ").append(m);
            if (c.getCause() == c) break;
        }
        return out.toString();
    }

    public static void main(String[] args) {
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        Config config;
        try {
            config = Config.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("zonewatch: " + e.getMessage());
            System.exit(2);
            return;
        }
        ZoneWatch zoneWatch;
        try {
            zoneWatch = ZoneWatch.start(config);
        } catch (RuntimeException e) {
            // What went wrong and what to do, not a stack trace (that goes to the log at debug level).
            LoggerFactory.getLogger(App.class).debug("start-up failed", e);
            System.err.println("zonewatch: could not start: " + describe(e));
            System.exit(1);
            return;
        }
        // SIGTERM and SIGINT run shutdown hooks: stop accepting, finish in-flight requests, close the pool.
        Runtime.getRuntime().addShutdownHook(new Thread(zoneWatch::close, "zonewatch-shutdown"));
        zoneWatch.generatedAdminToken().ifPresent(token -> System.out.println("""

                ============================================================================
                 ZoneWatch generated an admin token. It is shown this once; store it now:

                   %s

                 (set ZONEWATCH_ADMIN_TOKEN to choose your own instead)
                ============================================================================
                """.formatted(token)));
        System.out.println("ZoneWatch is ready: http://localhost:" + zoneWatch.port()
                + "/api/v1  (health: /health, metrics: /metrics, API contract: /openapi.yaml)");
    }
}
