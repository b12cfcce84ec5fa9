package io.zonewatch.alerts;

import io.zonewatch.db.AdvisoryLock;

/** All SQL of the warnings feature. */
final class AlertSql {
    private AlertSql() {
    }

    /** Evaluations write warnings one at a time across all instances. */
    static final String LOCK_EVALUATION = AdvisoryLock.ALERT_EVALUATION.xact();
    static final String TRY_LOCK_OUTBOX = AdvisoryLock.ALERT_OUTBOX.tryXact();
    static final String LOCK_OUTBOX = AdvisoryLock.ALERT_OUTBOX.xact();

    static final String SETTINGS = "SELECT rule, indicator_code, enabled, thresholds FROM alert_rule_setting";
    static final String RULE_SETTINGS = """
            SELECT rule, indicator_code, enabled, thresholds, updated_at FROM alert_rule_setting ORDER BY rule, indicator_code
            """;
    static final String SAVE_RULE_SETTING = """
            INSERT INTO alert_rule_setting (rule, indicator_code, enabled, thresholds, updated_at) VALUES ($1, $2, $3, $4, now())
            ON CONFLICT (rule, indicator_code) DO UPDATE SET enabled = excluded.enabled, thresholds = excluded.thresholds,
                                                             updated_at = now()
            """;
    static final String INDICATOR_EXISTS = "SELECT EXISTS (SELECT 1 FROM indicator WHERE code = $1)";
    static final String ANY_SETTING = "SELECT EXISTS (SELECT 1 FROM alert_rule_setting)";
    static final String INSERT_SETTING = """
            INSERT INTO alert_rule_setting (rule, indicator_code, enabled, thresholds) VALUES ($1, '', $2, $3)
            ON CONFLICT DO NOTHING
            """;

    static final String PENDING_FEEDS = """
            SELECT id FROM feed WHERE alerts_evaluated_at IS NULL AND status <> 'rejected' ORDER BY id LIMIT 50
            """;
    static final String FEED_KEYS = """
            SELECT DISTINCT platform_code, period FROM observation_version WHERE feed_id = $1
            """;
    static final String MARK_FEED = "UPDATE feed SET alerts_evaluated_at = clock_timestamp() WHERE id = $1";

    static final String PENDING_RUNS = """
            SELECT id FROM ranking_run
            WHERE published_at IS NOT NULL AND alerts_evaluated_at IS NULL ORDER BY id LIMIT 20
            """;
    static final String MARK_RUN = "UPDATE ranking_run SET alerts_evaluated_at = now() WHERE id = $1";

    /** A platform's values over a range of periods (several platforms at once). */
    static final String VALUES = """
            SELECT platform_code, indicator_code, period, value::float8 AS value, status
            FROM observation_current
            WHERE platform_code = ANY($1) AND period >= $2 AND period <= $3
            """;

    /** Peer groups: every platform of the given types, for the given periods and indicators. */
    static final String PEER_VALUES = """
            SELECT o.platform_code, o.indicator_code, o.period, o.value::float8 AS value, o.status
            FROM observation_current o JOIN platform p ON p.code = o.platform_code
            WHERE p.type = ANY($1) AND o.period = ANY($2) AND o.indicator_code = ANY($3)
            """;

    /**
     * One platform's annual targets of a year ($2 null: the latest year it has targets for) with the
     * year's quarterly values of those indicators: one row per target and quarter with a value (a
     * target without values: one row of null period). known = false: no such platform.
     */
    static final String PROGRESS = """
            WITH y AS (
                SELECT coalesce($2::int, (SELECT max(year) FROM target_current WHERE platform_code = $1)) AS year
            )
            SELECT EXISTS (SELECT 1 FROM platform WHERE code = $1) AS known, y.year, t.indicator_code,
                   t.value::float8 AS target, t.revision, o.period, o.value::float8 AS actual
            FROM y
            LEFT JOIN target_current t ON t.platform_code = $1 AND t.year = y.year
            LEFT JOIN observation_current o ON o.platform_code = $1 AND o.indicator_code = t.indicator_code
                  AND o.period >= make_date(y.year, 1, 1) AND o.period <= make_date(y.year, 10, 1)
            ORDER BY t.indicator_code, o.period
            """;

    static final String TARGETS = """
            SELECT platform_code, indicator_code, year, value::float8 AS value
            FROM target_current WHERE platform_code = ANY($1) AND year = ANY($2)
            """;

    /**
     * Upserts findings. A new warning, or one that fires again after being resolved, also gets an
     * outbox row ('create') when the Grafana push is on ($12); an acknowledged one keeps its state and
     * gets fresh numbers.
     */
    static final String UPSERT = """
            WITH f AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::float8[],
                                     $7::float8[], $8::float8[], $9::text[], $10::text[], $11::jsonb[])
                    AS t(rule, platform_code, indicator_code, period, severity, value, reference, deviation,
                         message_zh, message_en, details)
            ), before AS (
                SELECT f.rule, f.platform_code, f.indicator_code, f.period, a.state AS old_state, a.severity AS old_severity
                FROM f LEFT JOIN alert a USING (rule, platform_code, indicator_code, period)
            ), up AS (
                INSERT INTO alert AS a (rule, platform_code, indicator_code, period, severity, state, value, reference,
                                        deviation, message_zh, message_en, details)
                SELECT rule, platform_code, indicator_code, period, severity, 'open', value, reference, deviation,
                       message_zh, message_en, details FROM f
                ON CONFLICT (rule, platform_code, indicator_code, period) DO UPDATE SET
                    severity = excluded.severity, value = excluded.value, reference = excluded.reference,
                    deviation = excluded.deviation, message_zh = excluded.message_zh, message_en = excluded.message_en,
                    details = excluded.details, updated_at = now(),
                    state = CASE WHEN a.state = 'resolved' THEN 'open' ELSE a.state END,
                    acknowledged_at = CASE WHEN a.state = 'resolved' THEN NULL ELSE a.acknowledged_at END,
                    acknowledged_by = CASE WHEN a.state = 'resolved' THEN NULL ELSE a.acknowledged_by END,
                    resolved_at = NULL
                RETURNING a.id, a.rule, a.platform_code, a.indicator_code, a.period, a.severity
            ), queued AS (
                -- Only while the Grafana push is on ($12): with it off the outbox stays empty.
                INSERT INTO alert_outbox (alert_id, kind)
                SELECT up.id, CASE WHEN before.old_state IS NULL OR before.old_state = 'resolved' THEN 'create' ELSE 'update' END
                FROM up JOIN before USING (rule, platform_code, indicator_code, period)
                -- new or fired again: a new annotation; severity changed: the annotation is re-tagged
                WHERE $12 AND (before.old_state IS NULL OR before.old_state = 'resolved' OR before.old_severity <> up.severity)
            )
            SELECT up.rule, up.severity, (before.old_state IS NULL OR before.old_state = 'resolved') AS raised
            FROM up JOIN before USING (rule, platform_code, indicator_code, period)
            """;

    /** Resolves the warnings in scope that no longer fire, and queues their Grafana update when the push is on ($9). */
    static final String RESOLVE = """
            WITH scope AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[]) AS s(rule, platform_code, indicator_code, period)
            ), firing AS (
                SELECT * FROM unnest($5::text[], $6::text[], $7::text[], $8::date[]) AS k(rule, platform_code, indicator_code, period)
            ), resolved AS (
                UPDATE alert a SET state = 'resolved', resolved_at = now(), updated_at = now()
                FROM scope s
                WHERE a.state <> 'resolved' AND a.rule = s.rule AND a.platform_code = s.platform_code AND a.period = s.period
                  AND (s.indicator_code IS NULL OR a.indicator_code = s.indicator_code)
                  AND NOT EXISTS (SELECT 1 FROM firing k WHERE k.rule = a.rule AND k.platform_code = a.platform_code
                                  AND k.indicator_code = a.indicator_code AND k.period = a.period)
                RETURNING a.id, a.rule
            ), queued AS (
                INSERT INTO alert_outbox (alert_id, kind) SELECT id, 'resolve' FROM resolved WHERE $9
            )
            SELECT resolved.rule FROM resolved
            """;

    // ---- missing submissions ----

    /** Periods somebody reported for, in a window: only those can show a platform's lapse. */
    static final String REPORTED_PERIODS = """
            SELECT DISTINCT period FROM observation_current WHERE period >= $1 AND period <= $2 ORDER BY period
            """;

    /**
     * Per platform expected to report for the period (V16's expected_reporters: active on the quarter's
     * last day): the base indicators it has for the period.
     */
    static final String SUBMISSIONS = """
            SELECT e.platform_code, array_remove(array_agg(DISTINCT o.indicator_code), NULL) AS present
            FROM expected_reporters($1) e LEFT JOIN observation_current o ON o.platform_code = e.platform_code AND o.period = $1
            GROUP BY e.platform_code
            """;

    // ---- rank drops and benchmarks ----

    static final String RUN = """
            SELECT r.id, r.scheme_code, r.scheme_version, r.year, r.quarter, s.definition
            FROM ranking_run r JOIN ranking_scheme s ON s.code = r.scheme_code AND s.version = r.scheme_version
            WHERE r.id = $1
            """;
    static final String PREVIOUS_PUBLISHED = """
            SELECT id FROM ranking_run
            WHERE scheme_code = $1 AND year = $2 AND quarter IS NULL AND published_at IS NOT NULL
            ORDER BY published_at DESC, id DESC LIMIT 1
            """;
    static final String ENTRIES = "SELECT platform_code, rank, class FROM ranking_entry WHERE run_id = $1";
    static final String COMPONENTS = """
            SELECT platform_code, indicator_code, raw_value, imputed, normalized FROM ranking_component WHERE run_id = $1
            """;

    // ---- reading ----

    static final String ALERT_COLUMNS = """
            a.id, a.rule, a.severity, a.state, a.platform_code, p.name AS platform_name, a.indicator_code, a.period,
            a.value, a.reference, a.deviation, a.message_zh, a.message_en, a.details, a.created_at, a.updated_at,
            a.acknowledged_at, a.acknowledged_by, a.acknowledged_comment, a.resolved_at""";

    static final String LIST = "SELECT " + ALERT_COLUMNS + """
             FROM alert a JOIN platform p ON p.code = a.platform_code
            WHERE ($1::text IS NULL OR a.platform_code = $1)
              AND ($2::text IS NULL OR a.rule = $2)
              AND ($3::text IS NULL OR a.severity = $3)
              AND ($4::text IS NULL OR a.state = $4)
              AND ($5::text IS NULL OR a.indicator_code = $5)
              AND a.period >= $6 AND a.period <= $7
            ORDER BY a.updated_at DESC, a.id DESC
            LIMIT $8
            """;

    static final String ONE = "SELECT " + ALERT_COLUMNS + " FROM alert a JOIN platform p ON p.code = a.platform_code WHERE a.id = $1";

    static final String ACK = """
            UPDATE alert SET state = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2, updated_at = now(),
                             acknowledged_comment = $3
            WHERE id = $1 AND state = 'open'
            """;

    static final String OPEN_COUNTS = """
            SELECT rule, severity, count(*) AS n FROM alert WHERE state <> 'resolved' GROUP BY rule, severity
            """;
    static final String OUTBOX_BACKLOG = "SELECT count(*) AS n FROM alert_outbox WHERE delivered_at IS NULL";

    // ---- outbox ----

    /** With the push off nothing is waiting to be sent: what an earlier version queued regardless goes. */
    static final String CLEAR_OUTBOX = "DELETE FROM alert_outbox WHERE delivered_at IS NULL";

    /**
     * When the push starts: the outbox made to match the warnings as they are now ($1: the first day
     * of the oldest period still sent). Pending rows of warnings never shown in Grafana that are
     * resolved or about older periods are dropped; open warnings of recent periods without a current
     * annotation get one queued; resolved warnings whose annotation was delivered and never marked
     * resolved get their resolution queued (they were resolved while the push was off).
     */
    static final String CATCH_UP = """
            WITH shown AS (
                SELECT alert_id, max(id) AS create_id FROM alert_outbox
                WHERE kind = 'create' AND delivered_at IS NOT NULL AND annotation_id IS NOT NULL GROUP BY alert_id
            ), dropped AS (
                DELETE FROM alert_outbox o USING alert a
                WHERE o.alert_id = a.id AND o.delivered_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM shown WHERE shown.alert_id = a.id)
                  AND (a.state = 'resolved' OR a.period < $1)
                RETURNING o.id
            ), created AS (
                INSERT INTO alert_outbox (alert_id, kind)
                SELECT a.id, 'create' FROM alert a
                WHERE a.state <> 'resolved' AND a.period >= $1
                  AND NOT EXISTS (SELECT 1 FROM alert_outbox c WHERE c.alert_id = a.id AND c.kind = 'create'
                                  AND (c.delivered_at IS NULL OR NOT EXISTS (
                                       SELECT 1 FROM alert_outbox r WHERE r.alert_id = a.id AND r.kind = 'resolve' AND r.id > c.id)))
                RETURNING id
            ), resolutions AS (
                INSERT INTO alert_outbox (alert_id, kind)
                SELECT a.id, 'resolve' FROM alert a JOIN shown ON shown.alert_id = a.id
                WHERE a.state = 'resolved'
                  AND NOT EXISTS (SELECT 1 FROM alert_outbox r WHERE r.alert_id = a.id AND r.kind = 'resolve' AND r.id > shown.create_id)
                RETURNING id
            )
            SELECT (SELECT count(*) FROM dropped) AS dropped, (SELECT count(*) FROM created) AS created,
                   (SELECT count(*) FROM resolutions) AS resolutions
            """;

    /** Due deliveries, oldest first; a resolution waits until its warning's creation is delivered. */
    static final String DUE = """
            SELECT o.id, o.alert_id, o.kind, o.attempts,
                   (SELECT c.annotation_id FROM alert_outbox c
                     WHERE c.alert_id = o.alert_id AND c.kind = 'create' AND c.delivered_at IS NOT NULL
                     ORDER BY c.id DESC LIMIT 1) AS annotation_id,
                   EXISTS (SELECT 1 FROM alert_outbox c
                            WHERE c.alert_id = o.alert_id AND c.id < o.id AND c.delivered_at IS NULL) AS blocked,
                   a.rule, a.severity, a.platform_code, a.indicator_code, a.period, a.message_zh, a.message_en, a.state
            FROM alert_outbox o JOIN alert a ON a.id = o.alert_id
            WHERE o.delivered_at IS NULL AND o.next_attempt_at <= now()
              -- a row waiting for an earlier row of its warning would only fill the batch
              AND NOT EXISTS (SELECT 1 FROM alert_outbox c WHERE c.alert_id = o.alert_id AND c.id < o.id AND c.delivered_at IS NULL)
            ORDER BY o.id
            LIMIT $1
            FOR UPDATE OF o SKIP LOCKED
            """;
    static final String DELIVERED = """
            UPDATE alert_outbox SET delivered_at = now(), annotation_id = $2, attempts = attempts + 1, last_error = NULL
            WHERE id = $1
            """;
    static final String FAILED = """
            UPDATE alert_outbox SET attempts = attempts + 1, last_error = $2,
                   next_attempt_at = now() + make_interval(secs => least(300, power(2, attempts + 1)))
            WHERE id = $1
            """;
}
