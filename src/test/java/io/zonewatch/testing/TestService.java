package io.zonewatch.testing;

import io.zonewatch.ZoneWatch;
import io.zonewatch.config.Config;
import io.zonewatch.db.DbTarget;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * A ZoneWatch on a random port over a fresh database of the test server, with a known admin token,
 * and the test's own JDBC view of that database for checking what was (not) stored.
 */
public final class TestService implements AutoCloseable {
    public static final String ADMIN = "zw_test-admin-token-0123456789abcdefghijklmnop";

    public final ZoneWatch zoneWatch;
    public final DbTarget db;
    public final Api api;

    private TestService(ZoneWatch zoneWatch, DbTarget db) {
        this.zoneWatch = zoneWatch;
        this.db = db;
        this.api = new Api(zoneWatch.port());
    }

    public static TestService start() {
        return start(Map.of());
    }

    public static TestService start(Map<String, String> extraEnv) {
        return start(extraEnv, java.time.Clock.systemUTC());
    }

    /** With a clock of the test's choosing: "today" decides which quarters have ended. */
    public static TestService start(Map<String, String> extraEnv, java.time.Clock clock) {
        return startOn(TestDatabase.newDatabase(), extraEnv, clock);
    }

    /** On a database that already exists, e.g. to restart a service over the same data. */
    public static TestService startOn(DbTarget db, Map<String, String> extraEnv, java.time.Clock clock) {
        Map<String, String> env = new HashMap<>();
        env.put(Config.DB_URL, "postgresql://" + db.host() + ":" + db.port() + "/" + db.database());
        env.put(Config.DB_USER, db.user());
        env.put(Config.DB_PASSWORD, db.password());
        env.put(Config.HTTP_PORT, "0");
        env.put(Config.HTTP_HOST, "127.0.0.1");
        env.put(Config.HTTP_INSTANCES, "1");
        env.put(Config.DB_POOL_SIZE, "4");
        env.put(Config.ADMIN_TOKEN, ADMIN);
        env.put(Config.RANKING_SCHEDULE_S, "0");
        // Tests trigger warning evaluation and delivery themselves, deterministically.
        env.put(Config.ALERT_SWEEP_S, "0");
        env.putAll(extraEnv);
        return new TestService(ZoneWatch.start(Config.from(env), clock), db);
    }

    /** Evaluates pending warnings now (what the worker does after each feed). */
    public io.zonewatch.alerts.AlertService.Summary evaluateAlerts() {
        return zoneWatch.alerts().processPending().toCompletionStage().toCompletableFuture().join();
    }

    /** A single number from SQL, e.g. a count. */
    public long scalar(String sql) {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String text(String sql) {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates a token of a role through the API and returns its secret. */
    public String token(String role, String platform) {
        var body = new io.vertx.core.json.JsonObject().put("role", role).put("name", "test " + role);
        if (platform != null) body.put("platform", platform);
        Api.Response r = api.postJson("/api/v1/tokens", ADMIN, body);
        if (r.status() != 201) throw new IllegalStateException("token: " + r);
        return r.json().getString("token");
    }

    /** Registers platforms through the bulk endpoint: code,name,level,type,region[,parent_code,active_from,active_to]. */
    public void platforms(String csvRows) {
        String csv = "code,name,level,type,region,parent_code,active_from,active_to\n" + csvRows;
        Api.Response r = api.post("/api/v1/platforms", ADMIN, "text/csv", csv);
        if (r.status() != 200) throw new IllegalStateException("platforms: " + r);
    }

    @Override
    public void close() {
        zoneWatch.close();
    }
}
