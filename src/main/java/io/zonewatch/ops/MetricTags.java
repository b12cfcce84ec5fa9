package io.zonewatch.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps every meter's tag values in a closed set, whatever a client sends. Vert.x tags HTTP meters
 * with the request's method as the client spelled it: each distinct method name (any token of up to
 * thousands of characters) made a dozen new series that lived until restart, and a flood of them
 * exhausted the heap at the next scrape. Here, before a meter is registered:
 * <ul>
 * <li>{@code method}: the standard methods as they are, anything else {@value #OTHER};</li>
 * <li>{@code code}: a three-digit status, anything else {@value #OTHER};</li>
 * <li>{@code route}: the template of the endpoint that answered ({@code /api/v1/platforms/:code}),
 * anything that reached no endpoint {@value #UNMATCHED}.</li>
 * </ul>
 * Meters whose ids map to the same id are one meter, so the number of series is bounded by
 * methods × codes × routes, however many requests are sent.
 */
public final class MetricTags implements MeterFilter {
    public static final String OTHER = "other";
    public static final String UNMATCHED = "unmatched";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");

    private volatile Set<String> routes = Set.of();

    /** The router's endpoint templates (route names), set before the server listens. */
    public void routes(Set<String> templates) {
        this.routes = Set.copyOf(templates);
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        List<Tag> tags = id.getTags();
        List<Tag> mapped = null;
        for (int i = 0; i < tags.size(); i++) {
            Tag tag = tags.get(i);
            String value = bounded(tag.getKey(), tag.getValue());
            if (value.equals(tag.getValue())) continue;
            if (mapped == null) mapped = new ArrayList<>(tags);
            mapped.set(i, Tag.of(tag.getKey(), value));
        }
        return mapped == null ? id : id.replaceTags(mapped);
    }

    String bounded(String key, String value) {
        return switch (key) {
            case "method" -> METHODS.contains(value) ? value : OTHER;
            case "code" -> value.length() == 3 && value.chars().allMatch(Character::isDigit) ? value : OTHER;
            case "route" -> route(value);
            default -> value;
        };
    }

    /** Vert.x joins the names of every route a request passed (middleware first) with '>': the last is the endpoint's. */
    private String route(String value) {
        String last = value.substring(value.lastIndexOf('>') + 1);
        return routes.contains(last) ? last : UNMATCHED;
    }
}
