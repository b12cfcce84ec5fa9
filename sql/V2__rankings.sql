-- ZoneWatch schema, part 2: ranking schemes (versioned) and ranking runs (immutable).

CREATE TABLE ranking_scheme (
    code       text    NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
    version    integer NOT NULL CHECK (version >= 1),
    definition jsonb   NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text    NOT NULL,
    PRIMARY KEY (code, version)
);

-- A run applies one scheme version to a year (quarter NULL: the year-end ranking) or to a
-- year-to-date quarter 1-3 (provisional). Only publication may change a run after it is stored.
CREATE TABLE ranking_run (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_code    text    NOT NULL,
    scheme_version integer NOT NULL,
    year           integer NOT NULL CHECK (year BETWEEN 1949 AND 2100),
    quarter        integer CHECK (quarter BETWEEN 1 AND 3),
    group_by       text CHECK (group_by IN ('type', 'level')),
    data_as_of     timestamptz NOT NULL,
    -- What the run read, in the same snapshot: "rows:sum of revisions" of the current values of its
    -- periods. Any insert or revision changes it, whatever its timestamps; the schedule compares it.
    data_fingerprint text NOT NULL DEFAULT '',
    computed_at    timestamptz NOT NULL DEFAULT now(),
    computed_by    text    NOT NULL,
    trigger        text    NOT NULL CHECK (trigger IN ('manual', 'schedule', 'demo')),
    ranked         integer NOT NULL,
    not_ranked     integer NOT NULL,
    warnings       jsonb   NOT NULL DEFAULT '[]',
    published_at   timestamptz,
    published_by   text,
    FOREIGN KEY (scheme_code, scheme_version) REFERENCES ranking_scheme (code, version),
    CHECK (published_at IS NULL OR quarter IS NULL)
);
CREATE INDEX ranking_run_lookup_idx ON ranking_run (scheme_code, year, quarter, id);

CREATE TABLE ranking_entry (
    run_id           bigint  NOT NULL REFERENCES ranking_run (id),
    platform_code    text    NOT NULL REFERENCES platform (code),
    group_value      text,
    rank             integer NOT NULL,
    score            double precision NOT NULL,
    class            text    NOT NULL CHECK (class IN ('A', 'B', 'C', 'D')),
    rank_low         integer NOT NULL,
    rank_high        integer NOT NULL,
    median_rank      double precision NOT NULL,
    dimension_scores jsonb   NOT NULL,
    gap_platform     text,
    gap_score        double precision,
    closing_values   jsonb,
    PRIMARY KEY (run_id, platform_code)
);
CREATE INDEX ranking_entry_platform_idx ON ranking_entry (platform_code, run_id);

CREATE TABLE ranking_component (
    run_id           bigint  NOT NULL REFERENCES ranking_run (id),
    platform_code    text    NOT NULL,
    indicator_code   text    NOT NULL,
    position         integer NOT NULL,
    dimension        text    NOT NULL,
    raw_value        double precision,
    value            double precision,
    imputed          boolean NOT NULL,
    treated          boolean NOT NULL,
    normalized       double precision NOT NULL,
    weight           double precision NOT NULL,
    effective_weight double precision NOT NULL,
    contribution     double precision NOT NULL,
    PRIMARY KEY (run_id, platform_code, indicator_code),
    FOREIGN KEY (run_id, platform_code) REFERENCES ranking_entry (run_id, platform_code)
);

CREATE TABLE ranking_not_ranked (
    run_id        bigint NOT NULL REFERENCES ranking_run (id),
    platform_code text   NOT NULL REFERENCES platform (code),
    group_value   text,
    reason        text   NOT NULL,
    message       text   NOT NULL,
    coverage      double precision NOT NULL,
    PRIMARY KEY (run_id, platform_code)
);

-- Runs are evidence: their numbers never change. Only publication is recorded on a run.
CREATE FUNCTION ranking_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'ranking_run' AND TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'published_at' - 'published_by') = (to_jsonb(OLD) - 'published_at' - 'published_by') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ranking runs are immutable (% on %)', TG_OP, TG_TABLE_NAME;
END
$$;
CREATE TRIGGER ranking_run_immutable BEFORE UPDATE OR DELETE ON ranking_run
    FOR EACH ROW EXECUTE FUNCTION ranking_immutable();
CREATE TRIGGER ranking_entry_immutable BEFORE UPDATE OR DELETE ON ranking_entry
    FOR EACH ROW EXECUTE FUNCTION ranking_immutable();
CREATE TRIGGER ranking_component_immutable BEFORE UPDATE OR DELETE ON ranking_component
    FOR EACH ROW EXECUTE FUNCTION ranking_immutable();
CREATE TRIGGER ranking_not_ranked_immutable BEFORE UPDATE OR DELETE ON ranking_not_ranked
    FOR EACH ROW EXECUTE FUNCTION ranking_immutable();
