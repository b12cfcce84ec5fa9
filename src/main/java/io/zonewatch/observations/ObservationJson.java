package io.zonewatch.observations;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The observations answer, written straight to bytes. Building a JsonObject per value and encoding
 * the tree took a third of the endpoint's CPU (a year of one platform is ~100 values); the shape is
 * exactly what that tree encoded to.
 */
final class ObservationJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ObservationJson() {
    }

    static Buffer write(String platform, OffsetDateTime asOf, List<ObservationService.Observation> list) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(256 + list.size() * 160);
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("platform", platform);
            g.writeFieldName("asOf");
            if (asOf == null) g.writeNull();
            else g.writeString(asOf.toInstant().toString());
            g.writeArrayFieldStart("observations");
            for (ObservationService.Observation o : list) {
                boolean derived = o.indicator().derived();
                g.writeStartObject();
                g.writeStringField("indicator", o.indicator().code());
                g.writeStringField("period", o.period().toString());
                // Stored values are exact decimals; derived ones are 16-digit quotients, sent as doubles.
                if (derived) g.writeNumberField("value", o.value().value().doubleValue());
                else g.writeNumberField("value", o.value().value());
                g.writeStringField("unit", o.indicator().unit());
                g.writeStringField("status", o.value().status());
                g.writeBooleanField("derived", derived);
                g.writeFieldName("revision");
                if (o.value().revision() == null) g.writeNull();
                else g.writeNumber(o.value().revision());
                g.writeFieldName("feedId");
                if (o.value().feedId() == null) g.writeNull();
                else g.writeNumber(o.value().feedId());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // writing to memory: not expected
        }
        return Buffer.buffer(bytes.toByteArray());
    }
}
