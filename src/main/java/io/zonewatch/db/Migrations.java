package io.zonewatch.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Runs the Flyway migrations from sql/ (packaged as classpath:db/migration). Blocking: call at start-up only. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** The schema version the database is at, and its storage. */
    public record Migrated(String schemaVersion, Storage storage) {
    }

    /** Migrates and returns the schema version the database is now at. */
    public static String run(DbTarget target) {
        return migrate(target).schemaVersion();
    }

    public static Migrated migrate(DbTarget target) {
        return migrate(target, null);
    }

    /** Up to version {@code upTo} (null: all), with the same guard as every start (tests of upgrades). */
    public static Migrated migrate(DbTarget target, String upTo) {
        Storage.Server server;
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
            server = Storage.probe(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database " + target.describe() + ": " + e.getMessage(), e);
        }
        Flyway flyway = Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user(), target.password())
                .locations("classpath:db/migration")
                .connectRetries(10)
                .callbacks(new NoTimescaleUnlessLoaded(server))
                .target(upTo == null ? "latest" : upTo)
                // The repeatable migrations (the reporting views' current definitions) read the latest
                // schema: an upgrade test that stops at an older version does not run them.
                .repeatableSqlMigrationPrefix(upTo == null ? "R" : "NOT_BEFORE_THE_LATEST_VERSION")
                .load();
        MigrateResult result = flyway.migrate();
        MigrationInfo current = flyway.info().current();
        String version = current == null ? "0" : current.getVersion().getVersion();
        LOG.info("Database {} at schema version {} ({} migrations applied now)",
                target.describe(), version, result.migrationsExecuted);
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
            return new Migrated(version, Storage.after(c, server));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the storage of " + target.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * V1 (landed, so never edited) tries {@code CREATE EXTENSION timescaledb} wherever the package is
     * installed. Where it is installed but not loaded that ends the connection with a FATAL and the
     * migration fails. For V1's session only, the catalogue view V1 consults is shadowed by a
     * temporary view without timescaledb (temporary relations come before pg_catalog in name
     * resolution), so V1 decides "not available" and leaves the tables plain, as it does on servers
     * without the package.
     */
    private static final class NoTimescaleUnlessLoaded implements Callback {
        private final Storage.Server server;

        NoTimescaleUnlessLoaded(Storage.Server server) {
            this.server = server;
        }

        @Override
        public boolean supports(Event event, Context context) {
            return !server.mayTry() && !server.installed()
                    && (event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE_ERROR);
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            MigrationInfo m = context.getMigrationInfo();
            if (m == null || m.getVersion() == null || !"1".equals(m.getVersion().getVersion())) return;
            String sql = event == Event.BEFORE_EACH_MIGRATE
                    ? DbSql.HIDE_TIMESCALE : DbSql.UNHIDE_TIMESCALE;
            try (Statement s = context.getConnection().createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("could not keep V1 from trying TimescaleDB: " + e.getMessage(), e);
            }
            if (event == Event.BEFORE_EACH_MIGRATE) {
                LOG.info("TimescaleDB is installed on this server but not preloaded: the observation tables are created as plain tables");
            }
        }

        @Override
        public String getCallbackName() {
            return "zonewatch-no-timescaledb-unless-loaded";
        }
    }
}
