package io.zonewatch.catalog;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.Set;

/** A development zone / functional zone / industrial platform (docs/domain.md section 1). */
public record Platform(
        String code,
        String name,
        String nameEn,
        String level,
        String type,
        String region,
        String parentCode,
        LocalDate activeFrom,
        LocalDate activeTo) {

    public static final Set<String> LEVELS = Set.of("national", "provincial", "municipal", "county");
    public static final Set<String> TYPES = Set.of("etdz", "hitech", "functional_zone", "bonded", "town_park", "other");
    public static final String CODE_PATTERN = "[A-Za-z0-9_-]{1,32}";

    /** Whether the platform existed at some time in [from, to] (inclusive dates). */
    public boolean activeDuring(LocalDate from, LocalDate to) {
        return (activeFrom == null || !activeFrom.isAfter(to)) && (activeTo == null || !activeTo.isBefore(from));
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("code", code)
                .put("name", name)
                .put("nameEn", nameEn)
                .put("level", level)
                .put("type", type)
                .put("region", region)
                .put("parentCode", parentCode)
                .put("activeFrom", activeFrom == null ? null : activeFrom.toString())
                .put("activeTo", activeTo == null ? null : activeTo.toString());
    }
}
