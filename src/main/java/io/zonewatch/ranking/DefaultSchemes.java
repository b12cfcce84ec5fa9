package io.zonewatch.ranking;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.catalog.Indicator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The default schemes shipped as {@code ranking/default-schemes.yaml}. */
public final class DefaultSchemes {
    public static final String RESOURCE = "ranking/default-schemes.yaml";

    private DefaultSchemes() {
    }

    @SuppressWarnings("unchecked")
    public static List<Scheme> load(Map<String, Indicator> catalog) {
        try (InputStream in = DefaultSchemes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            JsonObject root = new JsonObject((Map<String, Object>) new ObjectMapper(new YAMLFactory()).readValue(in, Map.class));
            List<Scheme> out = new ArrayList<>();
            JsonArray schemes = root.getJsonArray("schemes");
            for (int i = 0; i < schemes.size(); i++) {
                JsonObject def = schemes.getJsonObject(i);
                SchemeCodec.Parsed parsed = SchemeCodec.parse(def.getString("code"), 1, def, catalog);
                if (parsed.scheme() == null) throw new IllegalStateException(RESOURCE + ": " + parsed.errors());
                out.add(parsed.scheme());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
