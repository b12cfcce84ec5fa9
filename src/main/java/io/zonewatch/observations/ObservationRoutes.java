package io.zonewatch.observations;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zonewatch.auth.Principal;
import io.zonewatch.auth.Role;
import io.zonewatch.catalog.CatalogRepository;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.http.ApiException;
import io.zonewatch.http.Http;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.zonewatch.auth.AuthHandler.allow;
import static io.zonewatch.auth.AuthHandler.principal;

/** GET /platforms/{code}/observations?indicator=&from=&to=&asOf= */
public final class ObservationRoutes {
    private static final Period EARLIEST = new Period(Period.MIN_YEAR, 1);
    private static final Period LATEST = new Period(Period.MAX_YEAR, 4);

    private final CatalogRepository catalog;
    private final ObservationService observations;

    public ObservationRoutes(CatalogRepository catalog, ObservationService observations) {
        this.catalog = catalog;
        this.observations = observations;
    }

    public void mount(Router router) {
        router.get(Http.API + "/platforms/:code/observations")
                .handler(allow(Role.BUREAU, Role.ADMIN, Role.LEADER, Role.PLATFORM))
                .handler(Http.params("from", "to", "indicator", "asOf"))
                .handler(Http.json(200, this::read));
    }

    private Future<io.vertx.core.buffer.Buffer> read(RoutingContext ctx) {
        String code = Http.codeParam(ctx, "code");
        Principal who = principal(ctx);
        if (!who.maySee(code)) throw ApiException.forbidden();
        Period from = period(ctx, "from", EARLIEST);
        Period to = period(ctx, "to", LATEST);
        if (from.compareTo(to) > 0) {
            throw ApiException.badRequest("bad_period", "from 晚于 to", "from is after to");
        }
        OffsetDateTime asOf = asOf(ctx.queryParams().get("asOf"));
        // As of an instant, derived values are computed with the definitions in force then (issue 12):
        // editing a formula later does not rewrite what that instant's read gave.
        Future<List<Indicator>> definitions = asOf == null ? catalog.cachedIndicators() : catalog.cachedIndicatorsAt(asOf);
        return catalog.cachedIndicators().compose(current -> definitions.compose(all -> {
            Map<String, Indicator> known = new LinkedHashMap<>();
            current.forEach(i -> known.put(i.code(), i));
            Map<String, Indicator> cat = new LinkedHashMap<>();
            all.forEach(i -> cat.put(i.code(), i));
            List<Indicator> wanted = indicators(ctx, known, cat);
            return observations.read(code, wanted, from, to, asOf).map(list -> {
                if (list == null) {
                    throw ApiException.notFound("未知平台 '" + code + "'", "unknown platform '" + code + "'");
                }
                return ObservationJson.write(code, asOf, list);
            });
        }));
    }

    /** The requested indicators ({@code known}: the catalog now) as defined in {@code cat} (the definitions the read uses). */
    private static List<Indicator> indicators(RoutingContext ctx, Map<String, Indicator> known, Map<String, Indicator> cat) {
        List<String> requested = new ArrayList<>();
        for (String v : ctx.queryParams().getAll("indicator")) {
            for (String part : v.split(",")) if (!part.isBlank()) requested.add(part.trim());
        }
        if (requested.isEmpty()) return new ArrayList<>(cat.values());
        List<Indicator> out = new ArrayList<>();
        for (Indicator ind : cat.values()) {
            if (requested.contains(ind.code())) out.add(ind);
        }
        for (String r : requested) {
            if (!known.containsKey(r)) {
                throw ApiException.badRequest("unknown_indicator", "未知指标代码 '" + r + "'", "unknown indicator code '" + r + "'");
            }
        }
        return out;
    }

    private static Period period(RoutingContext ctx, String name, Period def) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isBlank()) return def;
        Period p = Period.parse(v);
        if (p == null) {
            throw ApiException.badRequest("bad_period", name + " 期别 '" + v + "' 无效，应为 2024Q3 形式",
                    name + ": invalid period '" + v + "', expected a quarter like 2024Q3");
        }
        return p;
    }

    /**
     * An instant with offset ({@code 2025-03-01T10:00:00+08:00}, {@code ...Z}), or a date, meaning the
     * end of that day in China Standard Time.
     */
    static OffsetDateTime asOf(String v) {
        if (v == null || v.isBlank()) return null;
        OffsetDateTime parsed = parseAsOf(v);
        if (parsed.getYear() < Period.MIN_YEAR || parsed.getYear() > Period.MAX_YEAR + 1) {
            throw ApiException.badRequest("bad_parameter", "asOf 超出范围", "asOf is out of range");
        }
        return parsed;
    }

    private static OffsetDateTime parseAsOf(String v) {
        try {
            // A literal + in a query string arrives as a space unless the client encoded it.
            return OffsetDateTime.parse(v.trim().replace(' ', '+'));
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(v.trim()).plusDays(1).atStartOfDay(Period.CHINA).toOffsetDateTime().minusNanos(1000);
            } catch (java.time.DateTimeException e2) {
                throw ApiException.badRequest("bad_parameter", "asOf 应为 ISO-8601 时间（如 2025-03-01T10:00:00+08:00）或日期",
                        "asOf must be an ISO-8601 instant (e.g. 2025-03-01T10:00:00+08:00) or a date");
            }
        }
    }
}
