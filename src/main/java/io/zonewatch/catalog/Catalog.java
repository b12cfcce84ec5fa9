package io.zonewatch.catalog;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A consistent snapshot of the catalog: indicators (in catalog order), unit conversions and
 * platforms. Loaded per feed, so a feed is validated against one state of the catalog.
 */
public record Catalog(Map<String, Indicator> indicators, Map<String, BigDecimal> conversions, Map<String, Platform> platforms) {

    public Catalog {
        indicators = Collections.unmodifiableMap(new LinkedHashMap<>(indicators));
        conversions = Map.copyOf(conversions);
        platforms = Map.copyOf(platforms);
    }

    public Indicator indicator(String code) {
        return indicators.get(code);
    }

    public Platform platform(String code) {
        return platforms.get(code);
    }

    /** The factor that turns a value in {@code fromUnit} into {@code unit}, or null when there is none. */
    public BigDecimal conversion(String unit, String fromUnit) {
        if (unit.equals(fromUnit)) return BigDecimal.ONE;
        return conversions.get(key(unit, fromUnit));
    }

    public static String key(String unit, String fromUnit) {
        return unit + "\u0000" + fromUnit;
    }
}
