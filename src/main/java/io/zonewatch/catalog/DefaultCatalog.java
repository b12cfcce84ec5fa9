package io.zonewatch.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The default catalog shipped as {@code catalog/default-catalog.yaml} (DOMAIN.md section 3). */
public record DefaultCatalog(List<Indicator> indicators, List<String[]> conversions) {
    public static final String RESOURCE = "catalog/default-catalog.yaml";

    public static DefaultCatalog load() {
        try (InputStream in = DefaultCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            List<Indicator> indicators = new ArrayList<>();
            int order = 0;
            for (JsonNode n : root.path("indicators")) {
                order += 10;
                indicators.add(new Indicator(
                        n.path("code").asText(), n.path("zh").asText(), n.path("en").asText(), n.path("unit").asText(),
                        Indicator.Kind.of(n.path("kind").asText()), Indicator.Better.of(n.path("better").asText()),
                        n.path("nonNegative").asBoolean(true),
                        Indicator.Formula.of(n.hasNonNull("formula") ? n.get("formula").asText() : null),
                        text(n, "numerator"), text(n, "denominator"),
                        n.hasNonNull("factor") ? new BigDecimal(n.get("factor").asText()) : BigDecimal.ONE,
                        text(n, "growthOf"), order));
            }
            List<String[]> conversions = new ArrayList<>();
            for (JsonNode n : root.path("unitConversions")) {
                conversions.add(new String[]{n.path("unit").asText(), n.path("from").asText(), n.path("factor").asText()});
            }
            return new DefaultCatalog(List.copyOf(indicators), List.copyOf(conversions));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE, e);
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
