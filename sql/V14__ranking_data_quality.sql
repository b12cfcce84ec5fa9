-- Data quality of a run (DOMAIN.md section 5.1, issue 13).
--
-- A run stores what its data-quality gate did: the values it held (treated as missing because a
-- data-error warning was open on them at the run's snapshot), counts of held, imputed, treated and
-- capped values, the reporting share of its period and whether it was forced below the completeness
-- threshold. A year-end run published despite open data-quality findings carries the override.

ALTER TABLE ranking_run
    ADD COLUMN data_quality    jsonb,
    ADD COLUMN reporting_share double precision,
    ADD COLUMN incomplete      boolean NOT NULL DEFAULT false,
    ADD COLUMN override_reason text,
    ADD COLUMN override_by     text,
    ADD COLUMN override_at     timestamptz,
    ADD CONSTRAINT ranking_run_override_reason CHECK (override_reason IS NULL OR length(btrim(override_reason)) > 0);

-- Per breakdown item: held (and the warning that held it), capped at the scheme's cap, and whether
-- an open peer_outlier warning was on the value at the snapshot (said, not hidden: it is not treated).
ALTER TABLE ranking_component
    ADD COLUMN held             boolean NOT NULL DEFAULT false,
    ADD COLUMN held_alert_id    bigint,
    ADD COLUMN capped           boolean NOT NULL DEFAULT false,
    ADD COLUMN outlier          boolean NOT NULL DEFAULT false,
    ADD COLUMN outlier_alert_id bigint;

-- A platform or the bureau may say why when it acknowledges a warning.
ALTER TABLE alert ADD COLUMN acknowledged_comment text;

-- Publication may now also record the override, once, together with the publication.
CREATE OR REPLACE FUNCTION ranking_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'ranking_run' AND TG_OP = 'UPDATE' THEN
        IF (to_jsonb(NEW) - 'published_at' - 'published_by' - 'alerts_evaluated_at'
                          - 'override_reason' - 'override_by' - 'override_at')
             = (to_jsonb(OLD) - 'published_at' - 'published_by' - 'alerts_evaluated_at'
                              - 'override_reason' - 'override_by' - 'override_at')
           AND (NEW.published_at IS NOT DISTINCT FROM OLD.published_at
                OR (OLD.published_at IS NULL AND NEW.published_at IS NOT NULL))
           AND (NEW.published_by IS NOT DISTINCT FROM OLD.published_by OR OLD.published_at IS NULL)
           AND ((NEW.override_reason IS NOT DISTINCT FROM OLD.override_reason
                 AND NEW.override_by IS NOT DISTINCT FROM OLD.override_by
                 AND NEW.override_at IS NOT DISTINCT FROM OLD.override_at)
                OR OLD.published_at IS NULL) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'ranking runs are immutable (% on %)', TG_OP, TG_TABLE_NAME;
END
$$;

-- The leaders' tables say which entries rest on held or capped values, whether the run was forced
-- incomplete and whether it was published over open findings. Columns are appended (CREATE OR
-- REPLACE VIEW keeps the existing ones and their order).
CREATE OR REPLACE VIEW reporting.official_runs AS
SELECT DISTINCT ON (r.scheme_code, r.year)
       r.id AS run_id, r.scheme_code, s.definition ->> 'name' AS scheme_name, r.year,
       make_date(r.year, 12, 31) AS period_end, r.published_at IS NOT NULL AS published, r.data_as_of,
       r.incomplete, r.reporting_share, r.override_reason, r.scheme_version
FROM ranking_run r
JOIN ranking_scheme s ON s.code = r.scheme_code AND s.version = r.scheme_version
WHERE r.quarter IS NULL
ORDER BY r.scheme_code, r.year, (r.published_at IS NOT NULL) DESC, r.published_at DESC NULLS LAST, r.id DESC;

CREATE OR REPLACE VIEW reporting.rankings AS
SELECT o.scheme_code, o.scheme_name, o.year, o.period_end, o.published, o.run_id,
       e.platform_code, p.name AS platform_name, p.type AS platform_type, e.group_value,
       e.rank, e.score, e.class, e.rank_low, e.rank_high,
       (SELECT prev.rank FROM ranking_entry prev
        WHERE prev.run_id = o.previous_run_id AND prev.platform_code = e.platform_code) - e.rank AS rank_change,
       q.held AS held_values, q.capped AS capped_values, q.imputed AS imputed_values, q.outliers AS outlier_values,
       o.incomplete, o.override_reason
FROM (SELECT r.*, (SELECT po.run_id FROM reporting.official_runs po
                   WHERE po.scheme_code = r.scheme_code AND po.year = r.year - 1 AND po.published) AS previous_run_id
      FROM reporting.official_runs r OFFSET 0) o
JOIN ranking_entry e ON e.run_id = o.run_id
JOIN platform p ON p.code = e.platform_code
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE c.held) AS held, count(*) FILTER (WHERE c.capped) AS capped,
           count(*) FILTER (WHERE c.imputed) AS imputed, count(*) FILTER (WHERE c.outlier) AS outliers
    FROM ranking_component c WHERE c.run_id = e.run_id AND c.platform_code = e.platform_code
) q;

CREATE OR REPLACE VIEW reporting.ranking_breakdown AS
SELECT o.scheme_code, o.year, o.period_end, c.platform_code, p.name AS platform_name, c.indicator_code,
       i.name_zh AS indicator_name, c.dimension, c.value, c.normalized, c.weight, c.effective_weight,
       c.contribution, c.imputed, c.treated, c.held, c.capped, c.outlier, c.held_alert_id
FROM reporting.official_runs o
JOIN ranking_component c ON c.run_id = o.run_id
JOIN platform p ON p.code = c.platform_code
LEFT JOIN indicator i ON i.code = c.indicator_code;

-- Values a run held, one row per held breakdown item of the newest run of each scheme and period
-- (provisional quarters included): what the deviation tables list beside the warnings.
CREATE VIEW reporting.held_values AS
SELECT r.scheme_code, r.year, r.quarter, make_date(r.year, 3 * coalesce(r.quarter, 4) - 2, 1) AS period,
       r.id AS run_id, c.platform_code, p.name AS platform_name, c.indicator_code,
       coalesce(i.name_zh, c.indicator_code) AS indicator_name, c.held_alert_id AS alert_id,
       a.rule, a.indicator_code AS alert_indicator, a.period AS alert_period, a.state AS alert_state
FROM (SELECT DISTINCT ON (scheme_code, year, quarter) id, scheme_code, year, quarter
      FROM ranking_run ORDER BY scheme_code, year, quarter, id DESC) r
JOIN ranking_component c ON c.run_id = r.id AND c.held
JOIN platform p ON p.code = c.platform_code
LEFT JOIN indicator i ON i.code = c.indicator_code
LEFT JOIN alert a ON a.id = c.held_alert_id;
