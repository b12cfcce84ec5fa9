package io.zonewatch.ingest;

import io.zonewatch.errors.RowError;

/** The feed as a whole cannot be read (encoding, header, JSON syntax): nothing of it is stored. */
final class FeedRejection extends RuntimeException {
    private final RowError error;

    FeedRejection(long row, String column, String code, String zh, String en) {
        super(code, null, false, false);
        this.error = new RowError(row, column, code, zh, en);
    }

    RowError error() {
        return error;
    }
}
