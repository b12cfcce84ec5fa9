package io.zonewatch.db;

/**
 * Every PostgreSQL advisory lock the service takes, in one place: the two-key form
 * {@code pg_advisory_xact_lock(classId, objectId)}, all transaction-scoped. Class ids 23127–23135 are
 * ZoneWatch's; a new lock gets a new entry here, never a literal elsewhere. Entries with an object id
 * guard one thing; those without ({@link #object()} == null) are families whose second key is computed
 * per use (a content hash, an idempotency key, a key bucket).
 */
public enum AdvisoryLock {
    /** The first administrator token: one bootstrap across instances. */
    TOKEN_BOOTSTRAP(23127, 1),
    /** Platform registry writes (bulk import, edits). */
    CATALOG_PLATFORMS(23127, 2),
    /** Seeding the shipped catalog into an empty database. */
    CATALOG_SEED(23127, 3),
    /** A feed's content hash (the same bytes submitted twice at once). */
    FEED_CONTENT(23128, null),
    /** A submitter's Idempotency-Key. */
    FEED_IDEMPOTENCY(23129, null),
    /** The key buckets of the platforms a feed writes (ascending: no deadlock). */
    FEED_KEYS(23130, null),
    /** Ranking scheme versions (seeding and edits). */
    RANKING_SCHEMES(23131, 1),
    /** One schedule round across instances (tried, not waited for). */
    RANKING_SCHEDULE(23132, 1),
    /** Warning evaluation: one evaluator at a time. */
    ALERT_EVALUATION(23133, 1),
    /** The Grafana annotation outbox: one deliverer at a time (tried). */
    ALERT_OUTBOX(23133, 2),
    /** Annual target writes and their re-evaluation. */
    TARGETS(23134, 1),
    /** The reporting summaries' refresh. */
    REPORTING_REFRESH(23135, 1);

    private final int classId;
    private final Integer object;

    AdvisoryLock(int classId, Integer object) {
        this.classId = classId;
        this.object = object;
    }

    public int classId() {
        return classId;
    }

    public Integer object() {
        return object;
    }

    /** {@code SELECT pg_advisory_xact_lock(class, object)}: waits for the lock. */
    public String xact() {
        return "SELECT pg_advisory_xact_lock(" + classId + ", " + requireObject() + ")";
    }

    /** {@code SELECT pg_try_advisory_xact_lock(class, object) AS locked}: true when taken. */
    public String tryXact() {
        return "SELECT pg_try_advisory_xact_lock(" + classId + ", " + requireObject() + ") AS locked";
    }

    private int requireObject() {
        if (object == null) throw new IllegalStateException(name() + " is a family: its second key is given per use");
        return object;
    }
}
