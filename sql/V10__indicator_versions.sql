-- Indicator definitions are versioned like ranking schemes (issue 12 item 4). Editing a derived
-- formula used to rewrite history: an asOf read made after the edit computed past values with the new
-- formula. Every definition an indicator has had is kept here, with the instant it came into force;
-- reads as of an instant use the definition in force then, and ranking runs record the versions they
-- used. The table "indicator" keeps the definition in force now (and its version number), for the
-- foreign keys and the fast paths.
ALTER TABLE indicator ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);

CREATE TABLE indicator_version (
    code         text        NOT NULL REFERENCES indicator (code),
    version      integer     NOT NULL CHECK (version >= 1),
    -- '-infinity' for the definitions of the default catalog and for those that existed before this
    -- migration: they are taken to have always been in force (earlier edits, if any, were not kept).
    valid_from   timestamptz NOT NULL,
    name_zh      text        NOT NULL,
    name_en      text        NOT NULL,
    unit         text        NOT NULL,
    kind         text        NOT NULL,
    better       text        NOT NULL,
    non_negative boolean     NOT NULL,
    formula      text,
    numerator    text,
    denominator  text,
    factor       numeric     NOT NULL,
    growth_of    text,
    created_by   text        NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX indicator_version_valid_idx ON indicator_version (code, valid_from);

INSERT INTO indicator_version (code, version, valid_from, name_zh, name_en, unit, kind, better, non_negative, formula,
                               numerator, denominator, factor, growth_of, created_by)
SELECT code, 1, '-infinity', name_zh, name_en, unit, kind, better, non_negative, formula, numerator, denominator,
       factor, growth_of, 'migration V10'
FROM indicator;

CREATE TRIGGER indicator_version_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON indicator_version
    FOR EACH STATEMENT EXECUTE FUNCTION zonewatch_append_only();

-- What a run computed with: {"tax_per_mu": 2, "tax_revenue": 1, ...} for the indicators of its scheme
-- and their inputs. NULL for runs computed before this migration (not recorded then).
ALTER TABLE ranking_run ADD COLUMN indicator_versions jsonb;
