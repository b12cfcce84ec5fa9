package io.zonewatch;

import io.zonewatch.config.Config;

/** Command-line entry point: {@code java -jar target/zonewatch.jar}. Configuration from the environment. */
public final class App {
    private App() {
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
        ZoneWatch zoneWatch = ZoneWatch.start(config);
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
