-- ZoneWatch schema, part 3: annual targets, deviation warnings, the Grafana outbox, reporting views.

-- Annual targets (年度目标), versioned like observations.
CREATE TABLE target_version (
    platform_code  text    NOT NULL REFERENCES platform (code),
    indicator_code text    NOT NULL REFERENCES indicator (code),
    year           integer NOT NULL CHECK (year BETWEEN 1949 AND 2100),
    revision       integer NOT NULL CHECK (revision >= 1),
    value          numeric NOT NULL,
    submitted_by   text    NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform_code, indicator_code, year, revision)
);

CREATE TABLE target_current (
    platform_code  text    NOT NULL REFERENCES platform (code),
    indicator_code text    NOT NULL REFERENCES indicator (code),
    year           integer NOT NULL,
    revision       integer NOT NULL,
    value          numeric NOT NULL,
    recorded_at    timestamptz NOT NULL,
    PRIMARY KEY (platform_code, indicator_code, year)
);

-- Rule settings: one row per rule (indicator_code '' = the default) or per rule and indicator.
CREATE TABLE alert_rule_setting (
    rule           text    NOT NULL,
    indicator_code text    NOT NULL DEFAULT '',
    enabled        boolean NOT NULL DEFAULT true,
    thresholds     jsonb   NOT NULL DEFAULT '{}',
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule, indicator_code)
);

-- A warning's identity is (rule, platform, indicator, period); re-evaluation updates it in place.
-- indicator_code is '' for warnings about a platform as a whole (missing_submission) and the scheme
-- code for rank_drop.
CREATE TABLE alert (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule            text    NOT NULL,
    platform_code   text    NOT NULL REFERENCES platform (code),
    indicator_code  text    NOT NULL,
    period          date    NOT NULL,
    severity        text    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    state           text    NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    value           double precision,
    reference       double precision,
    deviation       double precision,
    message_zh      text    NOT NULL,
    message_en      text    NOT NULL,
    details         jsonb   NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    acknowledged_by text,
    resolved_at     timestamptz,
    UNIQUE (rule, platform_code, indicator_code, period)
);
CREATE INDEX alert_state_idx ON alert (state, severity);
CREATE INDEX alert_platform_idx ON alert (platform_code, period);
CREATE INDEX alert_period_idx ON alert (period);

-- Transactional outbox for Grafana annotations: written with the warning, sent by one worker.
CREATE TABLE alert_outbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id         bigint  NOT NULL REFERENCES alert (id),
    kind             text    NOT NULL CHECK (kind IN ('create', 'update', 'resolve')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    delivered_at     timestamptz,
    annotation_id    bigint
);
CREATE INDEX alert_outbox_pending_idx ON alert_outbox (next_attempt_at, id) WHERE delivered_at IS NULL;
CREATE INDEX alert_outbox_alert_idx ON alert_outbox (alert_id, id);

-- Reporting interface: stable names that Grafana reads (issue 5 grants its read-only role on them).
CREATE SCHEMA IF NOT EXISTS reporting;

CREATE VIEW reporting.alerts_open AS
SELECT a.id, a.rule, a.severity, a.state, a.platform_code, p.name AS platform_name, p.type AS platform_type,
       a.indicator_code, coalesce(i.name_zh, a.indicator_code) AS indicator_name, a.period,
       a.value, a.reference, a.deviation, a.message_zh, a.message_en, a.created_at, a.updated_at
FROM alert a
JOIN platform p ON p.code = a.platform_code
LEFT JOIN indicator i ON i.code = a.indicator_code
WHERE a.state <> 'resolved';

CREATE VIEW reporting.alert_counts AS
SELECT period AS quarter, rule, severity,
       count(*) FILTER (WHERE state <> 'resolved') AS open,
       count(*) AS raised
FROM alert
GROUP BY period, rule, severity;

-- 序时进度 traffic lights: progress of each year-to-date flow against its annual target, coloured by
-- the target_progress warning in force for it (so the configured thresholds decide the colour).
CREATE VIEW reporting.target_progress AS
SELECT o.platform_code, p.name AS platform_name, o.indicator_code, i.name_zh AS indicator_name, o.period,
       o.value::float8 AS actual, t.value::float8 AS target,
       100.0 * o.value::float8 / nullif(t.value::float8, 0) AS progress_pct,
       25.0 * extract(quarter FROM o.period) AS expected_pct,
       a.deviation AS lag_points,
       CASE a.severity WHEN 'critical' THEN 'red' WHEN 'warning' THEN 'yellow' ELSE 'green' END AS light
FROM observation_current o
JOIN indicator i ON i.code = o.indicator_code AND i.kind = 'ytd_flow'
JOIN target_current t ON t.platform_code = o.platform_code AND t.indicator_code = o.indicator_code
                     AND t.year = extract(year FROM o.period)::int
JOIN platform p ON p.code = o.platform_code
LEFT JOIN alert a ON a.rule = 'target_progress' AND a.platform_code = o.platform_code
                 AND a.indicator_code = o.indicator_code AND a.period = o.period AND a.state <> 'resolved';

-- Durable evaluation markers: a feed or a published run whose warnings are not evaluated yet is
-- picked up by the next round, even after a crash between its commit and its evaluation.
ALTER TABLE feed ADD COLUMN alerts_evaluated_at timestamptz;
CREATE INDEX feed_alerts_pending_idx ON feed (id) WHERE alerts_evaluated_at IS NULL AND status <> 'rejected';
ALTER TABLE ranking_run ADD COLUMN alerts_evaluated_at timestamptz;

-- Publication happens once and is never undone or re-dated; the evaluation marker may be set.
CREATE OR REPLACE FUNCTION ranking_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'ranking_run' AND TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'published_at' - 'published_by' - 'alerts_evaluated_at')
         = (to_jsonb(OLD) - 'published_at' - 'published_by' - 'alerts_evaluated_at')
       AND (NEW.published_at IS NOT DISTINCT FROM OLD.published_at
            OR (OLD.published_at IS NULL AND NEW.published_at IS NOT NULL))
       AND (NEW.published_by IS NOT DISTINCT FROM OLD.published_by OR OLD.published_at IS NULL) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ranking runs are immutable (% on %)', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE TRIGGER ranking_run_no_truncate BEFORE TRUNCATE ON ranking_run
    FOR EACH STATEMENT EXECUTE FUNCTION ranking_immutable();
CREATE TRIGGER ranking_entry_no_truncate BEFORE TRUNCATE ON ranking_entry
    FOR EACH STATEMENT EXECUTE FUNCTION ranking_immutable();
CREATE TRIGGER ranking_component_no_truncate BEFORE TRUNCATE ON ranking_component
    FOR EACH STATEMENT EXECUTE FUNCTION ranking_immutable();
CREATE TRIGGER ranking_not_ranked_no_truncate BEFORE TRUNCATE ON ranking_not_ranked
    FOR EACH STATEMENT EXECUTE FUNCTION ranking_immutable();
