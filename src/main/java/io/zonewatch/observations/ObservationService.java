package io.zonewatch.observations;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.catalog.Indicator;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/** Reads one platform's quarterly values, current or as of an instant, with derived indicators. */
public final class ObservationService {
    private final SqlClient client;

    public ObservationService(SqlClient client) {
        this.client = client;
    }

    /** One row of the answer. */
    public record Observation(Indicator indicator, Period period, ObservationValue value) {
    }

    /**
     * @param indicators the requested indicators (base or derived), in the order to answer them
     * @param asOf       null for the latest versions
     * @return the values, or null when there is no such platform
     */
    public Future<List<Observation>> read(String platform, List<Indicator> indicators,
                                          Period from, Period to, OffsetDateTime asOf) {
        Set<String> baseCodes = new LinkedHashSet<>();
        for (Indicator ind : indicators) {
            if (ind.derived()) baseCodes.addAll(ind.inputs());
            else baseCodes.add(ind.code());
        }
        // Growth rates need the same quarter of the year before the range.
        Period readFrom = from.minusYears(1);
        Tuple params = Tuple.of(platform, baseCodes.toArray(new String[0]), readFrom.firstDay(), to.firstDay());
        Future<io.vertx.sqlclient.RowSet<Row>> rows = asOf == null
                ? client.preparedQuery(ObservationSql.CURRENT).execute(params)
                : client.preparedQuery(ObservationSql.AS_OF).execute(params.addOffsetDateTime(asOf));
        return rows.map(rs -> {
            Map<String, NavigableMap<Period, ObservationValue>> base = new HashMap<>();
            // Columns by position (known, indicator_code, period, value, status, revision, feed_id, as in
            // ObservationSql): looking each one up by name showed in the profile (HashMap lookups, 4 %).
            for (Row r : rs) {
                if (!r.getBoolean(0)) return null;
                String indicator = r.getString(1);
                if (indicator == null) continue;
                base.computeIfAbsent(indicator, k -> new TreeMap<>())
                        .put(Period.of(r.getLocalDate(2)), new ObservationValue(new BigDecimal(r.getString(3)),
                                r.getString(4), r.getInteger(5), r.getLong(6)));
            }
            List<Observation> out = new ArrayList<>();
            for (Indicator ind : indicators) {
                NavigableMap<Period, ObservationValue> values = ind.derived()
                        ? DerivedIndicators.compute(ind, base)
                        : base.getOrDefault(ind.code(), new TreeMap<>());
                values.subMap(from, true, to, true).forEach((p, v) -> out.add(new Observation(ind, p, v)));
            }
            return out;
        });
    }
}
