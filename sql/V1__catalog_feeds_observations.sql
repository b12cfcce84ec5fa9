-- ZoneWatch schema, part 1: catalog, tokens, feeds, observations, audit.
-- Runs on plain PostgreSQL >= 15 and on TimescaleDB; the TimescaleDB branch is at the end.

CREATE TABLE app_state (
    key   text PRIMARY KEY,
    value jsonb NOT NULL
);

CREATE TABLE platform (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_en     text CHECK (length(name_en) <= 200),
    level       text NOT NULL CHECK (level IN ('national', 'provincial', 'municipal', 'county')),
    type        text NOT NULL CHECK (type IN ('etdz', 'hitech', 'functional_zone', 'bonded', 'town_park', 'other')),
    region      text NOT NULL CHECK (length(region) BETWEEN 1 AND 200),
    parent_code text REFERENCES platform (code) DEFERRABLE INITIALLY DEFERRED,
    active_from date,
    active_to   date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_code IS NULL OR parent_code <> code),
    CHECK (active_from IS NULL OR active_to IS NULL OR active_from <= active_to)
);
CREATE INDEX platform_type_idx ON platform (type);

-- The indicator catalog is data: administrators add indicators. A derived indicator is either a
-- ratio of two indicators times a constant, or the same-quarter year-on-year growth of one.
CREATE TABLE indicator (
    code         text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
    name_zh      text NOT NULL,
    name_en      text NOT NULL,
    unit         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('ytd_flow', 'stock', 'ratio', 'derived')),
    better       text NOT NULL CHECK (better IN ('higher', 'lower', 'none')),
    non_negative boolean NOT NULL DEFAULT true,
    formula      text CHECK (formula IN ('ratio', 'growth')),
    numerator    text REFERENCES indicator (code),
    denominator  text REFERENCES indicator (code),
    factor       numeric NOT NULL DEFAULT 1,
    growth_of    text REFERENCES indicator (code),
    sort_order   integer NOT NULL DEFAULT 0,
    CHECK ((kind = 'derived') = (formula IS NOT NULL)),
    CHECK (formula IS DISTINCT FROM 'ratio' OR (numerator IS NOT NULL AND denominator IS NOT NULL AND growth_of IS NULL)),
    CHECK (formula IS DISTINCT FROM 'growth' OR (growth_of IS NOT NULL AND numerator IS NULL AND denominator IS NULL))
);

-- Units a feed row may carry for an indicator whose canonical unit is `unit`: value * factor.
CREATE TABLE unit_conversion (
    unit      text NOT NULL,
    from_unit text NOT NULL,
    factor    numeric NOT NULL CHECK (factor > 0),
    PRIMARY KEY (unit, from_unit)
);

CREATE TABLE api_token (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('bureau', 'leader', 'platform', 'admin')),
    platform_code text REFERENCES platform (code),
    secret_sha256 bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint REFERENCES api_token (id),
    revoked_at    timestamptz,
    CHECK ((role = 'platform') = (platform_code IS NOT NULL))
);

CREATE TABLE feed (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at      timestamptz NOT NULL DEFAULT now(),
    submitted_by     bigint REFERENCES api_token (id),
    submitter        text NOT NULL,
    format           text NOT NULL CHECK (format IN ('csv', 'json', 'sdmx-csv')),
    mode             text NOT NULL CHECK (mode IN ('atomic', 'lenient')),
    content_sha256   text NOT NULL,
    size_bytes       bigint NOT NULL,
    idempotency_key  text,
    status           text NOT NULL CHECK (status IN ('accepted', 'partial', 'rejected')),
    rows             integer NOT NULL,
    inserted         integer NOT NULL,
    revised          integer NOT NULL,
    unchanged        integer NOT NULL,
    rejected         integer NOT NULL,
    errors           jsonb NOT NULL DEFAULT '[]',
    errors_truncated boolean NOT NULL DEFAULT false
);
-- Replays: the same content in the same format and mode, still in force, answers with the first result.
CREATE INDEX feed_content_idx ON feed (content_sha256) WHERE status <> 'rejected';
CREATE UNIQUE INDEX feed_idempotency_key_idx ON feed (submitted_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX feed_received_at_idx ON feed (received_at);

-- Every version of every observation (append-only). period = first day of the quarter.
-- Its keys need no foreign keys of their own: every version is written together with the current
-- row of the same key, whose foreign keys check platform and indicator (one check per row, not two).
CREATE TABLE observation_version (
    platform_code  text NOT NULL,
    indicator_code text NOT NULL,
    period         date NOT NULL,
    revision       integer NOT NULL CHECK (revision >= 1),
    value          numeric NOT NULL,
    status         text NOT NULL CHECK (status IN ('A', 'P', 'E', 'B')),
    note           text,
    feed_id        bigint NOT NULL REFERENCES feed (id),
    recorded_at    timestamptz NOT NULL,
    PRIMARY KEY (platform_code, indicator_code, period, revision)
);
-- "What did feed N write?" (replays, warning evaluation). Feed ids grow with insertion order, so a
-- BRIN index answers it at a fraction of a B-tree's write cost on a million-row feed.
CREATE INDEX observation_version_feed_idx ON observation_version USING brin (feed_id);

-- The latest version of each key, maintained in the same transaction as observation_version.
CREATE TABLE observation_current (
    platform_code  text NOT NULL REFERENCES platform (code),
    indicator_code text NOT NULL REFERENCES indicator (code),
    period         date NOT NULL,
    revision       integer NOT NULL,
    value          numeric NOT NULL,
    status         text NOT NULL CHECK (status IN ('A', 'P', 'E', 'B')),
    feed_id        bigint NOT NULL,  -- checked on the version row written with it
    recorded_at    timestamptz NOT NULL,
    PRIMARY KEY (platform_code, indicator_code, period)
);
CREATE INDEX observation_current_indicator_idx ON observation_current (indicator_code, period);
-- Per-period questions (who reported for 2025Q3, when did its data last change) without a full scan.
CREATE INDEX observation_current_period_idx ON observation_current (period, platform_code);

CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_token_id bigint,
    actor          text NOT NULL,
    action         text NOT NULL,
    subject        text,
    details        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- TimescaleDB branch. The extension is created where the server can load it (it must be in
-- shared_preload_libraries) and the role may create it; then the observation tables become
-- hypertables partitioned by period.
-- On plain PostgreSQL nothing below runs and the same tables stay plain tables.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
       AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
        -- Fails when the library is not preloaded or the role may not create it: then stay plain.
        -- (shared_preload_libraries cannot be read by a non-superuser, so just try.)
        BEGIN
            CREATE EXTENSION IF NOT EXISTS timescaledb;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'timescaledb not enabled (%): observation tables stay plain tables', SQLERRM;
        END;
    END IF;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        -- One chunk per year: 10,000 platforms x 12 base indicators x 4 quarters is ~0.5M rows a chunk.
        -- by_range() is the interface of TimescaleDB >= 2.13 (every release that supports PostgreSQL 17).
        PERFORM create_hypertable('observation_version', by_range('period', INTERVAL '1 year'), if_not_exists => true);
        PERFORM create_hypertable('observation_current', by_range('period', INTERVAL '1 year'), if_not_exists => true);
    END IF;
END
$$;
