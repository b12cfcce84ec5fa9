package io.zonewatch.observations;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import io.zonewatch.catalog.Indicator;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The observations answer, written straight to bytes. Building a JsonObject per value and encoding
 * the tree took a third of the endpoint's CPU (a year of one platform is ~100 values); the parts of
 * an entry that depend only on its indicator (code, unit, derived) are escaped once per indicator
 * definition and kept; the rest (periods, numbers, status codes) is ASCII, copied char for byte.
 * ObservationJsonTest keeps the output equal to what an object tree encodes to.
 */
final class ObservationJson {
    /** Per indicator definition (a changed unit is a new key); bounded, cleared if definitions churn. */
    private static final Map<Indicator, Fragments> FRAGMENTS = new ConcurrentHashMap<>();

    private ObservationJson() {
    }

    /** The bytes of one indicator's entries around the period, value and provenance. */
    private record Fragments(byte[] beforePeriod, byte[] beforeStatus, byte[] beforeRevision) {
        static Fragments of(Indicator ind) {
            return new Fragments(
                    utf8("{\"indicator\":" + quoted(ind.code()) + ",\"period\":\""),
                    utf8(",\"unit\":" + quoted(ind.unit()) + ",\"status\":\""),
                    utf8("\",\"derived\":" + ind.derived() + ",\"revision\":"));
        }
    }

    static Buffer write(String platform, OffsetDateTime asOf, List<ObservationService.Observation> list) {
        if (FRAGMENTS.size() > 1_000) FRAGMENTS.clear();
        Bytes out = new Bytes(96 + list.size() * 150);
        out.utf8("{\"platform\":" + quoted(platform) + ",\"asOf\":"
                + (asOf == null ? "null" : quoted(asOf.toInstant().toString())) + ",\"observations\":[");
        boolean first = true;
        Indicator current = null;
        Fragments f = null;
        for (ObservationService.Observation o : list) {
            // Entries come grouped by indicator: one lookup per indicator, not per entry (hashing the
            // record per entry was 3.5 % of the endpoint's CPU).
            if (o.indicator() != current) {
                current = o.indicator();
                f = FRAGMENTS.computeIfAbsent(current, Fragments::of);
            }
            ObservationValue v = o.value();
            if (!first) out.ascii(",");
            first = false;
            out.bytes(f.beforePeriod()).digits(o.period().year()).ascii("Q").digits(o.period().quarter()).ascii("\",\"value\":");
            // Stored values are the exact decimals stored; derived ones the 16-digit quotients the ranking and
            // the warning rules use (DerivedIndicators), written out without an exponent. (Converting them to
            // doubles and printing those was 6 % of the endpoint's CPU: Double.toString is slow on Java 17.)
            out.ascii(o.indicator().derived() ? v.value().toPlainString() : v.value().toString());
            out.bytes(f.beforeStatus()).ascii(v.status()).bytes(f.beforeRevision())
                    .number(v.revision())
                    .ascii(",\"feedId\":").number(v.feedId())
                    .ascii("}");
        }
        return out.ascii("]}").toBuffer();
    }

    /** A growable byte array: Vert.x's Buffer.appendString encodes through a temporary array per call. */
    private static final class Bytes {
        private byte[] buf;
        private int size;

        Bytes(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (size + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }

        Bytes bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
            return this;
        }

        /** Only for text known to be ASCII (periods, numbers, status codes, punctuation). */
        Bytes ascii(String s) {
            int n = s.length();
            room(n);
            for (int i = 0; i < n; i++) buf[size++] = (byte) s.charAt(i);
            return this;
        }

        /** A whole number, or null. (Long.toString per revision and feed id was 4 % of the endpoint's CPU.) */
        Bytes number(Number n) {
            return n == null ? ascii("null") : digits(n.longValue());
        }

        Bytes digits(long v) {
            if (v < 0) {
                if (v == Long.MIN_VALUE) return ascii(Long.toString(v));
                room(1);
                buf[size++] = '-';
                v = -v;
            }
            int n = 1;
            for (long t = v; t >= 10; t /= 10) n++;
            room(n);
            for (int i = size + n - 1; i >= size; i--, v /= 10) buf[i] = (byte) ('0' + v % 10);
            size += n;
            return this;
        }

        Bytes utf8(String s) {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        /** One copy into the response buffer. */
        Buffer toBuffer() {
            return Buffer.buffer(size).appendBytes(buf, 0, size);
        }
    }

    private static String quoted(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
