#!/bin/sh
# Entrypoint of the ZoneWatch image. The service reads its Grafana token from the environment
# variable ZONEWATCH_GRAFANA_TOKEN only; in docker-compose.yml the token is created at start-up by
# deploy/grafana-init.sh and handed over as a file. When GRAFANA_TOKEN_FILE names that file and
# ZONEWATCH_GRAFANA_TOKEN is not set explicitly, export the file's content, then exec the command
# (java ...), so that java runs as PID 1 and receives SIGTERM itself.
set -eu

if [ -z "${ZONEWATCH_GRAFANA_TOKEN:-}" ] && [ -n "${GRAFANA_TOKEN_FILE:-}" ]; then
    if [ -r "$GRAFANA_TOKEN_FILE" ] && [ -s "$GRAFANA_TOKEN_FILE" ]; then
        ZONEWATCH_GRAFANA_TOKEN=$(cat "$GRAFANA_TOKEN_FILE")
        export ZONEWATCH_GRAFANA_TOKEN
    else
        echo "zonewatch-entrypoint: $GRAFANA_TOKEN_FILE is missing, empty or unreadable:" \
             "warnings are not pushed to Grafana (they wait in the outbox)" >&2
    fi
fi
unset GRAFANA_TOKEN_FILE

exec "$@"
