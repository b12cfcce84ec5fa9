# Shared set-up of the benchmarks (sourced): build, a throw-away PostgreSQL server of Debian's
# packages, the service started against it, and clean-up on exit. Sets: pg_bin, work, port, http,
# svc, TOKEN; defines as_pg, psql, start_postgres, start_service.
#
# ZONEWATCH_BENCH_DB_URL=postgresql://USER@HOST:PORT/DB (a role that may create databases, e.g. a
# TimescaleDB server's superuser) runs a benchmark against that server instead: each run gets a
# database of its own there (dropped at the end), and the server's own settings apply (the options a
# script gives its throw-away server are not applied; the script says so).
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
TOKEN=zw_bench_admin_token_0123456789abcdefghij
# The container's memory profile (Dockerfile: heap half of docker-compose.yml's 640 MiB limit, with
# MALLOC_ARENA_MAX=2), unless ZONEWATCH_BENCH_JAVA_OPTS says otherwise.
JAVA_MEMORY_PROFILE="-Xmx320m -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -XX:TrimNativeHeapInterval=5000"
svc=""

build() {
    mvn -B -q -ntp package -DskipTests
    mkdir -p target/bench-classes
    javac -d target/bench-classes $(find bench/src -name '*.java') -cp target/classes
}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
db_host=127.0.0.1
db_user=postgres
db_name=postgres
external_db=""
psql() { command psql -h "$db_host" -p "$port" -U "$db_user" -d "$db_name" -v ON_ERROR_STOP=1 -qAt "$@"; }

# start_postgres NAME [extra server options]
start_postgres() {
    work=$(mktemp -d "/tmp/zonewatch-$1.XXXXXX")
    chown postgres "$work" 2>/dev/null || true
    if [ -n "${ZONEWATCH_BENCH_DB_URL:-}" ]; then
        read -r db_host port db_user admin_db < <(python3 -c 'import sys, urllib.parse as u
p = u.urlparse(sys.argv[1]); print(p.hostname or "127.0.0.1", p.port or 5432, p.username or "postgres", p.path.lstrip("/") or "postgres")'             "$ZONEWATCH_BENCH_DB_URL")
        external_db="zonewatch_bench_$1_$$"
        command psql -h "$db_host" -p "$port" -U "$db_user" -d "$admin_db" -v ON_ERROR_STOP=1 -qAt -c "CREATE DATABASE $external_db" >/dev/null
        db_name=$external_db
        echo "database: $external_db on $db_host:$port ($(psql -c "SELECT split_part(version(), ' on ', 1)");"              "timescaledb $(psql -c "SELECT coalesce((SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'), 'not installed')"))"
        [ -n "${2:-}" ] && echo "note: the server's own settings apply; not applied here: ${2}"
        trap cleanup EXIT
        return 0
    fi
    port=$(free_port)
    as_pg "$pg_bin/initdb" -D "$work/data" -U postgres -A trust >/dev/null
    as_pg "$pg_bin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w -o "-p $port -k $work -c listen_addresses=127.0.0.1 ${2:-}" start >/dev/null
    trap cleanup EXIT
}

cleanup() {
    [ -n "$svc" ] && kill "$svc" 2>/dev/null && wait "$svc" 2>/dev/null || true
    if [ -n "$external_db" ]; then
        command psql -h "$db_host" -p "$port" -U "$db_user" -d "$admin_db" -qAt -c "DROP DATABASE IF EXISTS $external_db WITH (FORCE)" >/dev/null 2>&1 || true
        return 0
    fi
    as_pg "$pg_bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
}

# start_service [ENV=VALUE ...]: the jar against the benchmark's server, ready when this returns.
# In a session of its own, as pg_ctl starts PostgreSQL: with the kernel's autogroup scheduling
# (sched_autogroup_enabled=1 here) each session shares CPU fairly with the others, so a service left
# in this script's session shared one share with wrk while PostgreSQL had its own, and PostgreSQL was
# held to about one core in the service's runs but not in pgbench's (bench/RESULTS.md, Reads). Each
# in its own session matches a deployment: service and database in containers of their own, the load
# generator (wrk, pgbench, psql, curl: this script's session) outside both.
start_service() {
    http=$(free_port)
    env ZONEWATCH_DB_URL="postgresql://$db_user@$db_host:$port/$db_name" ZONEWATCH_HTTP_PORT="$http" \
        ZONEWATCH_ADMIN_TOKEN="$TOKEN" ZONEWATCH_MAX_FEED_BYTES=$((256 << 20)) ZONEWATCH_RANKING_SCHEDULE_S=0 \
        ZONEWATCH_ALERT_SWEEP_S=0 "$@" \
        MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} setsid java ${ZONEWATCH_BENCH_JAVA_OPTS:-$JAVA_MEMORY_PROFILE} -jar target/zonewatch.jar > "$work/service.log" 2>&1 &
    svc=$!
    for _ in $(seq 1 120); do curl -sf -m 2 "http://127.0.0.1:$http/ready" >/dev/null && return 0; sleep 0.5; done
    echo "the service did not become ready:" >&2
    tail -20 "$work/service.log" >&2
    return 1
}

# api ARGS...: an authenticated curl that fails loudly (status and body) on anything but 2xx.
api() {
    local out; out=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" "$@")
    local code=${out##*$'\n'}
    [[ "$code" == 2* ]] || { echo "request failed ($code): ${out:0:500}" >&2; tail -20 "$work/service.log" >&2; exit 1; }
    printf '%s' "${out%$'\n'*}"
}
