package io.zonewatch.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Files shipped in the jar: the default catalog, schemes and rules, the demo data, the API contract. */
public final class Resources {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Resources() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + name, e);
        }
    }

    /** A YAML document as JSON (its top level must be a mapping). */
    @SuppressWarnings("unchecked")
    public static JsonObject yaml(String name) {
        try {
            return new JsonObject((Map<String, Object>) YAML.readValue(bytes(name), Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + name, e);
        }
    }
}
