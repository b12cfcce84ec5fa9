#!/usr/bin/env bash
# Read benchmark (issue 6): wrk on GET /api/v1/platforms/{code}/ranking and /observations at 64
# connections against pgbench running the same SQL (the statement each endpoint sends) with the
# service's number of database connections, on the national data set's last two years (10,000
# platforms). Targets: >= 0.7x pgbench's throughput, p99 < 20 ms.
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
    t0=$(date +%s.%N)
    run=$(api -X POST "http://127.0.0.1:$http/api/v1/rankings/$y/runs?scheme=mu_benefit" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runId"])')
    echo "year-end ranking $y, 10,000 platforms, end to end over HTTP (incl. the 10,000-row table answered): $(python3 -c "import time; print(f'{time.time() - $t0:.2f}')") s" >> "$work/ranking-runs.txt"
    api -X POST "http://127.0.0.1:$http/api/v1/rankings/$y/runs/$run/publish" >/dev/null
done
psql -c "VACUUM ANALYZE"

# Each endpoint: wrk at 64 connections against pgbench sending the statement the endpoint sends (taken
# from the service's SQL classes by PgbenchScripts) with the service's number of database connections.
indicators=$(psql -c "SELECT '{' || string_agg(code, ',') || '}' FROM indicator WHERE kind <> 'derived'")
for endpoint in ranking observations; do
    case $endpoint in
        ranking) query="ranking?year=2025&scheme=mu_benefit"; vars=(-D scheme=mu_benefit -D year=2025) ;;
        observations) query="observations?from=2025Q1&to=2025Q4"; vars=(-D "indicators=$indicators" -D from=2024-01-01 -D to=2025-10-01) ;;
    esac
    cat > "$work/$endpoint.lua" <<LUA
math.randomseed(1)
request = function()
  local path = string.format("/api/v1/platforms/NP%05d/$query", math.random(0, 9999))
  return wrk.format("GET", path, {["Authorization"] = "Bearer $TOKEN"})
end
LUA
    java -cp target/bench-classes:target/classes io.zonewatch.bench.PgbenchScripts $endpoint > "$work/$endpoint.sql"
    # Warm-up until the JIT has settled (on two shared cores C2 keeps compiling for ~20 s).
    wrk -t2 -c64 -d20s -s "$work/$endpoint.lua" "http://127.0.0.1:$http" >/dev/null
    wrk -t2 -c64 -d"${SECONDS_RUN}s" --latency -s "$work/$endpoint.lua" "http://127.0.0.1:$http" > "$work/$endpoint.wrk"
    PGHOST=$db_host PGPORT=$port PGUSER=$db_user "$pg_bin/pgbench" -n -M prepared -c $POOL -j 2 -T "$SECONDS_RUN" \
        "${vars[@]}" -f "$work/$endpoint.sql" "$db_name" > "$work/$endpoint.pgbench" 2>&1
done
rss=$(awk '/VmHWM/ {print $2}' /proc/$svc/status)

grep "ranking run" "$work/service.log" | sed 's/^.*RankingService - /  service log: /' >> "$work/ranking-runs.txt" || true
cat "$work/ranking-runs.txt"
python3 - "$work" "$rss" "$POOL" <<'PY'
import re, sys
work, rss, pool = sys.argv[1], int(sys.argv[2]), sys.argv[3]
print("read benchmark: 10,000 platforms; wrk -c64 against pgbench -c%s running the same SQL" % pool)
for endpoint, path in (("ranking", "/platforms/{code}/ranking?year=2025"), ("observations", "/platforms/{code}/observations?from=2025Q1&to=2025Q4")):
    wrk, pgb = open(f"{work}/{endpoint}.wrk").read(), open(f"{work}/{endpoint}.pgbench").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
    def ms(label):
        m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)" % label, wrk)
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    tps = float(re.search(r"tps = ([\d.]+)", pgb).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
    print(f"  GET {path}")
    print(f"    service  wrk -c64:              {rps:9.0f} req/s   p50 {ms('50'):.2f} ms  p99 {ms('99'):.2f} ms" + (f"  NON-2xx: {non2xx.group(1)}" if non2xx else ""))
    print(f"    baseline pgbench -c{pool} (same SQL): {tps:9.0f} tx/s")
    print(f"    ratio {rps / tps:.2f}x (target >= 0.7x: {'met' if rps / tps >= 0.7 else 'NOT met'});  p99 target < 20 ms: {'met' if ms('99') < 20 else 'NOT met'}")
print(f"  service peak RSS: {rss / 1024:.0f} MiB")
PY
