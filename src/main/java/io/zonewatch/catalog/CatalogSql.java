package io.zonewatch.catalog;

import io.zonewatch.db.AdvisoryLock;

/** All SQL of the catalog feature (indicators, unit conversions, platforms). */
final class CatalogSql {
    private CatalogSql() {
    }

    static final String INDICATOR_COLUMNS = """
            code, name_zh, name_en, unit, kind, better, non_negative, formula, numerator, denominator,
            factor::text AS factor, growth_of, sort_order, version""";

    /** Every definition every indicator has had, with the instant it came into force, in catalog order. */
    static final String SELECT_VERSIONS = """
            SELECT v.code, v.name_zh, v.name_en, v.unit, v.kind, v.better, v.non_negative, v.formula, v.numerator,
                   v.denominator, v.factor::text AS factor, v.growth_of, i.sort_order, v.version, v.valid_from, v.created_by
            FROM indicator_version v JOIN indicator i USING (code)
            ORDER BY i.sort_order, v.code, v.version
            """;

    static final String SELECT_INDICATOR_VERSION = """
            SELECT v.code, v.name_zh, v.name_en, v.unit, v.kind, v.better, v.non_negative, v.formula, v.numerator,
                   v.denominator, v.factor::text AS factor, v.growth_of, i.sort_order, v.version, v.valid_from, v.created_by
            FROM indicator_version v JOIN indicator i USING (code)
            WHERE v.code = $1 AND v.version = $2
            """;

    static final String SELECT_INDICATOR_HISTORY = """
            SELECT version, valid_from, created_by FROM indicator_version WHERE code = $1 ORDER BY version
            """;

    /**
     * The definition in force now recorded as a version, if it is not yet: after a change of
     * definition ($2: who), at the transaction's instant; for the default catalog ($3 = true) as
     * always in force.
     */
    static final String RECORD_VERSIONS = """
            INSERT INTO indicator_version (code, version, valid_from, name_zh, name_en, unit, kind, better, non_negative,
                                           formula, numerator, denominator, factor, growth_of, created_by)
            SELECT code, version, CASE WHEN $3::boolean THEN '-infinity'::timestamptz ELSE now() END, name_zh, name_en, unit,
                   kind, better, non_negative, formula, numerator, denominator, factor, growth_of, $2
            FROM indicator i
            WHERE ($1::text IS NULL OR code = $1)
              AND NOT EXISTS (SELECT 1 FROM indicator_version v WHERE v.code = i.code AND v.version = i.version)
            """;

    static final String SELECT_INDICATORS =
            "SELECT " + INDICATOR_COLUMNS + " FROM indicator ORDER BY sort_order, code";

    static final String SELECT_INDICATOR =
            "SELECT " + INDICATOR_COLUMNS + " FROM indicator WHERE code = $1";

    static final String SELECT_CONVERSIONS = "SELECT unit, from_unit, factor::text AS factor FROM unit_conversion";

    static final String PLATFORM_COLUMNS =
            "code, name, name_en, level, type, region, parent_code, active_from, active_to";

    static final String SELECT_PLATFORMS = "SELECT " + PLATFORM_COLUMNS + """
             FROM platform
            WHERE ($1::text IS NULL OR type = $1)
              AND ($2::text IS NULL OR level = $2)
            ORDER BY code
            """;

    static final String SELECT_ALL_PLATFORMS = "SELECT " + PLATFORM_COLUMNS + " FROM platform";

    static final String SELECT_PLATFORM = "SELECT " + PLATFORM_COLUMNS + " FROM platform WHERE code = $1";

    /** Bulk upsert in one statement; xmax = 0 tells a fresh insert from an update. */
    static final String UPSERT_PLATFORMS = """
            INSERT INTO platform AS p (code, name, name_en, level, type, region, parent_code, active_from, active_to)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                 $8::date[], $9::date[])
            ON CONFLICT (code) DO UPDATE SET
                name = excluded.name, name_en = excluded.name_en, level = excluded.level, type = excluded.type,
                region = excluded.region, parent_code = excluded.parent_code,
                active_from = excluded.active_from, active_to = excluded.active_to, updated_at = now()
            RETURNING code, (xmax = 0) AS created
            """;

    static final String LOCK_PLATFORMS = AdvisoryLock.CATALOG_PLATFORMS.xact();

    static final String UPSERT_INDICATOR = """
            INSERT INTO indicator (code, name_zh, name_en, unit, kind, better, non_negative, formula, numerator,
                                   denominator, factor, growth_of, sort_order)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::numeric, $12,
                    coalesce($13, (SELECT coalesce(max(sort_order), 0) + 1 FROM indicator)))
            ON CONFLICT (code) DO UPDATE SET
                name_zh = excluded.name_zh, name_en = excluded.name_en, unit = excluded.unit, kind = excluded.kind,
                better = excluded.better, non_negative = excluded.non_negative, formula = excluded.formula,
                numerator = excluded.numerator, denominator = excluded.denominator, factor = excluded.factor,
                growth_of = excluded.growth_of,
                -- a new version when the definition changes (the sort order is presentation, not definition)
                version = CASE WHEN (indicator.name_zh, indicator.name_en, indicator.unit, indicator.kind, indicator.better,
                                     indicator.non_negative, indicator.formula, indicator.numerator, indicator.denominator,
                                     indicator.factor, indicator.growth_of)
                                    IS DISTINCT FROM
                                    (excluded.name_zh, excluded.name_en, excluded.unit, excluded.kind, excluded.better,
                                     excluded.non_negative, excluded.formula, excluded.numerator, excluded.denominator,
                                     excluded.factor, excluded.growth_of)
                               THEN indicator.version + 1 ELSE indicator.version END
            RETURNING (xmax = 0) AS created, version
            """;

    static final String INDICATOR_HAS_DATA =
            "SELECT EXISTS (SELECT 1 FROM observation_current WHERE indicator_code = $1)";

    static final String INDICATOR_USED_AS_INPUT = """
            SELECT code FROM indicator WHERE numerator = $1 OR denominator = $1 OR growth_of = $1
            """;

    static final String SEEDED = "SELECT EXISTS (SELECT 1 FROM app_state WHERE key = 'catalog_seeded')";

    static final String MARK_SEEDED =
            "INSERT INTO app_state (key, value) VALUES ('catalog_seeded', to_jsonb(now()))";

    static final String LOCK_SEED = AdvisoryLock.CATALOG_SEED.xact();

    static final String INSERT_INDICATORS = """
            INSERT INTO indicator (code, name_zh, name_en, unit, kind, better, non_negative, formula, numerator,
                                   denominator, factor, growth_of, sort_order)
            SELECT code, name_zh, name_en, unit, kind, better, non_negative, formula, numerator, denominator,
                   factor::numeric, growth_of, sort_order
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
                        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::int[])
                 AS t(code, name_zh, name_en, unit, kind, better, non_negative, formula, numerator, denominator,
                      factor, growth_of, sort_order)
            ON CONFLICT (code) DO NOTHING
            """;

    static final String INSERT_CONVERSIONS = """
            INSERT INTO unit_conversion (unit, from_unit, factor)
            SELECT unit, from_unit, factor::numeric FROM unnest($1::text[], $2::text[], $3::text[]) AS t(unit, from_unit, factor)
            ON CONFLICT DO NOTHING
            """;
}
