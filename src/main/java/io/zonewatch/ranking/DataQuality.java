package io.zonewatch.ranking;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.catalog.Indicator;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The data-quality section of a run (docs/domain.md section 4), stored with it and returned with it:
 * {@code held} (each warning that held values, with the platform, the indicator and period it is on,
 * the scheme indicators it held and whether the platform was ranked), {@code counts} of held, imputed,
 * treated, capped and outlier values, the reporting share of the period and {@code incomplete}.
 */
final class DataQuality {
    private DataQuality() {
    }

    static JsonObject of(RankingService.Inputs in, List<RankingEngine.Candidate> candidates, RankingEngine.Result result,
                         boolean incomplete) {
        Set<String> ranked = new java.util.HashSet<>();
        result.entries().forEach(e -> ranked.add(e.platform()));
        Map<Long, RankingService.QualityAlert> byId = new LinkedHashMap<>();
        in.alerts().forEach(a -> byId.put(a.id(), a));
        // One item per holding warning, in platform order; the scheme indicators each one held.
        Map<Long, Set<String>> affects = new LinkedHashMap<>();
        Map<Long, String> platformOf = new LinkedHashMap<>();
        int held = 0;
        for (RankingEngine.Candidate c : candidates) {
            for (Map.Entry<String, Long> h : new java.util.TreeMap<>(c.held()).entrySet()) {
                held++;
                affects.computeIfAbsent(h.getValue(), k -> new TreeSet<>()).add(h.getKey());
                platformOf.put(h.getValue(), c.platform());
            }
        }
        JsonArray list = new JsonArray();
        for (Map.Entry<Long, Set<String>> e : affects.entrySet()) {
            RankingService.QualityAlert a = byId.get(e.getKey());
            list.add(new JsonObject().put("platform", a.platform()).put("indicator", a.indicator())
                    .put("period", a.period().toString()).put("rule", a.rule()).put("alertId", a.id())
                    .put("affects", new JsonArray(List.copyOf(e.getValue())))
                    .put("ranked", ranked.contains(platformOf.get(e.getKey()))));
        }
        int imputed = 0, treated = 0, capped = 0, outliers = 0;
        for (RankingEngine.Entry entry : result.entries()) {
            for (RankingEngine.Component c : entry.components()) {
                if (c.imputed()) imputed++;
                if (c.treated()) treated++;
                if (c.capped()) capped++;
                if (c.outlierAlert() != null) outliers++;
            }
        }
        RankingService.Reporting r = in.reporting();
        return new JsonObject()
                .put("held", list)
                .put("counts", new JsonObject().put("held", held).put("imputed", imputed).put("treated", treated)
                        .put("capped", capped).put("outliers", outliers))
                .put("reportingShare", r.share())
                .put("reported", r.reported())
                .put("expected", r.expected())
                .put("missing", new JsonArray(r.missing().subList(0, Math.min(r.missing().size(), 1000))))
                .put("incomplete", incomplete)
                // what publication checks for warnings raised after the snapshot
                .put("inputs", new JsonArray(List.copyOf(baseInputs(in.scheme(), in.catalog()))))
                .put("inputsLastYear", new JsonArray(List.copyOf(baseInputsLastYear(in.scheme(), in.catalog()))));
    }

    /**
     * What the section says, as lines for the run's {@code warnings} beside the engine's own: a run that
     * held, capped or flagged values, or was forced incomplete, never answers {@code "warnings": []}.
     */
    static List<String> warnings(JsonObject section) {
        List<String> out = new java.util.ArrayList<>();
        JsonObject counts = section.getJsonObject("counts", new JsonObject());
        int held = counts.getInteger("held", 0);
        if (held > 0) {
            JsonArray list = section.getJsonArray("held", new JsonArray());
            Set<String> notRanked = new TreeSet<>();
            for (Object o : list) {
                JsonObject h = (JsonObject) o;
                if (!h.getBoolean("ranked", false)) notRanked.add(h.getString("platform"));
            }
            out.add(held + " value(s) held under " + list.size() + " open data-error warning(s), treated as missing"
                    + (notRanked.isEmpty() ? "" : "; not ranked because of them: " + String.join(", ", notRanked))
                    + " (see dataQuality.held)");
        }
        if (section.getBoolean("incomplete", false)) {
            out.add(String.format(java.util.Locale.ROOT, "incomplete: %d of %d platforms reported (%.1f %%), computed with force",
                    section.getInteger("reported", 0), section.getInteger("expected", 0), 100 * section.getDouble("reportingShare", 0.0)));
        }
        int capped = counts.getInteger("capped", 0);
        if (capped > 0) out.add(capped + " value(s) capped at the scheme's cap");
        int outliers = counts.getInteger("outliers", 0);
        if (outliers > 0) out.add(outliers + " value(s) with an open peer_outlier warning, used as reported");
        return out;
    }

    /** The base indicators a run's scheme reads. */
    static Set<String> baseInputs(Scheme scheme, io.zonewatch.catalog.Catalog catalog) {
        Set<String> base = new LinkedHashSet<>();
        for (String code : scheme.indicatorCodes()) {
            Indicator ind = catalog.indicator(code);
            if (ind.derived()) base.addAll(ind.inputs());
            else base.add(code);
        }
        return base;
    }

    /** The base indicators a run's scheme reads for the same period a year earlier (the inputs of its growth rates). */
    static Set<String> baseInputsLastYear(Scheme scheme, io.zonewatch.catalog.Catalog catalog) {
        Set<String> base = new LinkedHashSet<>();
        for (String code : scheme.indicatorCodes()) {
            Indicator ind = catalog.indicator(code);
            if (ind.derived() && ind.formula() == Indicator.Formula.GROWTH) base.addAll(ind.inputs());
        }
        return base;
    }

    /** The held items of a stored section whose platform was ranked (what blocks publication). */
    static JsonArray heldRanked(JsonObject stored) {
        JsonArray out = new JsonArray();
        if (stored == null) return out;
        for (Object o : stored.getJsonArray("held", new JsonArray())) {
            JsonObject h = (JsonObject) o;
            if (h.getBoolean("ranked", false)) out.add(h);
        }
        return out;
    }

    static Long[] heldIds(JsonObject stored) {
        if (stored == null) return new Long[0];
        return stored.getJsonArray("held", new JsonArray()).stream().map(o -> ((JsonObject) o).getLong("alertId")).toArray(Long[]::new);
    }
}
