package io.zonewatch.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Service configuration, read from environment variables. Every variable has a default so that a
 * fresh clone runs with no configuration at all (embedded PostgreSQL in ./data).
 */
public record Config(
        int httpPort,
        String httpHost,
        int httpInstances,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        int dbPoolSize,
        int dbConnectTimeoutMillis,
        Path dataDir,
        Optional<String> adminToken,
        Optional<String> grafanaUrl,
        Optional<String> grafanaToken,
        boolean demo,
        long maxFeedBytes,
        long feedMemoryBytes,
        long maxBodyBytes,
        int shutdownTimeoutSeconds,
        int rankingScheduleSeconds,
        java.time.MonthDay rankingYearEndDeadline,
        double rankingCompleteness,
        int alertSweepSeconds,
        String publicUrl,
        String grafanaMinSeverity,
        int httpIdleTimeoutSeconds,
        int httpBodyTimeoutSeconds,
        boolean http2Cleartext,
        Optional<Integer> metricsPort,
        int grafanaBackfillDays) {

    public static final String HTTP_PORT = "ZONEWATCH_HTTP_PORT";
    public static final String HTTP_HOST = "ZONEWATCH_HTTP_HOST";
    public static final String HTTP_INSTANCES = "ZONEWATCH_HTTP_INSTANCES";
    public static final String DB_URL = "ZONEWATCH_DB_URL";
    public static final String DB_USER = "ZONEWATCH_DB_USER";
    public static final String DB_PASSWORD = "ZONEWATCH_DB_PASSWORD";
    public static final String DB_POOL_SIZE = "ZONEWATCH_DB_POOL_SIZE";
    public static final String DB_CONNECT_TIMEOUT_MS = "ZONEWATCH_DB_CONNECT_TIMEOUT_MS";
    public static final String DATA_DIR = "ZONEWATCH_DATA_DIR";
    public static final String ADMIN_TOKEN = "ZONEWATCH_ADMIN_TOKEN";
    public static final String GRAFANA_URL = "ZONEWATCH_GRAFANA_URL";
    public static final String GRAFANA_TOKEN = "ZONEWATCH_GRAFANA_TOKEN";
    public static final String DEMO = "ZONEWATCH_DEMO";
    public static final String MAX_FEED_BYTES = "ZONEWATCH_MAX_FEED_BYTES";
    public static final String FEED_MEMORY_BYTES = "ZONEWATCH_FEED_MEMORY_BYTES";
    public static final String MAX_BODY_BYTES = "ZONEWATCH_MAX_BODY_BYTES";
    public static final String SHUTDOWN_TIMEOUT_S = "ZONEWATCH_SHUTDOWN_TIMEOUT_S";
    public static final String RANKING_SCHEDULE_S = "ZONEWATCH_RANKING_SCHEDULE_S";
    public static final String RANKING_YEAR_END_DEADLINE = "ZONEWATCH_RANKING_YEAR_END_DEADLINE";
    public static final String RANKING_COMPLETENESS = "ZONEWATCH_RANKING_COMPLETENESS";
    public static final String ALERT_SWEEP_S = "ZONEWATCH_ALERT_SWEEP_S";
    public static final String PUBLIC_URL = "ZONEWATCH_PUBLIC_URL";
    public static final String GRAFANA_MIN_SEVERITY = "ZONEWATCH_GRAFANA_MIN_SEVERITY";
    public static final String HTTP_IDLE_TIMEOUT_S = "ZONEWATCH_HTTP_IDLE_TIMEOUT_S";
    public static final String HTTP_BODY_TIMEOUT_S = "ZONEWATCH_HTTP_BODY_TIMEOUT_S";
    public static final String HTTP2_CLEARTEXT = "ZONEWATCH_HTTP2_CLEARTEXT";
    public static final String METRICS_PORT = "ZONEWATCH_METRICS_PORT";
    public static final String GRAFANA_BACKFILL_DAYS = "ZONEWATCH_GRAFANA_BACKFILL_DAYS";

    public static Config fromEnvironment() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        Reader r = new Reader(env);
        long maxFeedBytes = r.longValue(MAX_FEED_BYTES, 64L << 20, 1024, 1L << 34);
        long feedMemoryBytes = r.longValue(FEED_MEMORY_BYTES, maxFeedBytes, 1024, 1L << 36);
        if (feedMemoryBytes < maxFeedBytes) {
            throw new IllegalArgumentException(FEED_MEMORY_BYTES + " (" + feedMemoryBytes + ") must be at least "
                    + MAX_FEED_BYTES + " (" + maxFeedBytes + "), or the largest feed could never be received");
        }
        return new Config(
                r.integer(HTTP_PORT, 8080, 0, 65535),
                r.string(HTTP_HOST).orElse("0.0.0.0"),
                r.integer(HTTP_INSTANCES, Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 64),
                r.string(DB_URL),
                r.string(DB_USER),
                r.string(DB_PASSWORD),
                r.integer(DB_POOL_SIZE, 16, 1, 512),
                r.integer(DB_CONNECT_TIMEOUT_MS, 5000, 100, 120_000),
                Path.of(r.string(DATA_DIR).orElse("./data")),
                r.string(ADMIN_TOKEN),
                r.string(GRAFANA_URL),
                r.string(GRAFANA_TOKEN),
                r.bool(DEMO, false),
                maxFeedBytes,
                feedMemoryBytes,
                r.longValue(MAX_BODY_BYTES, 4L << 20, 1024, 1L << 30),
                r.integer(SHUTDOWN_TIMEOUT_S, 10, 0, 600),
                r.integer(RANKING_SCHEDULE_S, 300, 0, 86_400),
                r.monthDay(RANKING_YEAR_END_DEADLINE, java.time.MonthDay.of(4, 30)),
                r.integer(RANKING_COMPLETENESS, 95, 1, 100) / 100.0,
                r.integer(ALERT_SWEEP_S, 60, 0, 86_400),
                r.string(PUBLIC_URL).orElse("http://localhost:8080").replaceAll("/+$", ""),
                r.choice(GRAFANA_MIN_SEVERITY, "warning", java.util.List.of("info", "warning", "critical")),
                r.integer(HTTP_IDLE_TIMEOUT_S, 60, 1, 3_600),
                r.integer(HTTP_BODY_TIMEOUT_S, 300, 1, 86_400),
                r.bool(HTTP2_CLEARTEXT, false),
                r.string(METRICS_PORT).isEmpty() ? Optional.empty() : Optional.of(r.integer(METRICS_PORT, 0, 0, 65535)),
                r.integer(GRAFANA_BACKFILL_DAYS, 365, 0, 36_500));
    }

    /** Warnings are pushed to Grafana (and queued in the outbox) only when both its URL and token are set. */
    public boolean grafanaPush() {
        return grafanaUrl.isPresent() && grafanaToken.isPresent();
    }

    public boolean embeddedDatabase() {
        return dbUrl.isEmpty();
    }

    /** Reads typed values and fails start-up with the variable's name when one is malformed. */
    private record Reader(Map<String, String> env) {
        Optional<String> string(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        long longValue(String name, long def, long min, long max) {
            Optional<String> v = string(name);
            if (v.isEmpty()) return def;
            try {
                long n = Long.parseLong(v.get());
                if (n < min || n > max) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        name + " must be a whole number between " + min + " and " + max + ", got '" + v.get() + "'");
            }
        }

        int integer(String name, int def, int min, int max) {
            return (int) longValue(name, def, min, max);
        }

        java.time.MonthDay monthDay(String name, java.time.MonthDay def) {
            Optional<String> v = string(name);
            if (v.isEmpty()) return def;
            try {
                return java.time.MonthDay.parse("--" + v.get());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(name + " must be a month and day as MM-DD, got '" + v.get() + "'");
            }
        }

        String choice(String name, String def, java.util.List<String> allowed) {
            String v = string(name).orElse(def);
            if (!allowed.contains(v)) throw new IllegalArgumentException(name + " must be one of " + allowed + ", got '" + v + "'");
            return v;
        }

        boolean bool(String name, boolean def) {
            Optional<String> v = string(name);
            if (v.isEmpty()) return def;
            return switch (v.get().toLowerCase()) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v.get() + "'");
            };
        }
    }
}
