package io.zonewatch.ingest;

import io.zonewatch.db.AdvisoryLock;

/** All SQL of the ingest feature. */
final class FeedSql {
    private FeedSql() {
    }

    /** Advisory lock class ids (first key of the two-key form). */
    static final int LOCK_CONTENT = AdvisoryLock.FEED_CONTENT.classId();
    static final int LOCK_IDEMPOTENCY = AdvisoryLock.FEED_IDEMPOTENCY.classId();
    static final int LOCK_KEYS = AdvisoryLock.FEED_KEYS.classId();
    /** Writers lock the buckets of the platforms they touch, in ascending order: no lost revision, no deadlock. */
    static final int KEY_BUCKETS = 64;

    static final String LOCK = "SELECT pg_advisory_xact_lock($1, hashtext($2))";

    static final String LOCK_BUCKETS = "SELECT pg_advisory_xact_lock($1, b) FROM unnest($2::int[]) AS b";

    /**
     * The instant a feed's versions are recorded at, taken after its key locks: writers of the same
     * keys get increasing instants, so asOf never sees a later revision without the earlier ones.
     */
    static final String RECORDING_INSTANT = "SELECT clock_timestamp() AS at";

    static final String FEED_COLUMNS = """
            id, received_at, submitted_by, submitter, format, mode, content_sha256, size_bytes, idempotency_key,
            status, rows, inserted, revised, unchanged, rejected, errors, errors_truncated""";

    /**
     * The feed a resent file repeats: same content, format and mode, fully accepted, and still in
     * force (no later version of any key it wrote). A file resent after other revisions, or one that
     * was only partly stored, is processed again: resending it means "these are the values".
     */
    static final String FIND_REPLAY = "SELECT " + FEED_COLUMNS + """
             FROM feed f
            WHERE content_sha256 = $1 AND format = $2 AND mode = $3 AND status = 'accepted'
              -- none of its values revised since (V11: a lookup, where joining the whole version history
              -- took 2.27 s on hypertables at 1.9 million versions)
              AND superseded_at IS NULL
            ORDER BY id DESC LIMIT 1
            """;

    static final String FIND_BY_IDEMPOTENCY_KEY = "SELECT " + FEED_COLUMNS + """
             FROM feed
            WHERE submitted_by IS NOT DISTINCT FROM $1 AND idempotency_key = $2
            """;

    static final String FIND_BY_ID = "SELECT " + FEED_COLUMNS + " FROM feed WHERE id = $1";

    static final String LIST = """
            SELECT id, received_at, submitted_by, submitter, format, mode, content_sha256, size_bytes, idempotency_key,
                   status, rows, inserted, revised, unchanged, rejected, errors_truncated,
                   -- the list shows counts; a rejected feed keeps its first error, which names the cause
                   CASE WHEN status = 'rejected' THEN jsonb_build_array(errors -> 0) ELSE '[]'::jsonb END AS errors
            FROM feed
            WHERE ($1::bigint IS NULL OR id < $1)
              AND ($2::text IS NULL OR status = $2)
            ORDER BY id DESC
            LIMIT $3
            """;

    static final String INSERT_FEED = """
            INSERT INTO feed (submitted_by, submitter, format, mode, content_sha256, size_bytes, idempotency_key,
                              status, rows, inserted, revised, unchanged, rejected, errors, errors_truncated)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            RETURNING id, received_at
            """;

    static final String UPDATE_COUNTS = """
            UPDATE feed SET inserted = $2, revised = $3, unchanged = $4
            WHERE id = $1
            """;

    /**
     * Classifies a batch against the current values: a new key is inserted, a different value or
     * status is a revision, the same value and status is unchanged (and writes nothing).
     */
    private static final String CLASSIFY = """
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[])
                    AS t(platform_code, indicator_code, period, value_text, status, note)
            ), classified AS (
                SELECT i.platform_code, i.indicator_code, i.period, i.value_text::numeric AS value, i.status, i.note,
                       c.revision AS old_revision, c.feed_id AS old_feed_id,
                       CASE WHEN c.revision IS NULL THEN 'inserted'
                            WHEN c.value = i.value_text::numeric AND c.status = i.status THEN 'unchanged'
                            ELSE 'revised' END AS outcome
                FROM input i
                LEFT JOIN observation_current c
                       ON c.platform_code = i.platform_code AND c.indicator_code = i.indicator_code AND c.period = i.period
            )""";

    private static final String COUNTS = """
            SELECT count(*) FILTER (WHERE outcome = 'inserted') AS inserted,
                   count(*) FILTER (WHERE outcome = 'revised') AS revised,
                   count(*) FILTER (WHERE outcome = 'unchanged') AS unchanged
            FROM classified
            """;

    /** Dry run: the counts a write would produce, nothing written. */
    static final String PREVIEW_BATCH = CLASSIFY + "\n" + COUNTS;

    /**
     * One round trip per batch: append versions, add the new keys, move the revised ones, return the
     * counts. New keys are a plain INSERT and revised ones an UPDATE, not one INSERT .. ON CONFLICT:
     * the classification already says which is which, and the speculative insertion of ON CONFLICT
     * cost 40 % more per row. Two feeds never write the same key at once (FeedService locks the key
     * buckets first), so no insert can meet a concurrent one.
     */
    static final String WRITE_BATCH = CLASSIFY + """
            , versions AS (
                INSERT INTO observation_version (platform_code, indicator_code, period, revision, value, status, note,
                                                 feed_id, recorded_at)
                SELECT platform_code, indicator_code, period, coalesce(old_revision, 0) + 1, value, status, note, $7, $8
                FROM classified WHERE outcome <> 'unchanged'
            ), added AS (
                INSERT INTO observation_current (platform_code, indicator_code, period, revision, value, status,
                                                 feed_id, recorded_at)
                SELECT platform_code, indicator_code, period, 1, value, status, $7, $8
                FROM classified WHERE outcome = 'inserted'
            ), moved AS (
                UPDATE observation_current c
                   SET revision = k.old_revision + 1, value = k.value, status = k.status, feed_id = $7, recorded_at = $8
                  FROM classified k
                 WHERE k.outcome = 'revised'
                   AND c.platform_code = k.platform_code AND c.indicator_code = k.indicator_code AND c.period = k.period
            )
            SELECT count(*) FILTER (WHERE outcome = 'inserted') AS inserted,
                   count(*) FILTER (WHERE outcome = 'revised') AS revised,
                   count(*) FILTER (WHERE outcome = 'unchanged') AS unchanged,
                   -- the feeds whose values this batch revised: no longer replays of their content (see MARK_SUPERSEDED)
                   array_agg(DISTINCT old_feed_id) FILTER (WHERE outcome = 'revised') AS superseded
            FROM classified
            """;

    /**
     * Feeds with a value revised by a later feed ($1, at $2): sending such a feed's content again must
     * store it again (it would restore its values), so it is no longer answered as a replay. Marked
     * once, at the end of the revising feed's transaction, locking in id order so that two feeds marking
     * the same older feeds cannot deadlock.
     */
    static final String MARK_SUPERSEDED = """
            WITH locked AS (
                SELECT id FROM feed WHERE id = ANY($1) AND superseded_at IS NULL ORDER BY id FOR UPDATE
            )
            UPDATE feed f SET superseded_at = $2 FROM locked WHERE f.id = locked.id
            """;
}
