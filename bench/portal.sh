#!/usr/bin/env bash
# Contractor portal over loopback: order-list requests per second with ORDERS open orders and
# CONTRACTORS contractors polling their own lists on keep-alive connections, side by side with
# the same load on GET /health of the same server (transport only: no session, no database), and
# the delay from an order change to its event on the contractor's stream with every contractor
# subscribed.
#
# usage: bench/portal.sh YKM BENCH_PORTAL_LOAD
# environment: ORDERS (2000), CONTRACTORS (500), RUN_SECONDS (10), WORKERS (2), BENCH_DIR
set -euo pipefail
ykm=$(realpath "$1")
load=$(realpath "$2")
orders=${ORDERS:-2000}
contractors=${CONTRACTORS:-500}
run_seconds=${RUN_SECONDS:-10}
workers=${WORKERS:-2}
dir=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$dir"
server_pid=
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; true' EXIT

town=$dir/portal-town.ykm
rm -f "$town" "$town-wal" "$town-shm"
"$ykm" demo-town -o "$town" --size small >/dev/null
"$load" setup "$town" --orders "$orders" --contractors "$contractors" --cookies "$dir/cookies"

log=$dir/serve.log
"$ykm" serve "$town" --listen 127.0.0.1:0 --nmea off --no-tracking --portal 127.0.0.1:0 \
    --portal-workers "$workers" 2>"$log" &
server_pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's|^portal: listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$log")
    [[ -n $port ]] && break
    sleep 0.1
done
[[ -n $port ]] || { echo "the portal did not start: $(cat "$log")" >&2; exit 1; }

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }

echo "ykm serve --portal-workers $workers; $orders issued orders of 20 roads over $contractors contractors"
echo "($((orders / contractors)) each); $run_seconds s per run after 1 s of warm-up, one client thread"
echo
echo "| connections | GET /api/orders?open=1 req/s | p50 / p99 ms | GET /health req/s | p50 / p99 ms | orders / health |"
echo "|---|---|---|---|---|---|"
for connections in 50 "$contractors"; do
    a=$("$load" poll --port "$port" --cookies "$dir/cookies" --connections "$connections" \
        --seconds "$run_seconds" --target "/api/orders?open=1")
    b=$("$load" poll --port "$port" --cookies "$dir/cookies" --connections "$connections" \
        --seconds "$run_seconds" --target /health)
    ra=$(field requests_per_s "$a"); rb=$(field requests_per_s "$b")
    printf '| %s | %s | %s / %s | %s | %s / %s | %s |\n' "$connections" "$ra" \
        "$(field p50_ms "$a")" "$(field p99_ms "$a")" "$rb" "$(field p50_ms "$b")" \
        "$(field p99_ms "$b")" "$(awk -v a="$ra" -v b="$rb" 'BEGIN { printf "%.2f", a / b }')"
    for r in "$a" "$b"; do
        [[ $(field errors "$r") == 0 ]] || echo "errors: $r" >&2
    done
done
echo
echo "Staff list of all $orders orders (4 connections):"
"$load" poll --port "$port" --cookies <(tail -1 "$dir/cookies"; tail -1 "$dir/cookies") \
    --connections 4 --seconds "$run_seconds" --target "/api/orders?open=1" 2>&1 || true
echo
echo "Event delivery with $contractors contractors subscribed (100 acknowledgements, one per 100 ms):"
"$load" subscribe --port "$port" --cookies "$dir/cookies" --streams "$contractors" \
    --project "$town" --changes 100
