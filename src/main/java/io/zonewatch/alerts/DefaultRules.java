package io.zonewatch.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The default rule settings shipped as {@code alerts/default-rules.yaml}. */
public final class DefaultRules {
    public static final String RESOURCE = "alerts/default-rules.yaml";

    private DefaultRules() {
    }

    @SuppressWarnings("unchecked")
    public static JsonObject load() {
        try (InputStream in = DefaultRules.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            Map<String, Object> root = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
            return new JsonObject(root).getJsonObject("rules");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
