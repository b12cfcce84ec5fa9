-- Every index of observation_current holds the whole key (platform_code, indicator_code, period)
-- (issue 12 item 11). A feed's classification looks each of its rows up in observation_current through
-- a cached generic plan. On a hypertable that plan is made again whenever a feed creates a chunk, while
-- the new chunk is still empty: the planner then takes the smallest index that matches part of the key
-- ((indicator_code, period), or create_hypertable's (period DESC), dropped by V12) and filters the rest,
-- and every later lookup in that transaction reads all rows of that indicator and period stored so far
-- in the chunk. A 1,000,000-row feed took 520-580 s on TimescaleDB 2.17 against 24 s on plain
-- PostgreSQL. With the key in every index, whichever index the planner picks finds the row at once.
-- (Investigation and measurements: bench/RESULTS.md, "Ingest on TimescaleDB".)
DROP INDEX observation_current_indicator_idx;
CREATE INDEX observation_current_indicator_idx ON observation_current (indicator_code, period, platform_code);
DROP INDEX observation_current_period_idx;
CREATE INDEX observation_current_period_idx ON observation_current (period, platform_code, indicator_code);

-- One chunk per calendar year (issue 12 item 15). V1 asked for INTERVAL '1 year', which TimescaleDB
-- stores as 360 days, so chunk boundaries drifted through the calendar (README and V1 said "one chunk a
-- year"). Chunks of 365 days start in mid-December: each year from 1969 to 2100 has the four quarters
-- in a chunk of its own (checked on TimescaleDB 2.17.2; a date dimension takes whole days only, and
-- a partitioning function would lose chunk exclusion for prepared statements). Chunks made before this
-- migration keep their 360 days; new ones are made at the new size.
DO $$
BEGIN
    -- Nested, not one IF with AND: PL/pgSQL plans the whole condition, and the view exists only with TimescaleDB.
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        IF EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'observation_current') THEN
            PERFORM set_chunk_time_interval('observation_version', INTERVAL '365 days');
            PERFORM set_chunk_time_interval('observation_current', INTERVAL '365 days');
        END IF;
    END IF;
END
$$;
