#!/usr/bin/env bash
# Start the four processes of the Procfile, wait for their health checks, print the URLs.
# Ctrl-C stops them all. Logs go to var/log/<process>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

export BOOKING_PORT="${BOOKING_PORT:-8000}" CHANNELS_PORT="${CHANNELS_PORT:-8080}"
export RASA_PORT="${RASA_PORT:-5005}" ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}" RASA_TELEMETRY_ENABLED=false
mkdir -p var/log
pids=()
cleanup() { trap - EXIT INT TERM; for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null || true; done; wait 2>/dev/null; }
trap cleanup EXIT INT TERM

while IFS= read -r line; do
    [[ "$line" =~ ^([a-z]+):[[:space:]]*(.*)$ ]] || continue
    name="${BASH_REMATCH[1]}" command="${BASH_REMATCH[2]}"
    setsid bash -c "$command" > "var/log/$name.log" 2>&1 &
    pids+=("$!")
done < Procfile

wait_for() {  # name url seconds
    local deadline=$((SECONDS + $3))
    until curl -fsS -o /dev/null "$2" 2>/dev/null; do
        if (( SECONDS > deadline )); then echo "error: $1 did not become healthy; see var/log/$1.log" >&2; tail -20 "var/log/$1.log" >&2; exit 1; fi
        sleep 1
    done
    printf '  %-9s ok\n' "$1"
}
echo "==> waiting for the health checks"
wait_for booking "http://127.0.0.1:$BOOKING_PORT/health" 60
wait_for actions "http://127.0.0.1:$ACTIONS_PORT/health" 120
wait_for channels "http://127.0.0.1:$CHANNELS_PORT/health" 60
wait_for rasa "http://127.0.0.1:$RASA_PORT/" 240

cat <<MSG

KIM Front Door is running (SQLite: ${BOOKING_DATABASE_URL:-var/booking.sqlite3}).
  Demo page with the chat: http://127.0.0.1:$CHANNELS_PORT/   (in Arabic: /?language=ar)
  Widget (one script tag): http://127.0.0.1:$CHANNELS_PORT/widget/kim-widget.js
  Booking API + OpenAPI:   http://127.0.0.1:$BOOKING_PORT/docs
  Rasa (internal):         http://127.0.0.1:$RASA_PORT   (token: RASA_AUTH_TOKEN)
  Action server (internal) http://127.0.0.1:$ACTIONS_PORT/health
  Logs:                    var/log/
Press Ctrl-C to stop.
MSG
setting() {  # a setting from the environment, else from .env (the channels process reads both)
    local value="${!1:-}"
    if [ -z "$value" ] && [ -f .env ]; then value="$(sed -n "s/^$1=//p" .env | tail -1)"; fi
    printf '%s' "$value"
}
if [ -n "$(setting TELEGRAM_BOT_TOKEN)" ]; then
    mode="$(setting TELEGRAM_MODE)"; mode="${mode:-webhook}"; url="$(setting TELEGRAM_WEBHOOK_URL)"
    for _ in $(seq 30); do grep -q "Telegram channel on" var/log/channels.log && break; sleep 1; done
    if ! grep -q "Telegram channel on" var/log/channels.log; then
        echo "Telegram: NOT running yet ($mode); see var/log/channels.log" >&2
    elif [ "$mode" = polling ]; then
        echo "Telegram: running (polling)."
    else
        echo "Telegram: running (webhook ${url:-not registered: set TELEGRAM_WEBHOOK_URL}; it posts to /telegram/webhook)."
    fi
else
    echo "Telegram: not started (TELEGRAM_BOT_TOKEN is not set)."
fi
wait -n "${pids[@]}"
echo "a process stopped; see var/log/" >&2
exit 1
