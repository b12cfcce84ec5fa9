#!/usr/bin/env bash
# Read benchmark (issue 6): wrk on GET /api/v1/platforms/{code}/ranking at 64 connections against
# pgbench running the same SQL (the queries that endpoint sends) with the service's number of
# database connections, on the national data set's last two years (10,000 platforms). Targets:
# >= 0.7x pgbench's throughput, p99 < 20 ms.
# Usage: bash bench/reads.sh [seconds]   (needs Debian's postgresql binaries, wrk, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-20}
DATA=target/bench-national
POOL=16
source bench/lib.sh

build
[ -f "$DATA/feeds/2025.csv" ] || java -cp target/bench-classes io.zonewatch.bench.NationalData "$DATA" --years 2
start_postgres reads "-c max_connections=200"
start_service ZONEWATCH_DB_POOL_SIZE=$POOL
api -X POST "http://127.0.0.1:$http/api/v1/platforms" -H 'Content-Type: text/csv' --data-binary @"$DATA/platforms.csv" >/dev/null
for y in 2024 2025; do
    api -X POST "http://127.0.0.1:$http/api/v1/feeds" -H 'Content-Type: text/csv' --data-binary @"$DATA/feeds/$y.csv" >/dev/null
    run=$(api -X POST "http://127.0.0.1:$http/api/v1/rankings/$y/runs?scheme=mu_benefit" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runId"])')
    api -X POST "http://127.0.0.1:$http/api/v1/rankings/$y/runs/$run/publish" >/dev/null
done
psql -c "VACUUM ANALYZE"

cat > "$work/ranking.lua" <<LUA
math.randomseed(1)
request = function()
  local path = string.format("/api/v1/platforms/NP%05d/ranking?year=2025&scheme=mu_benefit", math.random(0, 9999))
  return wrk.format("GET", path, {["Authorization"] = "Bearer $TOKEN"})
end
LUA
# The statements GET /platforms/{code}/ranking sends, in order (see CatalogSql and RankingSql).
cat > "$work/ranking.sql" <<'SQL'
\set p random(0, 9999)
SELECT code, name, name_en, level, type, region, parent_code, active_from, active_to FROM platform WHERE code = 'NP' || lpad(:p::text, 5, '0');
SELECT r.id, r.scheme_code, r.scheme_version, r.year, r.quarter, r.group_by, r.data_as_of, r.computed_at, r.computed_by, r.trigger, r.ranked, r.not_ranked, r.warnings, r.published_at, r.published_by FROM ranking_run r WHERE r.scheme_code = 'mu_benefit' AND r.year = 2025 AND r.quarter IS NULL ORDER BY (r.published_at IS NOT NULL) DESC, r.published_at DESC NULLS LAST, r.id DESC LIMIT 1;
SELECT e.platform_code, p.name, e.group_value, e.rank, e.score, e.class, e.rank_low, e.rank_high, e.median_rank, e.dimension_scores, e.gap_platform, e.gap_score, e.closing_values FROM ranking_entry e JOIN platform p ON p.code = e.platform_code WHERE e.run_id = (SELECT max(id) FROM ranking_run WHERE year = 2025) AND e.platform_code = 'NP' || lpad(:p::text, 5, '0');
SELECT indicator_code, dimension, raw_value, value, imputed, treated, normalized, weight, effective_weight, contribution FROM ranking_component WHERE run_id = (SELECT max(id) FROM ranking_run WHERE year = 2025) AND platform_code = 'NP' || lpad(:p::text, 5, '0') ORDER BY position;
WITH official AS (SELECT DISTINCT ON (year) id, year, published_at IS NOT NULL AS published FROM ranking_run WHERE scheme_code = 'mu_benefit' AND quarter IS NULL ORDER BY year, (published_at IS NOT NULL) DESC, published_at DESC NULLS LAST, id DESC) SELECT o.year, o.id AS run_id, o.published, e.rank, e.class, e.score, n.reason FROM official o LEFT JOIN ranking_entry e ON e.run_id = o.id AND e.platform_code = 'NP' || lpad(:p::text, 5, '0') LEFT JOIN ranking_not_ranked n ON n.run_id = o.id AND n.platform_code = 'NP' || lpad(:p::text, 5, '0') WHERE e.rank IS NOT NULL OR n.reason IS NOT NULL ORDER BY o.year;
SQL

wrk -t2 -c64 -d5s -s "$work/ranking.lua" "http://127.0.0.1:$http" >/dev/null    # warm-up
wrk -t2 -c64 -d"${SECONDS_RUN}s" --latency -s "$work/ranking.lua" "http://127.0.0.1:$http" > "$work/wrk.txt"
PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres "$pg_bin/pgbench" -n -M prepared -c $POOL -j 2 -T "$SECONDS_RUN" -f "$work/ranking.sql" postgres > "$work/pgbench.txt" 2>&1
rss=$(awk '/VmHWM/ {print $2}' /proc/$svc/status)

python3 - "$work/wrk.txt" "$work/pgbench.txt" "$rss" "$POOL" <<'PY'
import re, sys
wrk, pgb, rss, pool = open(sys.argv[1]).read(), open(sys.argv[2]).read(), int(sys.argv[3]), sys.argv[4]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
def ms(label):
    m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)" % label, wrk)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
tps = float(re.search(r"tps = ([\d.]+)", pgb).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
print("read benchmark: GET /api/v1/platforms/{code}/ranking, 10,000 platforms")
print(f"  service  wrk -c64:            {rps:9.0f} req/s   p50 {ms('50'):.2f} ms  p99 {ms('99'):.2f} ms" + (f"  NON-2xx: {non2xx.group(1)}" if non2xx else ""))
print(f"  baseline pgbench -c{pool} (same SQL): {tps:9.0f} tx/s")
print(f"  ratio {rps / tps:.2f}x (target >= 0.7x: {'met' if rps / tps >= 0.7 else 'NOT met'});  p99 target < 20 ms: {'met' if ms('99') < 20 else 'NOT met'}")
print(f"  service peak RSS: {rss / 1024:.0f} MiB")
PY
