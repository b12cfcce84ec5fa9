package io.zonewatch.db;

/**
 * All SQL of the database's own housekeeping: what the storage probe asks, the guard around V1 on a
 * server with TimescaleDB installed but not loaded, and the embedded server's roles, database and
 * ownership (run as its superuser at every start). Identifiers are ZoneWatch's own constants and
 * passwords are generated ones (EmbeddedCredentials: letters and digits only), never client input.
 */
final class DbSql {
    private DbSql() {
    }

    /** Grafana's read-only role, which the migrations grant the reporting views. */
    static final String READER = "zonewatch_reader";

    // ---- storage probe (Storage)

    static final String PROBE = """
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb') AS available,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_settings WHERE name = 'timescaledb.disable_load') AS loaded,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') AS installed""";

    static final String TIMESCALE_VERSION = "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb'";

    static final String HYPERTABLES = """
            SELECT count(*) FROM timescaledb_information.hypertables
            WHERE hypertable_name IN ('observation_version', 'observation_current')""";

    // ---- V1 on a server where TimescaleDB is installed but not loaded (Migrations)

    static final String HIDE_TIMESCALE =
            "CREATE TEMP VIEW pg_available_extensions AS SELECT * FROM pg_catalog.pg_available_extensions WHERE name <> 'timescaledb'";
    static final String UNHIDE_TIMESCALE = "DROP VIEW IF EXISTS pg_temp.pg_available_extensions";

    // ---- the embedded server's roles and database (EmbeddedDatabase)

    static final String FLYWAY_HISTORY_EXISTS = "SELECT 1 FROM pg_class WHERE relname = 'flyway_schema_history'";

    static String setPassword(String role, String password) {
        return "ALTER ROLE " + role + " WITH PASSWORD '" + password + "'";
    }

    static String roleExists(String role) {
        return "SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'";
    }

    static String createRole(String role) {
        return "CREATE ROLE " + role;
    }

    static String ownerRole(String role, String password) {
        return "ALTER ROLE " + role + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '" + password + "'";
    }

    static String databaseExists(String database) {
        return "SELECT 1 FROM pg_database WHERE datname = '" + database + "'";
    }

    static String renameDatabase(String from, String to) {
        return "ALTER DATABASE " + from + " RENAME TO " + to;
    }

    /** A database from template0 ({@code owner} null: the superuser's, in the template's encoding). */
    static String createDatabase(String database, String owner) {
        return owner == null ? "CREATE DATABASE " + database + " TEMPLATE template0"
                : "CREATE DATABASE " + database + " OWNER " + owner + " TEMPLATE template0 ENCODING 'UTF8'";
    }

    static String databaseOwner(String database, String owner) {
        return "ALTER DATABASE " + database + " OWNER TO " + owner;
    }

    static String revokePublic(String database) {
        return "REVOKE ALL ON DATABASE " + database + " FROM PUBLIC";
    }

    static String grantConnect(String database, String role) {
        return "GRANT CONNECT ON DATABASE " + database + " TO " + role;
    }

    /**
     * Everything the superuser owns outside the system schemas passes to the owner role (REASSIGN OWNED
     * cannot be used: the bootstrap superuser also owns the database's system objects). Sequences that
     * belong to a column move with their table. Default privileges for the reporting views follow.
     */
    static final String TRANSFER_OWNERSHIP = """
            DO $$
            DECLARE
                su oid := (SELECT oid FROM pg_roles WHERE rolname = 'postgres');
                r record;
            BEGIN
                FOR r IN SELECT nspname FROM pg_namespace
                         WHERE nspowner = su AND nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public') LOOP
                    EXECUTE format('ALTER SCHEMA %I OWNER TO zonewatch', r.nspname);
                END LOOP;
                FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.relowner = su AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                           AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                           AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                    AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))) LOOP
                    EXECUTE format('ALTER %s %s OWNER TO zonewatch',
                        CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                       WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name);
                END LOOP;
                FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE p.proowner = su AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
                    EXECUTE format('ALTER ROUTINE %s OWNER TO zonewatch', r.name);
                END LOOP;
                FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                         WHERE t.typowner = su AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                           AND t.typtype IN ('e', 'd', 'r', 'm') LOOP
                    EXECUTE format('ALTER TYPE %s OWNER TO zonewatch', r.name);
                END LOOP;
                IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reporting') THEN
                    ALTER DEFAULT PRIVILEGES FOR ROLE zonewatch IN SCHEMA reporting GRANT SELECT ON TABLES TO zonewatch_reader;
                END IF;
            END $$""";
}
