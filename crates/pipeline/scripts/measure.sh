#!/usr/bin/env bash
# The measurements in crates/pipeline/README.md, reproducible: release
# builds, the release demo server on a free port with 100 ms latency,
# medians of RUNS runs (default 5).
#
#   bash crates/pipeline/scripts/measure.sh [RUNS]
#
# Run it from the workspace root. Each run saves into an empty folder under
# a temporary directory, deleted at the end. Every book is fetched once
# before the timed runs, so the server's book cache is warm and no run pays
# for generating the text. Only 127.0.0.1 is contacted.
set -euo pipefail

RUNS=${1:-5}
ROOT=$(pwd)
BIN=$ROOT/target/release
WORK=$(mktemp -d)
SERVER=
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

cargo build --release -q -p demo-server -p seq-demo -p pipeline-demo
cargo build --release -q -p pipeline-demo --examples

"$BIN/demo-server" --port 0 --latency 100 >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do
    grep -q listening "$WORK/server.log" && break
    sleep 0.1
done
PORT=$(grep -o '127\.0\.0\.1:[0-9]*' "$WORK/server.log" | cut -d: -f2)
sed "s/127.0.0.1:8000/127.0.0.1:$PORT/" books.txt >"$WORK/books100.txt"
grep -v '^#' "$WORK/books100.txt" | sed 's/$/?size=4194304/' \
    >"$WORK/bigbooks100.txt"
cd "$WORK"
echo "books.txt on port $PORT (latency 100 ms); $RUNS runs each"
# Other work on the machine shows in the numbers: say how busy it was.
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# Warm the server's book cache, and check that everything downloads.
for list in books100 bigbooks100; do
    "$BIN/pipeline-demo" --urls "$list.txt" --out warm --workers 12 \
        >/dev/null
done

# median LABEL CMD...: RUNS runs of CMD in an empty downloads/; the time
# is the `seconds` of --json for the demos, `total X s` for the examples.
median() {
    local label=$1
    shift
    local secs=()
    for _ in $(seq "$RUNS"); do
        rm -rf downloads
        local out
        out=$("$@" 2>/dev/null) # the word summary goes to stderr with --json
        case "$1" in
        */examples/*) secs+=("$(grep -o 'total [0-9.]* s' <<<"$out" |
            cut -d' ' -f2)") ;;
        *) secs+=("$(python3 -c 'import json,sys
d = json.loads(sys.stdin.read().strip().splitlines()[-1])
print(d["seconds"] if d["failed"] == 0 else "failed")' <<<"$out")") ;;
        esac
    done
    echo "\$ ${*#"$BIN/"}"
    printf '%s\n' "${secs[@]}" | python3 -c '
import statistics, sys
label = sys.argv[1]
runs = [l.strip() for l in sys.stdin]
if "failed" in runs or "" in runs:
    print(f"  {label}: a run failed: {runs}")
else:
    s = [float(x) for x in runs]
    each = " ".join("%.3f" % x for x in s)
    print("  %s: median %.3f s (runs: %s)" % (label, statistics.median(s), each))
' "$label"
}

for list in books100 bigbooks100; do
    echo
    echo "== $list.txt"
    median "seq-demo" "$BIN/seq-demo" --urls "$list.txt" --json
    for w in 1 5 12; do
        median "pipeline-demo, $w threads" \
            "$BIN/pipeline-demo" --urls "$list.txt" --workers "$w" --json
    done
    median "s01 stage after stage, 5 threads" \
        "$BIN/examples/s01-stage-after-stage" "$list.txt" 5
    median "s02 overlapped, 5 threads" \
        "$BIN/examples/s02-overlapped" "$list.txt" 5
    echo "one run of each example, in full:"
    "$BIN/examples/s01-stage-after-stage" "$list.txt" 5 | tail -1
    "$BIN/examples/s02-overlapped" "$list.txt" 5 | tail -1
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
