package io.zonewatch.ingest;

import io.zonewatch.http.RowError;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Row errors of one feed: all are counted, the first {@link #CAP} are kept (a million bad rows must
 * not become a million error objects in memory or in the answer).
 */
final class ErrorCollector {
    static final int CAP = 1_000;

    private final List<RowError> kept = new ArrayList<>();
    private long total;

    void add(RowError e) {
        total++;
        if (kept.size() < CAP) kept.add(e);
    }

    long count() {
        return total;
    }

    boolean truncated() {
        return total > kept.size();
    }

    /** The kept errors in file order. */
    List<RowError> sorted() {
        List<RowError> out = new ArrayList<>(kept);
        out.sort(Comparator.comparingLong(RowError::row));
        return out;
    }
}
