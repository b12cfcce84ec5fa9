package io.zonewatch.ranking;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.config.Resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The default schemes shipped as {@code ranking/default-schemes.yaml}. */
public final class DefaultSchemes {
    public static final String RESOURCE = "ranking/default-schemes.yaml";

    private DefaultSchemes() {
    }

    public static List<Scheme> load(Map<String, Indicator> catalog) {
        JsonArray schemes = Resources.yaml(RESOURCE).getJsonArray("schemes");
        List<Scheme> out = new ArrayList<>();
        for (int i = 0; i < schemes.size(); i++) {
            JsonObject def = schemes.getJsonObject(i);
            SchemeCodec.Parsed parsed = SchemeCodec.parse(def.getString("code"), 1, def, catalog);
            if (parsed.scheme() == null) throw new IllegalStateException(RESOURCE + ": " + parsed.errors());
            out.add(parsed.scheme());
        }
        return out;
    }
}
