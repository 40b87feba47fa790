#!/usr/bin/env bash
# End-to-end tests of `ykm serve` and `ykm track`: a real server on loopback ports fed by curl,
# raw TCP and a Python client; a kill -9 in the middle of a load; logger files imported and
# exported.
# usage: serve_tests.sh YKM SHARED_DATA_DIR
set -uo pipefail
ykm=$1
work=$(mktemp -d)
server_pid=
cleanup() {
    [[ -n $server_pid ]] && kill -9 "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=tests/cli/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

town=$work/town.ykm
"$ykm" demo-town -o "$town" --size small >/dev/null || { fail "demo-town"; summary; exit 1; }
# Our own contractor and vehicles (the demo town may bring a fleet of its own).
sqlite3 "$town" "
INSERT INTO contractors (code, name) VALUES ('TST', 'テスト建設');
INSERT INTO vehicles (code, machine_type, plow_width_m, contractor_id, device_id)
SELECT code, 'plow_truck', 3.0, (SELECT id FROM contractors WHERE code = 'TST'), device
FROM (SELECT 'T-A' AS code, 'dev-A' AS device UNION ALL SELECT 'T-B', 'dev-B'
      UNION ALL SELECT 'T-C', 'dev-C' UNION ALL SELECT 'T-K1', 'kill-1'
      UNION ALL SELECT 'T-K2', 'kill-2' UNION ALL SELECT 'T-K3', 'kill-3'
      UNION ALL SELECT 'T-K4', 'kill-4');"

vehicle_id() { sqlite3 "$town" "SELECT id FROM vehicles WHERE code = '$1'"; }
# Fixes stored for a vehicle: tail rows plus sealed blocks.
fix_count() {
    local v
    v=$(vehicle_id "$1")
    sqlite3 "$town" "SELECT (SELECT count(*) FROM fix_tail WHERE vehicle_id = $v) +
                            (SELECT coalesce(sum(fix_count), 0) FROM fix_blocks WHERE vehicle_id = $v)"
}

# Inside the demo town (lon 140.655-140.683, lat 40.620-40.637).
lat=40.628
lon=140.668
now=$(date +%s)
t0=$((now - 7200))

start_server() {
    local log=$1
    rm -f "$log"
    "$ykm" serve "$town" --listen 127.0.0.1:0 --nmea 127.0.0.1:0 --portal off 2>"$log" &
    server_pid=$!
    for _ in $(seq 100); do
        grep -q '^listening on' "$log" && break
        sleep 0.05
    done
    http_port=$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\) .*#\1#p' "$log")
    nmea_port=$(sed -n 's#.*, tcp 127\.0\.0\.1:\([0-9]*\) (NMEA)#\1#p' "$log")
    url=http://127.0.0.1:$http_port
}

# code URL: prints the status code; the body goes to $work/body.
code() { curl -s -o "$work/body" -w '%{http_code}' "$@"; }
body_error() { jq -r .error <"$work/body" 2>/dev/null; }
body_message() { jq -r .message <"$work/body" 2>/dev/null; }

nmea() {
    local body=$1 sum=0 i c
    for ((i = 0; i < ${#body}; i++)); do
        printf -v c '%d' "'${body:i:1}"
        sum=$((sum ^ c))
    done
    printf '$%s*%02X' "$body" "$sum"
}

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# --- serve: the OsmAnd protocol -------------------------------------------------------------
log=$work/serve.log
start_server "$log"
if [[ -n $http_port && -n $nmea_port ]] && grep -Eq "^listening on http://127\.0\.0\.1:$http_port \(OsmAnd\), tcp 127\.0\.0\.1:$nmea_port \(NMEA\)$" "$log"; then
    pass "serve prints where it listens"
else
    fail "serve start: $(cat "$log")"
fi

status=$(code "$url/?id=dev-A&lat=$lat&lon=$lon&timestamp=$t0&speed=10&batt=80")
if [[ $status == 200 && ! -s $work/body && $(fix_count T-A) == 1 ]]; then
    pass "GET with a query: 200 and the fix is in the season log"
else
    fail "GET: $status, $(fix_count T-A) fixes"
fi

status=$(code -d "id=dev-A&lat=$lat&lon=$lon&timestamp=$((t0 + 1))" "$url/")
if [[ $status == 200 && $(fix_count T-A) == 2 ]]; then pass "POST form: 200, stored"; else fail "POST form: $status"; fi

json=$(printf '{"location":{"timestamp":"%s","coords":{"latitude":%s,"longitude":%s,"speed":3.5,"heading":90},"battery":{"level":0.5}},"device_id":"dev-A"}' "$(iso $((t0 + 2)))" "$lat" "$lon")
status=$(code -H 'Content-Type: application/json' -d "$json" "$url/")
if [[ $status == 200 && $(fix_count T-A) == 3 ]]; then pass "POST Traccar JSON: 200, stored"; else fail "POST JSON: $status $(cat "$work/body")"; fi

status=$(code "$url/?id=dev-A&lat=$lat&lon=$lon&timestamp=$t0")
if [[ $status == 200 && $(fix_count T-A) == 3 ]]; then pass "a resent fix: 200, stored once"; else fail "duplicate: $status, $(fix_count T-A)"; fi

status=$(code "$url/?id=nobody&lat=$lat&lon=$lon")
if [[ $status == 400 && $(body_error) == unknown_device && $(body_message) == "device 'nobody' is not registered" ]]; then
    pass "unknown device: 400 unknown_device"
else
    fail "unknown device: $status $(cat "$work/body")"
fi

status=$(code "$url/?id=dev-A&lon=$lon")
if [[ $status == 400 && $(body_error) == malformed && $(body_message) == "lat: missing" ]]; then
    pass "missing lat: 400 naming lat"
else
    fail "missing lat: $status $(cat "$work/body")"
fi

status=$(code "$url/?id=dev-A&lat=91.5&lon=$lon")
if [[ $status == 400 && $(body_message) == "lat: '91.5' is outside -90..90" ]]; then pass "lat 91.5: 400 naming the range"; else fail "lat 91.5: $status $(cat "$work/body")"; fi

status=$(code "$url/?id=dev-A&lat=0&lon=0")
if [[ $status == 400 && $(body_error) == null_island ]]; then pass "0,0: 400 null_island"; else fail "0,0: $status $(cat "$work/body")"; fi

status=$(code "$url/?id=dev-A&lat=35.68&lon=139.76")
if [[ $status == 400 && $(body_error) == outside_project && $(body_message) == *"km outside the project area" ]]; then
    pass "Tokyo: 400 outside_project with the distance"
else
    fail "outside: $status $(cat "$work/body")"
fi

status=$(code -X DELETE "$url/")
if [[ $status == 405 && $(body_error) == method_not_allowed ]]; then pass "DELETE: 405"; else fail "DELETE: $status"; fi

# --- serve: hostile input ---------------------------------------------------------------------
junk=$(
    exec 3<>"/dev/tcp/127.0.0.1/$http_port"
    printf '\x16\x03\x01\x00\xff\xfe garbage \x01\x02\r\n\r\n' >&3
    timeout 5 cat <&3
)
if [[ $junk == "HTTP/1.1 400"* && $junk == *'"error":"bad_request"'* ]]; then pass "binary junk: 400 bad_request"; else fail "junk: $junk"; fi

status=$(code -H "X-Junk: $(head -c 20000 /dev/zero | tr '\0' j)" "$url/?id=dev-A&lat=$lat&lon=$lon")
if [[ $status == 431 && $(body_error) == header_too_large ]]; then pass "20 KB header: 431"; else fail "huge header: $status"; fi

head -c 1000000 /dev/zero | tr '\0' a >"$work/big"
status=$(code --data-binary @"$work/big" "$url/")
if [[ $status == 413 && $(body_error) == body_too_large ]]; then pass "1 MB body: 413"; else fail "1 MB body: $status"; fi

# A client that sends half a request and goes away.
(
    exec 3<>"/dev/tcp/127.0.0.1/$http_port"
    printf 'GET /?id=dev-A&lat=40.6' >&3
)

for i in $(seq 15); do code "$url/?id=flood&lat=$lat&lon=$lon" >/dev/null; done

status=$(code "$url/health")
if [[ $status == 200 && $(jq -r .status <"$work/body") == ok && $(jq -r .accepted <"$work/body") == 3 ]]; then
    pass "the server still answers after all that"
else
    fail "health: $status $(cat "$work/body")"
fi
flood_lines=$(grep -c "device 'flood' is not registered" "$log")
if [[ $flood_lines == 10 ]]; then pass "rejections of one device are logged 10 times, not 15"; else fail "flood log lines: $flood_lines"; fi

# --- serve: NMEA over TCP ---------------------------------------------------------------------
hms=$(date -u -d "@$t0" +%H%M%S.00)
dmy=$(date -u -d "@$t0" +%d%m%y)
hms2=$(date -u -d "@$((t0 + 1))" +%H%M%S.00)
{
    printf '%s\r\n' "$(nmea "PYKM,dev-B")"
    printf '%s\r\n' "$(nmea "GPRMC,$hms,A,4037.6800,N,14040.0800,E,10.0,90.0,$dmy,,,A")"
    printf '%s\r\n' "$(nmea "GPGGA,$hms,4037.6800,N,14040.0800,E,1,08,1.2,15.5,M,30.1,M,,")"
    printf '%s\r\n' "$(nmea "GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00")"
    # A corrupt checksum (*00), on purpose.
    printf '%s*00\r\n' "\$GPRMC,$hms2,A,4037.6900,N,14040.0900,E,10.0,90.0,$dmy,,,A"
} >"$work/nmea.txt"
(
    exec 3<>"/dev/tcp/127.0.0.1/$nmea_port"
    cat "$work/nmea.txt" >&3
    exec 3>&-
)
for _ in $(seq 100); do
    [[ $(fix_count T-B) -ge 1 ]] && grep -q "bad checksum" "$log" && break
    sleep 0.05
done
if [[ $(fix_count T-B) == 1 ]]; then pass "NMEA over TCP: the RMC+GGA fix is stored"; else fail "NMEA: $(fix_count T-B) fixes"; fi
if grep -Eq "nmea 127\.0\.0\.1:[0-9]+ device dev-B: bad checksum: \*00 expected \*[0-9A-F]{2}$" "$log"; then
    pass "NMEA: a bad checksum is logged with the reason"
else
    fail "NMEA log: $(grep nmea "$log")"
fi

expect_error "serve: a port in use" 2 "cannot listen on 127\.0\.0\.1:$http_port" -- \
    "$ykm" serve "$town" --listen "127.0.0.1:$http_port" --nmea off --portal off

kill -TERM "$server_pid"
wait "$server_pid"
rc=$?
server_pid=
if [[ $rc == 0 ]] && grep -q '^stopped: ' "$log"; then pass "SIGTERM stops cleanly with exit 0"; else fail "SIGTERM: exit $rc"; fi

expect_error "serve: bad --listen" 2 "nowhere" -- "$ykm" serve "$town" --listen nowhere
expect_error "serve: missing project" 2 "none\.ykm" -- "$ykm" serve "$work/none.ykm" --listen 127.0.0.1:0

# --- serve: kill -9 loses no acknowledged fix -------------------------------------------------
log2=$work/serve2.log
start_server "$log2"
cat >"$work/client.py" <<'EOF'
# Devices on keep-alive connections, one request at a time; records every fix that got a 200.
import http.client, sys, threading
port, out, base = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
devices = ["kill-1", "kill-2", "kill-3", "kill-4"]
acked = {d: [] for d in devices}
def run(device):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(1_000_000):
        t = base + i * 250
        try:
            conn.request("GET", f"/?id={device}&lat={40.628 + (i % 50) * 1e-5:.6f}&lon=140.668&timestamp={t}")
            r = conn.getresponse()
            r.read()
        except Exception:
            return
        if r.status == 200:
            acked[device].append(t)
threads = [threading.Thread(target=run, args=(d,)) for d in devices]
for t in threads: t.start()
for t in threads: t.join()
with open(out, "w") as f:
    for d in devices:
        for t in acked[d]:
            f.write(f"{d} {t}\n")
EOF
python3 "$work/client.py" "$http_port" "$work/acked.txt" "$((t0 * 1000))" &
client_pid=$!
sleep 2
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null
server_pid=
wait "$client_pid"
acked=$(wc -l <"$work/acked.txt")
# Restarting recovers the WAL; the server must start and answer on the same file.
log3=$work/serve3.log
start_server "$log3"
status=$(code "$url/health")
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=
missing=0
for n in 1 2 3 4; do
    "$ykm" track export "$town" --vehicle "T-K$n" -o "$work/k$n.csv" >/dev/null
    # Compare exact times: every acknowledged one must be among the stored ones.
    missing=$((missing + $(python3 - "$work/k$n.csv" "$work/acked.txt" "kill-$n" <<'EOF'
import csv, datetime, sys
stored = set()
for row in csv.DictReader(open(sys.argv[1])):
    t = datetime.datetime.fromisoformat(row["time"].replace("Z", "+00:00"))
    stored.add(round(t.timestamp() * 1000))
acked = [int(line.split()[1]) for line in open(sys.argv[2]) if line.split()[0] == sys.argv[3]]
print(sum(1 for t in acked if t not in stored))
EOF
    )))
done
if [[ $acked -gt 100 && $missing == 0 && $status == 200 ]]; then
    pass "kill -9: all $acked acknowledged fixes are in the season log after a restart"
else
    fail "kill -9: $acked acknowledged, $missing missing, restart health $status"
fi

# --- track import -----------------------------------------------------------------------------
t1=$((t0 + 3600))
cat >"$work/unit.gpx" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><trkseg>
    <trkpt lat="40.6280" lon="140.6680"><time>$(iso "$t1")</time></trkpt>
    <trkpt lat="40.6282" lon="140.6680"><time>$(iso $((t1 + 10)))</time></trkpt>
    <trkpt lat="40.6281" lon="140.6680"><time>$(iso $((t1 + 5)))</time></trkpt>
    <trkpt lat="40.6280" lon="140.6680"><time>$(iso "$t1")</time></trkpt>
  </trkseg></trk>
</gpx>
EOF
out=$("$ykm" track import "$town" "$work/unit.gpx" --device dev-C)
if [[ ${out%%$'\n'*} == "$work/unit.gpx: 3 fixes stored, 1 duplicates, 0 rejected, 0 flagged as speed jumps" && $(fix_count T-C) == 3 ]]; then
    pass "track import GPX: out of order, with a duplicate"
else
    fail "import GPX: $out"
fi

hms_a=$(date -u -d "@$((t1 + 20))" +%H%M%S.00)
hms_b=$(date -u -d "@$((t1 + 21))" +%H%M%S.00)
hms_c=$(date -u -d "@$((t1 + 22))" +%H%M%S.00)
dmy1=$(date -u -d "@$t1" +%d%m%y)
{
    echo "dev-C"
    nmea "GPRMC,$hms_a,A,4037.6800,N,14040.0800,E,5.0,90.0,$dmy1,,,A"; echo
    nmea "GPGGA,$hms_a,4037.6800,N,14040.0800,E,1,08,1.2,15.5,M,30.1,M,,"; echo
    nmea "GPRMC,$hms_b,V,,,,,,,$dmy1,,,N"; echo
    nmea "GPRMC,$hms_c,A,4037.6810,N,14040.0800,E,5.0,90.0,$dmy1,,,A"; echo
} >"$work/unit.nmea"
out=$("$ykm" track import "$town" "$work/unit.nmea")
if [[ ${out%%$'\n'*} == "$work/unit.nmea: 2 fixes stored, 0 duplicates, 0 rejected, 0 flagged as speed jumps" && $(fix_count T-C) == 5 ]]; then
    pass "track import NMEA log: no-fix sentences skipped"
else
    fail "import NMEA: $out"
fi

# Late (older than what dev-A sent live), out of order, a duplicate, 0,0 and far away.
cat >"$work/late.csv" <<EOF
device_id,time,lat,lon,speed_kmh,work,note
dev-A,$(iso $((t0 - 600))),40.6281,140.6680,20,plow,late
dev-A,$(iso $((t0 - 900))),40.6280,140.6680,20,plow,"earlier, out of order"
dev-A,$(iso $((t0 - 600))),40.6281,140.6680,20,plow,duplicate
dev-A,$(iso $((t0 - 300))),0,0,,,null island
dev-A,$(iso $((t0 - 200))),35.68,139.76,,,Tokyo
dev-A,$(iso $((t0 - 100))),40.6282,140.6680,,,
EOF
out=$("$ykm" track import "$town" "$work/late.csv")
if [[ ${out%%$'\n'*} == "$work/late.csv: 3 fixes stored, 1 duplicates, 2 rejected (null_island 1, outside_project 1), 0 flagged as speed jumps" && $(fix_count T-A) == 6 ]]; then
    pass "track import CSV: late, out of order, duplicate, rejected counted by reason"
else
    fail "import CSV: $out ($(fix_count T-A) stored)"
fi
"$ykm" track export "$town" --vehicle T-A --to "$(iso "$t0")" -o "$work/a.csv" >/dev/null
flags=$(cut -d, -f12 "$work/a.csv" | tail -n +2 | tr '\n' ' ')
if [[ $(head -1 "$work/a.csv") == device_id,time,* && $flags == "6 6 6 " ]]; then
    pass "imported late fixes are flagged imported and late"
else
    fail "flags of imported fixes: '$flags'"
fi
out=$("$ykm" track import "$town" "$work/late.csv")
if [[ ${out%%$'\n'*} == "$work/late.csv: 0 fixes stored, 4 duplicates, 2 rejected (null_island 1, outside_project 1), 0 flagged as speed jumps" ]]; then
    pass "importing a file twice stores nothing new"
else
    fail "re-import: $out"
fi

"$ykm" track export "$town" --vehicle T-C -o "$work/c.gpx" >/dev/null
if [[ $(grep -c '<trkpt ' "$work/c.gpx") == 5 ]] && xmllint --noout "$work/c.gpx" 2>/dev/null; then
    pass "track export GPX: 5 track points, well-formed"
else
    fail "export GPX: $(grep -c '<trkpt ' "$work/c.gpx") points"
fi
out=$("$ykm" track import "$town" "$work/c.gpx" --device dev-C)
if [[ ${out%%$'\n'*} == "$work/c.gpx: 0 fixes stored, 5 duplicates, 0 rejected, 0 flagged as speed jumps" ]]; then
    pass "an exported GPX imports back as duplicates"
else
    fail "GPX round trip: $out"
fi

printf 'device,time,lat,lon\ndev-A,%s,40.628,140.668\ndev-A,%s,abc,140.668\n' "$(iso "$t0")" "$(iso "$t0")" >"$work/bad.csv"
expect_error "track import: a bad record names file and line" 2 "bad\.csv:3: lat: 'abc' is not a number" -- \
    "$ykm" track import "$town" "$work/bad.csv"
printf 'device,time,lat,lon\nghost,%s,40.628,140.668\n' "$(iso "$t0")" >"$work/ghost.csv"
expect_error "track import: an unknown device names file and device" 2 "ghost\.csv: device 'ghost' is not registered" -- \
    "$ykm" track import "$town" "$work/ghost.csv"
expect_error "track import: GPX without --device" 2 "unit\.gpx: a GPX file names no device" -- \
    "$ykm" track import "$town" "$work/unit.gpx"
expect_error "track export: unknown vehicle" 2 "no vehicle 'ZZ'" -- \
    "$ykm" track export "$town" --vehicle ZZ -o "$work/z.csv"
expect_error "track: unknown subcommand" 2 "unknown subcommand 'frobnicate'" -- "$ykm" track frobnicate

summary
