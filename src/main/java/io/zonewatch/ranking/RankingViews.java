package io.zonewatch.ranking;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.errors.Problem;

import java.util.HashMap;
import java.util.Map;

/** Reads stored runs into the API shapes of openapi.yaml (ranking table, one platform's ranking). */
public final class RankingViews {
    public static final String DEFAULT_SCHEME = "mu_benefit";

    private final SqlClient client;

    public RankingViews(SqlClient client) {
        this.client = client;
    }

    static JsonObject runHeader(Row r) {
        var published = r.getOffsetDateTime("published_at");
        return new JsonObject()
                .put("runId", r.getLong("id"))
                .put("year", r.getInteger("year"))
                .put("quarter", r.getInteger("quarter"))
                .put("scheme", r.getString("scheme_code"))
                .put("schemeVersion", r.getInteger("scheme_version"))
                .put("groupBy", r.getString("group_by"))
                .put("published", published != null)
                .put("publishedAt", published == null ? null : published.toInstant().toString())
                .put("computedAt", r.getOffsetDateTime("computed_at").toInstant().toString())
                .put("dataAsOf", r.getOffsetDateTime("data_as_of").toInstant().toString())
                .put("trigger", r.getString("trigger"))
                .put("ranked", r.getInteger("ranked"))
                .put("warnings", r.getValue("warnings"))
                // the indicator definitions the run computed with; null for runs from before they were recorded
                .put("indicatorVersions", r.getValue("indicator_versions"))
                .put("incomplete", r.getBoolean("incomplete"))
                .put("reportingShare", r.getDouble("reporting_share"))
                // null for runs from before the data-quality gate (schema version 14)
                .put("dataQuality", publicDataQuality((JsonObject) r.getValue("data_quality")))
                .put("override", r.getString("override_reason") == null ? null : new JsonObject()
                        .put("reason", r.getString("override_reason")).put("by", r.getString("override_by"))
                        .put("at", r.getOffsetDateTime("override_at").toInstant().toString()));
    }

    /** The stored section as the API shows it (the base inputs are the publication check's business). */
    private static JsonObject publicDataQuality(JsonObject stored) {
        if (stored == null) return null;
        JsonObject out = stored.copy();
        out.remove("inputs");
        return out;
    }

    /** The run a table shows (for a quarter the newest provisional run, else the official year-end run); {@code publishedOnly}: a platform's own token sees only published year-end runs. */
    public Future<Row> selectRun(String scheme, int year, Integer quarter, boolean publishedOnly) {
        Future<RowSet<Row>> rows = quarter == null
                ? client.preparedQuery(publishedOnly ? RankingSql.PUBLISHED_RUN : RankingSql.OFFICIAL_RUN).execute(Tuple.of(scheme, year))
                : client.preparedQuery(RankingSql.LATEST_PROVISIONAL_RUN).execute(Tuple.of(scheme, year, quarter));
        return rows.map(rs -> rs.size() == 0 ? null : rs.iterator().next());
    }

    public Future<Row> run(long id) {
        return client.preparedQuery(RankingSql.RUN).execute(Tuple.of(id)).map(rs -> rs.size() == 0 ? null : rs.iterator().next());
    }

    public Future<JsonArray> runs(int year, String scheme) {
        return client.preparedQuery(RankingSql.RUNS_OF_YEAR).execute(Tuple.of(year, scheme)).map(rows -> {
            JsonArray out = new JsonArray();
            rows.forEach(r -> out.add(runHeader(r)));
            return out;
        });
    }

    /**
     * The ranking table of a run, optionally one group's part, with each platform's rank change
     * against a comparable run (positive: moved up; docs/domain.md section 4): a year-end run against the previous
     * year's published year-end run of the same scheme, a provisional quarter against the same quarter
     * of the previous year. No comparable run: rankChange is null.
     */
    public Future<JsonObject> table(Row run, String groupFilter) {
        long runId = run.getLong("id");
        Integer quarter = run.getInteger("quarter");
        Tuple earlier = quarter == null
                ? Tuple.of(run.getString("scheme_code"), run.getInteger("year") - 1)
                : Tuple.of(run.getString("scheme_code"), run.getInteger("year") - 1, quarter);
        Future<Map<String, Integer>> previous = client.preparedQuery(quarter == null ? RankingSql.PUBLISHED_RUN : RankingSql.COMPARABLE_PROVISIONAL_RUN)
                .execute(earlier)
                .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Map.<String, Integer>of())
                        : client.preparedQuery(RankingSql.RANKS_OF_RUN).execute(Tuple.of(rows.iterator().next().getLong("id"))).map(ranks -> {
                            Map<String, Integer> m = new HashMap<>();
                            ranks.forEach(r -> m.put(r.getString("platform_code"), r.getInteger("rank")));
                            return m;
                        }));
        return previous.compose(prev -> client.preparedQuery(RankingSql.ENTRIES).execute(Tuple.of(runId)).compose(entries -> {
            JsonArray list = new JsonArray();
            for (Row e : entries) {
                if (groupFilter != null && !groupFilter.equals(e.getString("group_value"))) continue;
                Integer before = prev.get(e.getString("platform_code"));
                list.add(new JsonObject()
                        .put("platform", e.getString("platform_code"))
                        .put("name", e.getString("name"))
                        .put("group", e.getString("group_value"))
                        .put("rank", e.getInteger("rank"))
                        .put("score", e.getDouble("score"))
                        .put("class", e.getString("class"))
                        .put("rankInterval", new JsonArray().add(e.getInteger("rank_low")).add(e.getInteger("rank_high")))
                        .put("medianRank", e.getDouble("median_rank"))
                        .put("rankChange", before == null ? null : before - e.getInteger("rank"))
                        // how many of the platform's values were held, capped, imputed or carry an outlier warning
                        .put("flags", new JsonObject().put("held", e.getLong("held")).put("capped", e.getLong("capped"))
                                .put("imputed", e.getLong("imputed")).put("outliers", e.getLong("outliers"))));
            }
            return client.preparedQuery(RankingSql.NOT_RANKED).execute(Tuple.of(runId)).map(nr -> {
                JsonArray notRanked = new JsonArray();
                for (Row n : nr) {
                    if (groupFilter != null && !groupFilter.equals(n.getString("group_value"))) continue;
                    notRanked.add(new JsonObject()
                            .put("platform", n.getString("platform_code"))
                            .put("name", n.getString("name"))
                            .put("reason", n.getString("message"))
                            .put("code", n.getString("reason"))
                            .put("coverage", n.getDouble("coverage")));
                }
                return runHeader(run).put("entries", list).put("notRanked", notRanked);
            });
        }));
    }

    /**
     * One platform's ranking in the table of {@code year} (latest year with a year-end run when null),
     * with its history, as the JSON text PostgreSQL builds (one round trip, see RankingSql).
     * {@code publishedOnly}: a platform's own token sees only published year-end runs.
     */
    public Future<String> platform(String code, Integer year, String scheme, boolean publishedOnly) {
        return platformBody(code, year, scheme, publishedOnly, null);
    }

    private Future<String> platformBody(String code, Integer year, String scheme, boolean publishedOnly, Integer quarter) {
        return client.preparedQuery(RankingSql.PLATFORM_RANKING).execute(Tuple.of(code, scheme, year, publishedOnly, quarter)).map(rows -> {
            Row r = rows.iterator().next();
            if (!r.getBoolean("known")) throw Problem.notFound("未知平台 '" + code + "'", "unknown platform '" + code + "'");
            if (r.getString("body") == null) throw noRanking(scheme, r.getInteger("year"), quarter);
            return r.getString("body");
        });
    }

    /**
     * One platform's provisional standing (季度监测) in the newest run of {@code year} Q{@code quarter}
     * ({@code year} null: the latest year with that quarter; {@code quarter} null: the newest provisional
     * run of any quarter), with its change against the previous quarter (Q1: the previous year-end
     * ranking) and, as rankChange, against the same quarter a year earlier (the comparable run).
     */
    public Future<JsonObject> provisional(String code, Integer year, Integer quarter, String scheme, boolean publishedOnly) {
        Future<Integer[]> which = quarter != null ? Future.succeededFuture(new Integer[]{year, quarter})
                : client.preparedQuery(RankingSql.NEWEST_PROVISIONAL).execute(Tuple.of(scheme)).map(rs -> {
                    if (rs.size() == 0) throw noRanking(scheme, null, 0);
                    Row r = rs.iterator().next();
                    return new Integer[]{r.getInteger("year"), r.getInteger("quarter")};
                });
        return which.compose(yq -> platformBody(code, yq[0], scheme, publishedOnly, yq[1]).compose(text -> {
            JsonObject body = new JsonObject(text);
            int y = body.getInteger("year"), q = body.getInteger("quarter");
            Future<Row> previousRun = q == 1
                    ? selectRun(scheme, y - 1, null, publishedOnly)
                    : selectRun(scheme, y, q - 1, publishedOnly);
            Future<Row> lastYear = selectRun(scheme, y - 1, q, publishedOnly);
            return Future.all(previousRun, lastYear).compose(both -> Future.all(
                    rankIn(previousRun.result(), code), rankIn(lastYear.result(), code)).map(ranks -> {
                JsonObject prev = ranks.resultAt(0);
                JsonObject ago = ranks.resultAt(1);
                Integer rank = body.getInteger("rank");
                body.put("previousPeriod", prev);
                body.put("changeFromPreviousPeriod", change(prev, rank));
                body.put("samePeriodLastYear", ago);
                body.put("rankChange", change(ago, rank));
                return body;
            }));
        }));
    }

    private static Integer change(JsonObject before, Integer rank) {
        return before == null || rank == null || before.getInteger("rank") == null ? null : before.getInteger("rank") - rank;
    }

    private Future<JsonObject> rankIn(Row run, String code) {
        if (run == null) return Future.succeededFuture(null);
        return client.preparedQuery(RankingSql.RANK_IN_RUN).execute(Tuple.of(run.getLong("id"), code)).map(rs -> {
            Row r = rs.iterator().next();
            return new JsonObject().put("runId", r.getLong("id")).put("year", r.getInteger("year"))
                    .put("quarter", r.getInteger("quarter")).put("rank", r.getInteger("rank")).put("class", r.getString("class"))
                    .put("ranked", r.getInteger("ranked"));
        });
    }

    private static Problem noRanking(String scheme, Integer year, Integer quarter) {
        String when = (year == null ? "" : year + " 年") + (quarter == null ? "" : quarter == 0 ? "季度" : "第 " + quarter + " 季度");
        String whenEn = (quarter == null ? "" : quarter == 0 ? " quarterly" : " Q" + quarter) + (year == null ? "" : " for " + year);
        return Problem.notFound("方案 " + scheme + " 尚无" + when + "排名", "no" + whenEn + " ranking of scheme " + scheme + " yet");
    }
}
