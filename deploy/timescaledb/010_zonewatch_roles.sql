-- Roles for Grafana, run by the timescale/timescaledb image when it initialises an empty data
-- volume (mounted into /docker-entrypoint-initdb.d by docker-compose.yml; it runs after the image's
-- own 000_install_timescaledb.sh and 001_timescaledb_tune.sh, as the owner user "zonewatch" in the
-- database "zonewatch").
--
-- Why the reader role is created here: Grafana's data source logs in as zonewatch_grafana, which
-- must be a member of zonewatch_reader. zonewatch_reader is otherwise created by the service's
-- migration sql/V4__reporting_views.sql, and that only runs when the service starts, after the
-- database is up. Creating zonewatch_reader (NOLOGIN) here first lets this script grant it to
-- zonewatch_grafana at once; the migration then finds the role, skips its creation and only
-- grants it USAGE on the schema "reporting" and SELECT on the reporting views (and on views that
-- later migrations add). So Grafana reads the reporting views and nothing else, with no ordering
-- between this script and the service.
--
-- Idempotent: to apply a changed ZONEWATCH_GRAFANA_DB_PASSWORD on an existing volume, run
--   docker compose exec timescaledb psql -U zonewatch -d zonewatch -f /docker-entrypoint-initdb.d/010_zonewatch_roles.sql
-- (the password comes from the container's environment, so recreate the container after editing
-- .env: docker compose up -d timescaledb).

\set ON_ERROR_STOP on
\getenv grafana_password ZONEWATCH_GRAFANA_DB_PASSWORD

\if :{?grafana_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'ZONEWATCH_GRAFANA_DB_PASSWORD is not set in the timescaledb container'; END $$;
\endif

SELECT 'CREATE ROLE zonewatch_reader NOLOGIN'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zonewatch_reader') \gexec

SELECT 'CREATE ROLE zonewatch_grafana LOGIN'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zonewatch_grafana') \gexec

ALTER ROLE zonewatch_grafana WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT
    PASSWORD :'grafana_password';
GRANT zonewatch_reader TO zonewatch_grafana;

-- Belt and braces for a dashboard role: never writes, and a runaway panel query is cut off.
ALTER ROLE zonewatch_grafana SET default_transaction_read_only = on;
ALTER ROLE zonewatch_grafana SET statement_timeout = '30s';
