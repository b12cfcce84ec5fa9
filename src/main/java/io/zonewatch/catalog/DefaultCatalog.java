package io.zonewatch.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Resources;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The default catalog shipped as {@code catalog/default-catalog.yaml} (docs/domain.md section 2). */
public record DefaultCatalog(List<Indicator> indicators, List<String[]> conversions) {
    public static final String RESOURCE = "catalog/default-catalog.yaml";

    public static DefaultCatalog load() {
        JsonObject root = Resources.yaml(RESOURCE);
        List<Indicator> indicators = new ArrayList<>();
        int order = 0;
        for (Object item : root.getJsonArray("indicators")) {
            JsonObject n = (JsonObject) item;
            order += 10;
            indicators.add(new Indicator(
                    n.getString("code"), n.getString("zh"), n.getString("en"), n.getString("unit"),
                    Indicator.Kind.of(n.getString("kind")), Indicator.Better.of(n.getString("better")),
                    n.getBoolean("nonNegative", true), Indicator.Formula.of(n.getString("formula")),
                    n.getString("numerator"), n.getString("denominator"),
                    n.getValue("factor") == null ? BigDecimal.ONE : new BigDecimal(n.getValue("factor").toString()),
                    n.getString("growthOf"), order, 1));
        }
        List<String[]> conversions = new ArrayList<>();
        JsonArray units = root.getJsonArray("unitConversions");
        for (int i = 0; i < units.size(); i++) {
            JsonObject n = units.getJsonObject(i);
            conversions.add(new String[]{n.getString("unit"), n.getString("from"), n.getValue("factor").toString()});
        }
        return new DefaultCatalog(List.copyOf(indicators), List.copyOf(conversions));
    }
}
