package io.zonewatch.errors;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The row errors of one submitted file, for every bulk input (feeds, platforms, targets): all are
 * counted, the first {@link #CAP} are kept. A file of a million bad rows must not become a million
 * error objects in memory or in the answer (a 4 MiB target file of unknown platforms once answered
 * with 233 MB of errors and took the service down).
 */
public final class RowErrors {
    public static final int CAP = 1_000;
    /** Echoed input is shortened so that a 1-MB cell does not become a 1-MB error message. */
    public static final int ECHO_CHARS = 64;

    private final List<RowError> kept = new ArrayList<>();
    private long total;

    public void add(RowError e) {
        total++;
        if (kept.size() < CAP) kept.add(e);
    }

    public void addAll(RowErrors other) {
        for (RowError e : other.kept) add(e);
        total += other.total - other.kept.size();
    }

    /** Every error, kept or not. */
    public long count() {
        return total;
    }

    public boolean isEmpty() {
        return total == 0;
    }

    public boolean truncated() {
        return total > kept.size();
    }

    /** The kept errors in file order. */
    public List<RowError> sorted() {
        List<RowError> out = new ArrayList<>(kept);
        out.sort(Comparator.comparingLong(RowError::row));
        return out;
    }

    /** The first error in file order. */
    public RowError first() {
        return sorted().get(0);
    }

    public JsonArray toJson() {
        JsonArray a = new JsonArray();
        sorted().forEach(e -> a.add(e.toJson()));
        return a;
    }

    /** The details of a 422: the kept errors, how many there were, and whether the list was cut. */
    public JsonObject details() {
        return new JsonObject().put("errors", toJson()).put("errorCount", total).put("errorsTruncated", truncated());
    }

    /** A refusal of the whole input, named after its first error. */
    public Problem rejection() {
        RowError first = first();
        return Problem.unprocessable(first.code(), first.messageZh(), first.messageEn(), details());
    }

    @Override
    public String toString() {
        return total + " errors" + (truncated() ? " (first " + kept.size() + ")" : "") + ": " + sorted();
    }

    /** Input echoed in a message, shortened. */
    public static String clip(String s) {
        if (s == null) return "null";
        return s.length() <= ECHO_CHARS ? s : s.substring(0, ECHO_CHARS - 3) + "...";
    }
}
