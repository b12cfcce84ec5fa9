package io.zonewatch.demo;

/** All SQL of the demo loader. */
final class DemoSql {
    private DemoSql() {
    }

    static final String EMPTY = "SELECT NOT EXISTS (SELECT 1 FROM platform) AND NOT EXISTS (SELECT 1 FROM feed) AS empty";
    /**
     * Demo targets for the last year (年度目标): the year before's annual value plus 6 % for the
     * growth flows, 3 % less energy. What a bureau would set; enough for 序时进度 to have something to say.
     */
    static final String TARGETS = """
            WITH t AS (
                SELECT platform_code, indicator_code, $1::int AS year,
                       round(value * CASE WHEN indicator_code = 'energy_consumption' THEN 0.97 ELSE 1.06 END, 2) AS value
                FROM observation_current
                WHERE period = make_date($1 - 1, 10, 1)
                  AND indicator_code IN ('fixed_asset_investment', 'industrial_output', 'industrial_value_added',
                                         'operating_revenue', 'tax_revenue', 'energy_consumption')
            ), v AS (
                INSERT INTO target_version (platform_code, indicator_code, year, revision, value, submitted_by)
                SELECT platform_code, indicator_code, year, 1, value, 'demo' FROM t
            )
            INSERT INTO target_current (platform_code, indicator_code, year, revision, value, recorded_at)
            SELECT platform_code, indicator_code, year, 1, value, now() FROM t
            """;
}
