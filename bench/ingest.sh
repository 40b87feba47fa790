#!/usr/bin/env bash
# GPS ingestion: fixes per second that `ykm serve` makes durable (HTTP 200 after the group commit)
# under N concurrent keep-alive devices, side by side with the same load against a reference
# server on the same Boost.Beast stack that answers 200 without parsing or storing anything
# (bench_ingest_load --echo-server). The ratio is what validation and durability cost.
#
# usage: bench/ingest.sh YKM BENCH_INGEST_LOAD [CONNECTIONS...]     (default 100 500 2000)
# environment: RUN_SECONDS (10), DEVICES (2000 registered), THREADS (server network threads, 1),
#              BENCH_DIR (a temporary folder)
set -euo pipefail
ykm=$(realpath "$1")
load=$(realpath "$2")
shift 2
connections=("$@")
[[ ${#connections[@]} -gt 0 ]] || connections=(100 500 2000)
run_seconds=${RUN_SECONDS:-10}
devices=${DEVICES:-2000}
threads=${THREADS:-1}
dir=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$dir"
server_pid=
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; true' EXIT

town=$dir/ingest-town.ykm
rm -f "$town"
"$ykm" demo-town -o "$town" --size small >/dev/null
sqlite3 "$town" "
INSERT INTO contractors (code, name) VALUES ('BENCH', 'bench');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $devices)
INSERT INTO vehicles (code, machine_type, plow_width_m, contractor_id, device_id)
SELECT printf('B-%04d', i), 'plow_truck', 3.0, (SELECT id FROM contractors WHERE code = 'BENCH'),
       printf('bench-%04d', i) FROM n;"

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }

stored_fixes() {
    sqlite3 "$1" "SELECT (SELECT count(*) FROM fix_tail) + (SELECT coalesce(sum(fix_count), 0) FROM fix_blocks)"
}

# How long the disk takes to make a small write durable right now: every commit waits for one.
fsync_ms() {
    python3 - "$dir/fsync-probe" <<'EOF'
import os, statistics, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
times = []
for i in range(100):
    os.write(fd, b"x" * 4096)
    t = time.perf_counter()
    os.fsync(fd)
    times.append((time.perf_counter() - t) * 1000)
os.close(fd)
os.unlink(sys.argv[1])
print(f"{statistics.median(times):.2f}")
EOF
}

echo "ykm serve --threads $threads, $devices registered devices, $run_seconds s per run after 1 s of warm-up"
echo
echo "| connections | ykm serve: durable fixes/s | p50 / p99 ms | echo server: fixes/s | p50 / p99 ms | ykm / echo | fsync ms |"
echo "|---|---|---|---|---|---|---|"
for n in "${connections[@]}"; do
    # Every commit waits for the disk: its fsync time before the run, for the record.
    fsync=$(fsync_ms)
    # A fresh project for every run: the season log starts empty each time.
    project=$dir/ingest-run.ykm
    rm -f "$project" "$project-wal" "$project-shm"
    cp "$town" "$project"
    log=$dir/serve.log
    rm -f "$log" # the wait below must not see the last run's line
    "$ykm" serve "$project" --listen 127.0.0.1:0 --nmea off --portal off --threads "$threads" 2>"$log" &
    server_pid=$!
    for _ in $(seq 200); do grep -q "^listening" "$log" 2>/dev/null && break; sleep 0.05; done
    port=$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\) .*#\1#p' "$log")
    ykm_line=$("$load" --port "$port" --connections "$n" --seconds "$run_seconds" --devices "$devices")
    kill -TERM "$server_pid"
    wait "$server_pid" || true
    server_pid=
    ok=$(field ok "$ykm_line")
    stored=$(stored_fixes "$project")
    if ((stored < ok)); then
        echo "error: $ok fixes were acknowledged but only $stored are stored" >&2
        exit 1
    fi
    other=$(field other "$ykm_line")
    errors=$(field errors "$ykm_line")
    if ((other + errors > 0)); then
        echo "warning: $other non-200 answers and $errors errors with $n connections" >&2
    fi

    rm -f "$dir/echo.txt"
    "$load" --echo-server >"$dir/echo.txt" &
    server_pid=$!
    for _ in $(seq 200); do [[ -s $dir/echo.txt ]] && break; sleep 0.05; done
    port=$(awk '{print $3}' "$dir/echo.txt")
    echo_line=$("$load" --port "$port" --connections "$n" --seconds "$run_seconds" --devices "$devices")
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=

    ykm_rate=$(field fixes_per_s "$ykm_line")
    echo_rate=$(field fixes_per_s "$echo_line")
    printf '| %s | %s | %s / %s | %s | %s / %s | %.2f | %s |\n' "$n" "$ykm_rate" \
        "$(field p50_ms "$ykm_line")" "$(field p99_ms "$ykm_line")" "$echo_rate" \
        "$(field p50_ms "$echo_line")" "$(field p99_ms "$echo_line")" \
        "$(awk -v a="$ykm_rate" -v b="$echo_rate" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$fsync"
done
