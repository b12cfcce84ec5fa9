package io.zonewatch.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the observations live: TimescaleDB hypertables or plain PostgreSQL tables, and why. Decided
 * before the migrations try anything: {@code CREATE EXTENSION timescaledb} on a server that has the
 * package installed but not in {@code shared_preload_libraries} is not an error but a FATAL that ends
 * the connection (no EXCEPTION block can catch it), which stopped the service at its first start on
 * such servers. Whether the library is loaded is read from {@code pg_settings}, which lists the GUCs
 * TimescaleDB's loader defines ({@code timescaledb.disable_load}) only when it is loaded, and which
 * every role may read (unlike {@code shared_preload_libraries}, readable only with
 * pg_read_all_settings). Logged once at start and shown in {@code /ready}.
 */
public record Storage(boolean timescale, String version, String reason) {

    /** What the server offers, before migrating. */
    record Server(boolean available, boolean loaded, boolean installed) {
        /** The migrations may try to create the extension only where it can load. */
        boolean mayTry() {
            return available && loaded;
        }
    }

    static Server probe(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(DbSql.PROBE)) {
            rs.next();
            return new Server(rs.getBoolean("available"), rs.getBoolean("loaded"), rs.getBoolean("installed"));
        }
    }

    /** What the database is, after migrating, and why, given what the server offered before. */
    static Storage after(Connection c, Server before) throws SQLException {
        String version = null;
        long hypertables = 0;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(DbSql.TIMESCALE_VERSION)) {
            if (rs.next()) version = rs.getString(1);
        }
        if (version != null) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(DbSql.HYPERTABLES)) {
                rs.next();
                hypertables = rs.getLong(1);
            }
        }
        if (version != null && hypertables == 2) {
            return new Storage(true, version, "TimescaleDB " + version + " is loaded: observation_version and observation_current are hypertables partitioned by period");
        }
        if (version != null) {
            return new Storage(false, version, "TimescaleDB " + version + " is installed, but the observation tables were created as plain tables"
                    + " (before the extension was available); they stay plain");
        }
        if (!before.available()) return new Storage(false, null, "TimescaleDB is not installed on this server: plain PostgreSQL tables");
        if (!before.loaded()) {
            return new Storage(false, null, "TimescaleDB is installed on this server but not preloaded (add it to shared_preload_libraries"
                    + " and restart PostgreSQL): plain PostgreSQL tables, the extension was not tried");
        }
        return new Storage(false, null, "TimescaleDB is loaded, but this role may not create the extension: plain PostgreSQL tables"
                + " (CREATE EXTENSION timescaledb as a superuser, then migrate a new database)");
    }

    public String describe() {
        return timescale ? "timescaledb " + version : "postgresql";
    }
}
