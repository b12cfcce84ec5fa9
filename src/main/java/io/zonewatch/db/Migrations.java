package io.zonewatch.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Flyway migrations from sql/ (packaged as classpath:db/migration). Blocking: call at start-up only. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** Migrates and returns the schema version the database is now at. */
    public static String run(DbTarget target) {
        Flyway flyway = Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user(), target.password())
                .locations("classpath:db/migration")
                .connectRetries(10)
                .load();
        MigrateResult result = flyway.migrate();
        MigrationInfo current = flyway.info().current();
        String version = current == null ? "0" : current.getVersion().getVersion();
        LOG.info("Database {} at schema version {} ({} migrations applied now)",
                target.describe(), version, result.migrationsExecuted);
        return version;
    }
}
