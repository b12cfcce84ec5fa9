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

    /** The shipped schemes, every version of each, in the order of the file (versions ascending per code). */
    public static List<Scheme> load(Map<String, Indicator> catalog) {
        JsonArray schemes = Resources.yaml(RESOURCE).getJsonArray("schemes");
        List<Scheme> out = new ArrayList<>();
        Map<String, Integer> last = new java.util.HashMap<>();
        for (int i = 0; i < schemes.size(); i++) {
            JsonObject def = schemes.getJsonObject(i).copy();
            String code = def.getString("code");
            int version = def.getInteger("version", 1);
            def.remove("version");
            if (version != last.getOrDefault(code, 0) + 1) {
                throw new IllegalStateException(RESOURCE + ": " + code + " version " + version + " does not follow " + last.getOrDefault(code, 0));
            }
            last.put(code, version);
            SchemeCodec.Parsed parsed = SchemeCodec.parse(code, version, def, catalog);
            if (parsed.scheme() == null) throw new IllegalStateException(RESOURCE + ": " + parsed.errors());
            out.add(parsed.scheme());
        }
        return out;
    }
}
