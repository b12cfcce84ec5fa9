#!/usr/bin/env bash
# Dashboard benchmark (issue 6): every SQL query of the Grafana provisioning (variable queries, panels,
# SQL alert rules), expanded as Grafana expands it for each dashboard's default time range and the
# variables' default values (and a variable's first value too where the default is another one), run
# as the read-only role zonewatch_reader on the national data set. Target: every query < 200 ms.
#
# The data set: NationalData's 10,000 platforms and N years (default 20: 2006–2025, 480,000 rows a year)
# with annual targets, loaded through the API as the bureau would: the platforms, every year's targets,
# then a year at a time the feed and the year-end runs of both default schemes (computed and published),
# waiting each time until the service has evaluated their warnings (ZONEWATCH_ALERT_SWEEP_S) and
# refreshed the dashboards' summaries.
#
# Loading 20 years takes about an hour (bench/RESULTS.md), so the loaded PostgreSQL data directory is
# kept under target/bench-dash/ and reused by later runs as long as the data set is unchanged: the same
# number of years and the same generator, migrations (sql/), reporting code
# (src/main/java/io/zonewatch/reporting) and load steps (this script), recorded in a stamp file beside
# it. --fresh reloads regardless (do so after changing how the service ingests, ranks or evaluates).
#
# Usage: bash bench/dashboards.sh [--years N] [--runs N] [--fresh]
#   (needs Debian's postgresql binaries and curl; the service runs with ZONEWATCH_BENCH_JAVA_OPTS,
#    default -Xmx360m -XX:+UseSerialGC). The queries that miss the target get an EXPLAIN (ANALYZE, BUFFERS)
#   in the run's directory; ZONEWATCH_BENCH_EXPLAIN=all explains every query. ZONEWATCH_BENCH_NOW fixes
#   "now" (an ISO instant) for the dashboards' relative time ranges.
#   Do not rebuild target/zonewatch.jar while it runs: the running service loads classes from it.
set -euo pipefail
cd "$(dirname "$0")/.."
YEARS=20
RUNS=5
FRESH=0
while [ $# -gt 0 ]; do
    case $1 in
        --years) YEARS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --fresh) FRESH=1; shift ;;
        *) echo "usage: bash bench/dashboards.sh [--years N] [--runs N] [--fresh]" >&2; exit 2 ;;
    esac
done
BASE=target/bench-dash
DATA=$BASE/national-$YEARS
KEEP=$(pwd)/$BASE/pgdata-$YEARS
OUT=$BASE/run-$(date +%Y%m%d-%H%M%S)
SCHEMES="mu_benefit zone_development"
if [ -n "${ZONEWATCH_BENCH_DB_URL:-}" ]; then
    echo "dashboards.sh keeps a loaded server of its own under target/ (20 years take an hour to load); ZONEWATCH_BENCH_DB_URL is not supported here" >&2
    exit 2
fi
source bench/lib.sh
T0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - T0 )) s"; }

build
mkdir -p "$BASE" "$OUT"
if [ ! -f "$DATA/feeds/2025.csv" ]; then
    java -cp target/bench-classes io.zonewatch.bench.NationalData "$DATA" --years "$YEARS" --targets
elif [ ! -d "$DATA/targets" ]; then
    java -cp target/bench-classes io.zonewatch.bench.NationalData "$DATA" --years "$YEARS" --no-years --targets
fi
echo "[$(elapsed)] built; data set under $DATA"

stamp=$( (echo "years=$YEARS"; cat bench/src/io/zonewatch/bench/NationalData.java sql/*.sql;
          find src/main/java/io/zonewatch/reporting -name '*.java' 2>/dev/null | sort | xargs -r cat;
          sed -n '/^# --- load ---/,/^# --- end of load ---/p' "$0") | sha256sum | cut -c1-16)

# The kept server: its data directory stays under target/, $work holds the socket, logs and results.
start_kept_postgres() {
    work=$(mktemp -d /tmp/zonewatch-dashboards.XXXXXX)
    chown postgres "$work" 2>/dev/null || true
    port=$(free_port)
    ln -s "$KEEP" "$work/data"
    as_pg "$pg_bin/pg_ctl" -D "$KEEP" -l "$work/pg.log" -w -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_wal_size=4GB" start >/dev/null
    trap cleanup EXIT
}

stop_all() {
    if [ -n "$svc" ]; then kill "$svc" 2>/dev/null && wait "$svc" 2>/dev/null || true; svc=""; fi
    as_pg "$pg_bin/pg_ctl" -D "$KEEP" -m fast -w stop >/dev/null
}

# Work the service still does after the last answer: warning evaluation of feeds and published runs,
# and the dashboards' per-quarter summaries (io.zonewatch.reporting.ReportingWorker).
pending() {
    local summaries=0   # a schema before V8 has no summaries
    [ "$(psql -c "SELECT to_regclass('summaries.refreshed_feed') IS NOT NULL")" = t ] && summaries="(SELECT count(*) FROM feed f
        WHERE f.status <> 'rejected' AND NOT EXISTS (SELECT 1 FROM summaries.refreshed_feed r WHERE r.feed_id = f.id))"
    psql -c "SELECT (SELECT count(*) FROM feed WHERE status <> 'rejected' AND alerts_evaluated_at IS NULL)
                  + (SELECT count(*) FROM ranking_run WHERE published_at IS NOT NULL AND alerts_evaluated_at IS NULL) + $summaries"
}

if [ "$FRESH" = 1 ] || [ "$(cat "$KEEP.stamp" 2>/dev/null)" != "$stamp" ]; then
# --- load ---
    echo "[$(elapsed)] loading $YEARS years into a new server at $KEEP (data set or code changed, or --fresh)"
    rm -rf "$KEEP" "$KEEP.stamp" "$KEEP.load"
    mkdir -p "$KEEP" && chown postgres "$KEEP" 2>/dev/null || true
    as_pg "$pg_bin/initdb" -D "$KEEP" -U postgres -A trust >/dev/null
    start_kept_postgres
    start_service ZONEWATCH_ALERT_SWEEP_S=60
    api -X POST "http://127.0.0.1:$http/api/v1/platforms" -H 'Content-Type: text/csv' --data-binary @"$DATA/platforms.csv" >/dev/null
    # The annual targets first: with no values stored yet their 序时进度 evaluation has nothing to do, and
    # each feed's evaluation then finds its targets (targets posted between feeds wait for the previous
    # feed's evaluation and re-evaluate the whole year: minutes each).
    for f in $(ls "$DATA"/targets/*.csv 2>/dev/null | sort); do
        api -X POST "http://127.0.0.1:$http/api/v1/targets" -H 'Content-Type: text/csv' --data-binary @"$f" >/dev/null
    done
    echo "[$(elapsed)] platforms and targets stored"
    # A year at a time, as the bureau would: the feed, the year-end runs, then the service's evaluation of
    # them. (Posting every year at once makes one evaluation round of many feeds, whose cost grows much
    # faster than the number of feeds: see bench/RESULTS.md.)
    for f in $(ls "$DATA"/feeds/*.csv | sort); do
        y=$(basename "$f" .csv)
        ty=$(date +%s)
        api -X POST "http://127.0.0.1:$http/api/v1/feeds" -H 'Content-Type: text/csv' --data-binary @"$f" >/dev/null
        tf=$(date +%s)
        for scheme in $SCHEMES; do
            run=$(api -X POST "http://127.0.0.1:$http/api/v1/rankings/$y/runs?scheme=$scheme" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runId"])')
            api -X POST "http://127.0.0.1:$http/api/v1/rankings/$y/runs/$run/publish" >/dev/null
        done
        tr=$(date +%s)
        for _ in $(seq 1 3600); do [ "$(pending)" = 0 ] && break; sleep 2; done
        [ "$(pending)" = 0 ] || { echo "evaluation did not finish" >&2; tail -20 "$work/service.log" >&2; exit 1; }
        echo "[$(elapsed)] $y: feed $((tf - ty)) s, two year-end runs computed and published $((tr - tf)) s," \
             "evaluated and summarised $(( $(date +%s) - tr )) s later; $(psql -c "SELECT count(*) FROM alert") warnings"
    done
    load_rss=$(awk '/VmHWM/ {print $2}' /proc/$svc/status)
    psql -c "VACUUM ANALYZE"
    echo "[$(elapsed)] loaded and evaluated: $(psql -c "SELECT count(*) FROM observation_current") current values, \
$(psql -c "SELECT count(*) FROM alert") warnings, $(psql -c "SELECT count(*) FROM ranking_run") runs; service peak RSS $((load_rss / 1024)) MiB"
    stop_all
    echo "load_seconds=$(( $(date +%s) - T0 )) load_rss_kib=$load_rss loaded_at=$(date -u +%FT%TZ)" > "$KEEP.load"
    echo "$stamp" > "$KEEP.stamp"
# --- end of load ---
else
    echo "[$(elapsed)] reusing the loaded server at $KEEP ($(cat "$KEEP.load"))"
fi

# Measurement: a restarted server (empty shared buffers; the OS page cache is not dropped) and the
# service running beside it, idle.
start_kept_postgres
start_service
echo "[$(elapsed)] server and service started; measuring"
java -cp target/bench-classes:target/test-classes:target/zonewatch.jar io.zonewatch.bench.DashboardBenchmark \
    "jdbc:postgresql://127.0.0.1:$port/postgres" postgres "$RUNS" "$OUT" "${ZONEWATCH_BENCH_NOW:-$(date -u +%FT%TZ)}" \
    | tee "$OUT/report.txt"
rss=$(awk '/VmHWM/ {print $2}' /proc/$svc/status)
. "$KEEP.load"
echo "service peak RSS: while loading $((load_rss_kib / 1024)) MiB (loaded $loaded_at in $load_seconds s), during the measurement $((rss / 1024)) MiB (target < 512 MiB)"
echo "PostgreSQL: $("$pg_bin/postgres" --version), shared_buffers $(psql -c 'SHOW shared_buffers'), work_mem $(psql -c 'SHOW work_mem'), jit $(psql -c 'SHOW jit')"
echo "total wall time $(elapsed); results and EXPLAIN (ANALYZE, BUFFERS) of the queries that missed the target under $OUT"
