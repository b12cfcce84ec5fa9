package io.zonewatch.observations;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import io.zonewatch.catalog.Indicator;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The observations answer, written straight to bytes. Building a JsonObject per value and encoding
 * the tree took a third of the endpoint's CPU (a year of one platform is ~100 values); the parts of
 * an entry that depend only on its indicator (code, unit, derived) are escaped once per indicator.
 * The output is byte for byte what the object tree encoded to (ObservationJsonTest).
 */
final class ObservationJson {
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
        Buffer out = Buffer.buffer(96 + list.size() * 150);
        out.appendString("{\"platform\":" + quoted(platform) + ",\"asOf\":"
                + (asOf == null ? "null" : quoted(asOf.toInstant().toString())) + ",\"observations\":[");
        Map<Indicator, Fragments> fragments = new IdentityHashMap<>();
        boolean first = true;
        for (ObservationService.Observation o : list) {
            Fragments f = fragments.computeIfAbsent(o.indicator(), Fragments::of);
            ObservationValue v = o.value();
            if (!first) out.appendByte((byte) ',');
            first = false;
            out.appendBytes(f.beforePeriod()).appendString(o.period().toString()).appendString("\",\"value\":");
            // Stored values are exact decimals; derived ones are 16-digit quotients, sent as doubles.
            out.appendString(o.indicator().derived() ? number(v.value().doubleValue()) : v.value().toString());
            out.appendBytes(f.beforeStatus()).appendString(v.status()).appendBytes(f.beforeRevision())
                    .appendString(v.revision() == null ? "null" : v.revision().toString())
                    .appendString(",\"feedId\":").appendString(v.feedId() == null ? "null" : v.feedId().toString())
                    .appendByte((byte) '}');
        }
        return out.appendString("]}");
    }

    /** As Jackson writes a double: Double.toString, non-finite values as quoted strings. */
    private static String number(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "\"" + d + "\"";
    }

    private static String quoted(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
