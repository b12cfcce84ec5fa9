#!/usr/bin/env bash
# Ingest benchmark (issue 6): a 1,000,000-row CSV feed posted over HTTP until committed, against
# `psql \copy` of the same rows into a table of the same shape (same keys and foreign keys) on the same
# server in the same run. Target: >= 0.5x the \copy rate. Also reports the service's peak RSS.
# Usage: bash bench/ingest.sh [rows]     (needs Debian's postgresql binaries, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
DATA=target/bench-data
source bench/lib.sh

build
[ -f "$DATA/ingest-$ROWS.csv" ] || java -cp target/bench-classes io.zonewatch.bench.NationalData "$DATA" --no-years --rows "$ROWS"
start_postgres ingest "-c max_wal_size=4GB"
start_service ZONEWATCH_ALERT_SWEEP_S=${ZONEWATCH_BENCH_SWEEP_S:-0}
curl -sf -X POST "http://127.0.0.1:$http/api/v1/platforms" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: text/csv' --data-binary @"$DATA/platforms.csv" >/dev/null
psql -c "CHECKPOINT"

t0=$(date +%s.%N)
code=$(curl -s -o "$work/feed.json" -w '%{http_code}' -X POST "http://127.0.0.1:$http/api/v1/feeds" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$DATA/ingest-$ROWS.csv")
t1=$(date +%s.%N)
[ "$code" = 201 ] || { echo "feed answered $code: $(head -c 300 "$work/feed.json")"; exit 1; }
rss=$(awk '/VmHWM/ {print $2}' /proc/$svc/status)
feed_id=$(python3 -c "import json,sys; print(json.load(open('$work/feed.json'))['feedId'])")
if [ "${ZONEWATCH_BENCH_SWEEP_S:-0}" != 0 ]; then
    # The warnings of the whole feed, evaluated by the service after the commit.
    for _ in $(seq 1 600); do
        done_at=$(psql -c "SELECT extract(epoch FROM alerts_evaluated_at - received_at) FROM feed WHERE id = $feed_id")
        [ -n "$done_at" ] && break
        sleep 1
    done
    health=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$http/health")
    echo "warning evaluation of the feed finished ${done_at:-NOT} s after it was received; /health answered in ${health} s;" \
         "warnings: $(psql -c 'SELECT count(*) FROM alert'); peak RSS now $(( $(awk '/VmHWM/ {print $2}' /proc/$svc/status) / 1024 )) MiB"
fi

# Baseline: the same rows, already in the table's column layout, copied into a table with the same
# columns, checks, indexes and foreign keys as observation_current.
psql -c "CREATE TABLE bench_copy (LIKE observation_current INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
         ALTER TABLE bench_copy ADD FOREIGN KEY (platform_code) REFERENCES platform (code),
                                ADD FOREIGN KEY (indicator_code) REFERENCES indicator (code);
         CHECKPOINT"
sed "s/\t1\t2026-01-01/\t$feed_id\t2026-01-01/" "$DATA/ingest-$ROWS.copy" | sed "s/\tA\t1\t/\tA\t$feed_id\t/" > "$work/copy.tsv"
t2=$(date +%s.%N)
psql -c "\\copy bench_copy FROM '$work/copy.tsv'"
t3=$(date +%s.%N)

python3 - "$ROWS" "$t0" "$t1" "$t2" "$t3" "$rss" <<'PY'
import sys
rows, t0, t1, t2, t3, rss = int(sys.argv[1]), *map(float, sys.argv[2:6]), int(sys.argv[6])
svc, copy = t1 - t0, t3 - t2
print(f"ingest benchmark: {rows:,} rows")
print(f"  service  POST /api/v1/feeds until 201: {svc:7.2f} s  {rows / svc:10,.0f} rows/s")
print(f"  baseline psql \\copy, same rows:        {copy:7.2f} s  {rows / copy:10,.0f} rows/s")
print(f"  ratio service/baseline: {copy / svc:.2f}x   (target >= 0.5x: {'met' if copy / svc >= 0.5 else 'NOT met'})")
print(f"  service peak RSS: {rss / 1024:.0f} MiB   (target < 512 MiB: {'met' if rss < 512 * 1024 else 'NOT met'})")
PY
