-- create_hypertable (V1) added an index on (period DESC) to both observation tables, because V1 did not
-- ask it not to. It duplicates observation_current_period_idx (period, platform_code), costs about a
-- fifth of the insert time, and made the planner read every row of the history for the list of
-- reported periods instead of the BRIN index (196 ms instead of 3 ms at 1.9 million rows). Dropped
-- wherever it exists; on plain PostgreSQL there is none (issue 12 item 13).
DO $$
DECLARE
    r record;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        FOR r IN SELECT i.indexrelid::regclass AS name
                 FROM pg_index i
                 JOIN pg_class t ON t.oid = i.indrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
                 WHERE t.relname IN ('observation_version', 'observation_current')
                   AND pg_get_indexdef(i.indexrelid) LIKE '%USING btree (period DESC)'
        LOOP
            EXECUTE format('DROP INDEX %s', r.name);
        END LOOP;
    END IF;
END
$$;
