package io.zonewatch.db;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the database is. Parsed from ZONEWATCH_DB_URL, which may be a libpq URI
 * ({@code postgresql://user:pw@host:5432/db}) or a JDBC URL ({@code jdbc:postgresql://host/db?user=..}).
 * The service talks to it through the Vert.x client; Flyway needs the JDBC form.
 */
public record DbTarget(String host, int port, String database, String user, String password, String sslMode) {

    public static DbTarget parse(String url, Optional<String> userOverride, Optional<String> passwordOverride) {
        String s = url.trim();
        if (s.startsWith("jdbc:")) s = s.substring(5);
        URI uri;
        try {
            uri = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ZONEWATCH_DB_URL is not a valid URL");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("ZONEWATCH_DB_URL must start with postgresql:// or jdbc:postgresql://");
        }
        Map<String, String> query = queryParameters(uri.getRawQuery());
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            if (parts.length > 1) password = decode(parts[1]);
        }
        if (query.containsKey("user")) user = query.get("user");
        if (query.containsKey("password")) password = query.get("password");
        user = userOverride.orElse(user == null ? "postgres" : user);
        password = passwordOverride.orElse(password == null ? "" : password);
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        String database = path.isEmpty() ? user : decode(path);
        return new DbTarget(host, port, database, user, password, query.getOrDefault("sslmode", "disable"));
    }

    public static DbTarget local(int port, String database, String user, String password) {
        return new DbTarget("localhost", port, database, user, password, "disable");
    }

    public DbTarget withDatabase(String otherDatabase) {
        return new DbTarget(host, port, otherDatabase, user, password, sslMode);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + "?sslmode=" + sslMode + "&ApplicationName=zonewatch";
    }

    public PgConnectOptions connectOptions() {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(host)
                .setPort(port)
                .setDatabase(database)
                .setUser(user)
                .setPassword(password)
                .setCachePreparedStatements(true)
                // The client caches only statements shorter than 2,048 characters by default; longer ones (the
                // platform ranking read, the feed writes) were parsed and planned on every execution.
                .setPreparedStatementCacheSqlLimit(64 * 1024)
                .setPipeliningLimit(64);
        options.getProperties().put("application_name", "zonewatch");
        options.setSslMode(switch (sslMode) {
            case "require" -> SslMode.REQUIRE;
            case "prefer" -> SslMode.PREFER;
            case "allow" -> SslMode.ALLOW;
            case "verify-ca" -> SslMode.VERIFY_CA;
            case "verify-full" -> SslMode.VERIFY_FULL;
            default -> SslMode.DISABLE;
        });
        if (options.getSslMode() == SslMode.REQUIRE || options.getSslMode() == SslMode.PREFER
                || options.getSslMode() == SslMode.ALLOW) {
            // sslmode=require means "encrypt", not "verify" (as in libpq).
            options.getSslOptions().setTrustAll(true);
        }
        return options;
    }

    /** For logs: never the password. */
    public String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
