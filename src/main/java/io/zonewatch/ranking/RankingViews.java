package io.zonewatch.ranking;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.http.ApiException;

import java.util.HashMap;
import java.util.Map;

/** Reads stored runs into the API shapes of DESIGN.md (ranking table, one platform's ranking). */
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
                .put("indicatorVersions", r.getValue("indicator_versions"));
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
     * against the previous year's published run of the same scheme (positive: moved up).
     */
    public Future<JsonObject> table(Row run, String groupFilter) {
        long runId = run.getLong("id");
        Future<Map<String, Integer>> previous = client.preparedQuery(RankingSql.PUBLISHED_RUN)
                .execute(Tuple.of(run.getString("scheme_code"), run.getInteger("year") - 1))
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
                        .put("rankChange", before == null ? null : before - e.getInteger("rank")));
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
     */
    /** {@code publishedOnly}: a platform's own token sees only published year-end runs. */
    public Future<String> platform(String code, Integer year, String scheme, boolean publishedOnly) {
        return client.preparedQuery(RankingSql.PLATFORM_RANKING).execute(Tuple.of(code, scheme, year, publishedOnly)).map(rows -> {
            Row r = rows.iterator().next();
            if (!r.getBoolean("known")) throw ApiException.notFound("未知平台 '" + code + "'", "unknown platform '" + code + "'");
            if (r.getString("body") == null) throw noRanking(scheme, r.getInteger("year"));
            return r.getString("body");
        });
    }

    private static ApiException noRanking(String scheme, Integer year) {
        String when = year == null ? "" : year + " 年";
        return ApiException.notFound("方案 " + scheme + " 尚无" + when + "排名", "no ranking of scheme " + scheme + (year == null ? "" : " for " + year) + " yet");
    }
}
