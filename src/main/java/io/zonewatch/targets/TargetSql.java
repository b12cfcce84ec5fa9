package io.zonewatch.targets;

import io.zonewatch.db.AdvisoryLock;

/** All SQL of annual targets. */
final class TargetSql {
    private TargetSql() {
    }

    static final String LOCK = AdvisoryLock.TARGETS.xact();

    /** Writes a batch of targets as new versions where they change; counts inserted, revised and unchanged. */
    static final String UPSERT = """
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS t(platform_code, indicator_code, year, value_text)
            ), classified AS (
                SELECT i.platform_code, i.indicator_code, i.year, i.value_text::numeric AS value, c.revision AS old_revision,
                       CASE WHEN c.revision IS NULL THEN 'inserted'
                            WHEN c.value = i.value_text::numeric THEN 'unchanged' ELSE 'revised' END AS outcome
                FROM input i LEFT JOIN target_current c USING (platform_code, indicator_code, year)
            ), versions AS (
                INSERT INTO target_version (platform_code, indicator_code, year, revision, value, submitted_by)
                SELECT platform_code, indicator_code, year, coalesce(old_revision, 0) + 1, value, $5
                FROM classified WHERE outcome <> 'unchanged'
            ), moved AS (
                INSERT INTO target_current (platform_code, indicator_code, year, revision, value, recorded_at)
                SELECT platform_code, indicator_code, year, coalesce(old_revision, 0) + 1, value, now()
                FROM classified WHERE outcome <> 'unchanged'
                ON CONFLICT (platform_code, indicator_code, year) DO UPDATE
                   SET revision = excluded.revision, value = excluded.value, recorded_at = excluded.recorded_at
            )
            SELECT count(*) FILTER (WHERE outcome = 'inserted') AS inserted,
                   count(*) FILTER (WHERE outcome = 'revised') AS revised,
                   count(*) FILTER (WHERE outcome = 'unchanged') AS unchanged
            FROM classified
            """;
    static final String OF_PLATFORM = """
            SELECT indicator_code, year, value::text AS value, revision, recorded_at
            FROM target_current WHERE platform_code = $1 AND ($2::int IS NULL OR year = $2)
            ORDER BY year, indicator_code
            """;
}
