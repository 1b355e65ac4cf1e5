#!/usr/bin/env bash
# The measurements in crates/tokio/README.md, reproducible: release builds,
# the release demo server on free ports, medians of RUNS runs (default 5)
# of the `seconds` that --json reports, and peak memory from
# /usr/bin/time -v for the 10,000-URL runs.
#
#   bash crates/tokio/scripts/measure.sh [RUNS]
#
# Run it from the workspace root. OUT (default /tmp/tokio-demo-out) is where
# the bodies are saved; it is deleted before every run. Set OUT to a folder
# on tmpfs (e.g. /dev/shm/tokio-demo-out) to take the disk out of the
# numbers. Only 127.0.0.1 is contacted.
set -euo pipefail

RUNS=${1:-5}
OUT=${OUT:-/tmp/tokio-demo-out}
WORK=$(mktemp -d)
BIN=target/release
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK" "$OUT"
}
trap cleanup EXIT

cargo build --release -q -p demo-server -p seq-demo -p tokio-demo
cargo build --release -q -p tokio-demo --examples

# start_server LATENCY_MS: sets PORT to the port the server picked. Not
# called as $(...): a subshell would lose the PID that cleanup needs.
start_server() {
    local log="$WORK/server-$1.log"
    "$BIN/demo-server" --port 0 --latency "$1" >"$log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 50); do
        grep -q listening "$log" && break
        sleep 0.1
    done
    PORT=$(grep -o '127\.0\.0\.1:[0-9]*' "$log" | head -1 | cut -d: -f2)
}

# median LABEL CMD...: RUNS runs of CMD --json, each into an empty OUT
median() {
    local label=$1
    shift
    local secs=()
    for _ in $(seq "$RUNS"); do
        rm -rf "$OUT"
        secs+=("$("$@" --json | python3 -c \
            'import json,sys; d=json.load(sys.stdin); print(d["seconds"] if d["failed"] == 0 else "failed")')")
    done
    echo "\$ $* --json"
    printf '%s\n' "${secs[@]}" | python3 -c '
import statistics, sys
label = sys.argv[1]
runs = [l.strip() for l in sys.stdin]
if "failed" in runs:
    print(f"{label}: a run had failures: {runs}")
else:
    s = [float(x) for x in runs]
    each = " ".join("%.3f" % x for x in s)
    print("%s: median %.3f s  (runs: %s)" % (label, statistics.median(s), each))
' "$label"
}

# cpu LABEL CMD...: one run under /usr/bin/time: wall, CPU time, cores used
# (CPU time / wall; 2.0 means both cores busy all along). Less noisy than
# the wall time on a machine shared with other work.
cpu() {
    local label=$1
    shift
    /usr/bin/time -f "%e %U %S" "$@" 2>"$WORK/time.txt" >/dev/null
    python3 -c '
import sys
label = sys.argv[1]
wall, user, system = map(float, open(sys.argv[2]).read().split()[-3:])
print("%s: %.2f s wall, %.2f s CPU, %.2f cores busy" % (label, wall, user + system, (user + system) / wall))
' "$label" "$WORK/time.txt"
}

# wait_quiet: waits (at most 10 minutes) until the CPUs have been at least
# 93 % idle for 3 seconds in a row, so other work on the machine does not
# steal the cores a CPU measurement is about.
wait_quiet() {
    python3 - <<'PY' || echo "(the machine never went quiet: CPU numbers are noisy)"
import sys, time

def idle():
    def read():
        return list(map(int, open("/proc/stat").readline().split()[1:]))
    a = read()
    time.sleep(1)
    d = [y - x for x, y in zip(a, read())]
    return (d[3] + d[4]) / max(1, sum(d))

streak, end = 0, time.time() + 600
while time.time() < end:
    streak = streak + 1 if idle() > 0.93 else 0
    if streak >= 3:
        sys.exit(0)
sys.exit(1)
PY
}

# peak LABEL CMD...: one run under /usr/bin/time -v
peak() {
    local label=$1
    shift
    rm -rf "$OUT"
    /usr/bin/time -v "$@" 2>"$WORK/time.txt" >/dev/null
    local kib
    kib=$(grep 'Maximum resident' "$WORK/time.txt" | awk '{print $NF}')
    echo "$label: peak RSS $((kib / 1024)) MiB"
}

start_server 100
P100=$PORT
start_server 50
P50=$PORT
sed "s/127.0.0.1:8000/127.0.0.1:$P100/" urls.txt >"$WORK/urls-30.txt"
for i in $(seq -w 1 1000); do
    echo "http://127.0.0.1:$P100/pages/p$i"
done >"$WORK/urls-1000.txt"
for i in $(seq -w 1 10000); do
    echo "http://127.0.0.1:$P50/pages/p$i?size=2048"
done >"$WORK/urls-10000.txt"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); output in $OUT"
U30=(--urls "$WORK/urls-30.txt" --out "$OUT")
U1K=(--urls "$WORK/urls-1000.txt" --out "$OUT")
U10K=(--urls "$WORK/urls-10000.txt" --out "$OUT")
median "seq-demo, 30 URLs at 100 ms" "$BIN/seq-demo" "${U30[@]}"
median "tokio-demo, 30 URLs at 100 ms, unbounded" "$BIN/tokio-demo" "${U30[@]}"
median "tokio-demo, 30 URLs at 100 ms, --workers 5" \
    "$BIN/tokio-demo" "${U30[@]}" --workers 5
median "tokio-demo, 1,000 URLs at 100 ms, --workers 100" \
    "$BIN/tokio-demo" "${U1K[@]}" --workers 100
wait_quiet
median "tokio-demo, 10,000 URLs at 50 ms, 2 KiB, --workers 500" \
    "$BIN/tokio-demo" "${U10K[@]}" --workers 500
median "tokio-demo, 10,000 URLs at 50 ms, 2 KiB, unbounded" \
    "$BIN/tokio-demo" "${U10K[@]}"
peak "tokio-demo, 10,000 URLs, --workers 500" \
    "$BIN/tokio-demo" "${U10K[@]}" --workers 500
peak "tokio-demo, 10,000 URLs, unbounded" "$BIN/tokio-demo" "${U10K[@]}"
wait_quiet
median "seq-demo hash" "$BIN/seq-demo" hash
median "tokio-demo hash" "$BIN/tokio-demo" hash
cpu "seq-demo hash" "$BIN/seq-demo" hash
cpu "tokio-demo hash" "$BIN/tokio-demo" hash
wait_quiet
median "seq-demo sum-squares" "$BIN/seq-demo" sum-squares
median "tokio-demo sum-squares" "$BIN/tokio-demo" sum-squares
median "seq-demo sum-squares --base 50000000" \
    "$BIN/seq-demo" sum-squares --base 50000000
median "tokio-demo sum-squares --base 50000000" \
    "$BIN/tokio-demo" sum-squares --base 50000000

echo "s04, talk 02's 20 cats x 5 on the server of the URL file, at latency 0, then at 100 ms:"
start_server 0
sed "s/127.0.0.1:8000/127.0.0.1:$PORT/" urls.txt >"$WORK/urls-30-l0.txt"
"$BIN/examples/s04-client-per-request" "$WORK/urls-30-l0.txt"
"$BIN/examples/s04-client-per-request" "$WORK/urls-30.txt"
echo "s08, CPU work on the runtime vs on the blocking pool:"
wait_quiet
"$BIN/examples/s08-cpu-blocks-io"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
