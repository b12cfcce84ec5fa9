#!/bin/sh
# One-shot step of docker-compose.yml (service "grafana-init"): makes sure ZoneWatch has a Grafana
# service-account token with which it may write annotations, and leaves it in $TOKEN_FILE on a
# volume the zonewatch container reads (deploy/zonewatch-entrypoint.sh exports it as
# ZONEWATCH_GRAFANA_TOKEN).
#
# Grafana HTTP API (basic auth with the admin account from .env):
#   GET  /api/serviceaccounts/search?query=zonewatch   find the service account
#   POST /api/serviceaccounts {"name","role":"Editor"}  create it (Editor may create annotations)
#   GET  /api/serviceaccounts/:id/tokens                its tokens (the lost ones are deleted)
#   POST /api/serviceaccounts/:id/tokens {"name"}       a new token; the answer's "key" is the secret
#
# Idempotent: a token file whose token Grafana still accepts is kept, so a second
# `docker compose up` changes nothing. To rotate the token: delete it in Grafana (service account
# zonewatch), then `docker compose up -d --force-recreate grafana-init zonewatch`.
# Runs in curlimages/curl (busybox sh, sed, tr; no jq): the JSON answers are small and flat enough
# for sed.
set -eu

GRAFANA_URL=${GRAFANA_URL:-http://grafana:3000}
GRAFANA_ADMIN_USER=${GRAFANA_ADMIN_USER:-admin}
: "${GRAFANA_ADMIN_PASSWORD:?GRAFANA_ADMIN_PASSWORD must be set}"
TOKEN_FILE=${TOKEN_FILE:-/run/zonewatch/grafana-token}
TOKEN_OWNER=${TOKEN_OWNER:-10001:10001}
SA_NAME=${SA_NAME:-zonewatch}
SA_ROLE=${SA_ROLE:-Editor}

log() { echo "grafana-init: $*" >&2; }

BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT

# api METHOD PATH [JSON]: the answer's body lands in $BODY, the HTTP status is printed.
api() {
    if [ $# -ge 3 ]; then
        curl -sS -o "$BODY" -w '%{http_code}' -X "$1" -u "$GRAFANA_ADMIN_USER:$GRAFANA_ADMIN_PASSWORD" \
            -H 'Content-Type: application/json' -H 'Accept: application/json' --data "$3" "$GRAFANA_URL$2"
    else
        curl -sS -o "$BODY" -w '%{http_code}' -X "$1" -u "$GRAFANA_ADMIN_USER:$GRAFANA_ADMIN_PASSWORD" \
            -H 'Accept: application/json' "$GRAFANA_URL$2"
    fi
}

fail() {
    log "$1 (HTTP $2): $(head -c 500 "$BODY")"
    exit 1
}

# Grafana is healthy before this runs (depends_on), but give it a minute anyway.
tries=0
until curl -fsS -o /dev/null "$GRAFANA_URL/api/health"; do
    tries=$((tries + 1))
    [ "$tries" -lt 30 ] || { log "Grafana at $GRAFANA_URL does not answer"; exit 1; }
    sleep 2
done

# A token from an earlier start that still works is kept.
if [ -s "$TOKEN_FILE" ]; then
    status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$TOKEN_FILE")" \
        "$GRAFANA_URL/api/annotations?limit=1" || true)
    if [ "$status" = 200 ]; then
        log "the token in $TOKEN_FILE is valid; nothing to do"
        exit 0
    fi
    log "the token in $TOKEN_FILE is refused (HTTP $status): creating a new one"
fi

# The admin password from .env is only applied by Grafana on its very first start.
status=$(api GET /api/org)
[ "$status" = 200 ] || fail "cannot log in to Grafana as $GRAFANA_ADMIN_USER: GRAFANA_ADMIN_PASSWORD in .env must be the current admin password" "$status"

# The id of the service account named exactly $SA_NAME: split the answer into objects and keep
# the one whose "name" matches.
account_id() {
    tr '{' '\n' < "$BODY" | grep "\"name\":\"$SA_NAME\"" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p' | head -n 1
}

status=$(api GET "/api/serviceaccounts/search?perpage=100&query=$SA_NAME")
[ "$status" = 200 ] || fail "service account search failed" "$status"
id=$(account_id)
if [ -z "$id" ]; then
    status=$(api POST /api/serviceaccounts "{\"name\":\"$SA_NAME\",\"role\":\"$SA_ROLE\",\"isDisabled\":false}")
    case "$status" in 200|201) ;; *) fail "cannot create the service account $SA_NAME" "$status" ;; esac
    id=$(account_id)
    [ -n "$id" ] || fail "no id in the answer to the service account creation" "$status"
    log "created service account $SA_NAME (id $id, role $SA_ROLE)"
fi

# Tokens of earlier starts whose secret is lost can never be used again: delete them.
status=$(api GET "/api/serviceaccounts/$id/tokens")
if [ "$status" = 200 ]; then
    for token_id in $(tr '{' '\n' < "$BODY" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p'); do
        api DELETE "/api/serviceaccounts/$id/tokens/$token_id" >/dev/null || true
    done
fi

name="$SA_NAME-$(date -u +%Y%m%dT%H%M%SZ)"
status=$(api POST "/api/serviceaccounts/$id/tokens" "{\"name\":\"$name\"}")
case "$status" in 200|201) ;; *) fail "cannot create a token for service account $id" "$status" ;; esac
key=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' "$BODY")
[ -n "$key" ] || { log "no key in the token answer"; exit 1; }

# Written atomically, readable only by the zonewatch user of the service image.
mkdir -p "$(dirname "$TOKEN_FILE")"
umask 077
printf '%s' "$key" > "$TOKEN_FILE.tmp"
chown "$TOKEN_OWNER" "$TOKEN_FILE.tmp"
chmod 0400 "$TOKEN_FILE.tmp"
mv -f "$TOKEN_FILE.tmp" "$TOKEN_FILE"
log "token $name written to $TOKEN_FILE (owner $TOKEN_OWNER)"
