#!/usr/bin/env bash
# Does bifrost's memory stay flat under steady load? (not part of CI)
#
#   bench/soak.sh [SECONDS] [WARMUP_SECONDS]   (defaults: 3600 s, warm-up 300 s)
#
# Environment:
#   BENCH_GATEWAY_BIN=PATH  the bifrost binary (default target/release/bifrost; built
#                           with `cargo build --release` when missing)
#   SOAK_RATE               requests/s (default 500)
#   SOAK_OUT                where to put the "Soak" section (default BENCHMARKS.md)
#   SOAK_CSV                where to keep the samples (default target/soak-rss.csv)
#   BENCH_KEEP_WORK=1       keep the work dir (logs, oha JSON) on exit
#
# Starts the mock upstream and the release bifrost (request logging with content
# on, the default; the data dir's growth in the CSV shows it) on 127.0.0.1, drives a constant SOAK_RATE req/s through it with
# oha for SECONDS (-z, under `timeout`), and samples bifrost's RSS, peak RSS and
# data-dir size every 10 s into a CSV. Reports the RSS growth from the end
# of the warm-up to the end of the run, and the highest RSS after the warm-up, as a
# percentage of the RSS at the end of the warm-up (issue 13 asks for under 10% over
# an hour). A warm-up that would take half the run or more is cut to a fifth of it,
# and the report says so. Stops by itself; every process is stopped by PID on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
DURATION=${1:-3600}
WARMUP=${2:-300}
RATE=${SOAK_RATE:-500}
OUT=${SOAK_OUT:-$ROOT/BENCHMARKS.md}
CSV=${SOAK_CSV:-$ROOT/target/soak-rss.csv}
OHA_VERSION=${OHA_VERSION:-1.16.0}
INTERVAL=10
CONNS=50
REQ_TIMEOUT=30s
BODY='{"model":"up/bench-model","messages":[{"role":"user","content":"hello"}]}'
for n in "$DURATION" "$WARMUP" "$RATE"; do
    case "$n" in ''|*[!0-9]*) echo "usage: bench/soak.sh [SECONDS] [WARMUP_SECONDS] (integers)" >&2; exit 2 ;; esac
done
[ "$DURATION" -ge $((3 * INTERVAL)) ] || { echo "run at least $((3 * INTERVAL)) s" >&2; exit 2; }
WARMUP_NOTE=""
if [ $((2 * WARMUP)) -ge "$DURATION" ]; then
    WARMUP_NOTE=" (cut from $WARMUP s: the run is too short for it)"
    WARMUP=$((DURATION / 5))
fi

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
raise_nofile
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bifrost-soak.XXXXXX")
install_cleanup

ensure_oha "$BENCH_DIR" "$OHA_VERSION"
CARGO_TARGET_DIR="$BENCH_DIR/target" cargo build --release --quiet \
    --manifest-path "$BENCH_DIR/Cargo.toml" || die "building bench/ failed"
BIFROST=${BENCH_GATEWAY_BIN:-$ROOT/target/release/bifrost}
if [ ! -x "$BIFROST" ]; then
    [ -z "${BENCH_GATEWAY_BIN:-}" ] || die "BENCH_GATEWAY_BIN=$BIFROST is not an executable file"
    (cd "$ROOT" && CARGO_TARGET_DIR="$ROOT/target" cargo build --release) || die "cargo build --release failed"
fi

COMMAND_LINE="bench/soak.sh $DURATION${2:+ $2}"
if [ -n "${BENCH_GATEWAY_BIN:-}" ]; then # a given binary: say so, its commit is unknown here
    COMMAND_LINE="BENCH_GATEWAY_BIN=$BIFROST $COMMAND_LINE"
    BUILT="binary built $(date -u -r "$BIFROST" '+%Y-%m-%d %H:%M UTC')"
else
    BUILT="at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
fi

start_tool upstream "$BENCH_DIR/target/release/mock-upstream" --port 0 --delay-ms 0
# Request logging with content is bifrost's default; the data dir's growth shows it on.
start_bifrost bifrost "$STARTED_PORT"
BF_PID=$STARTED_PID
URL="http://127.0.0.1:$STARTED_PORT/v1/chat/completions"
check_target bifrost "$URL"
DATA_DIR="$WORK/bifrost-data" # its stores, the request log among them

mkdir -p "$(dirname "$CSV")"
echo "elapsed_s,rss_kb,hwm_kb,data_dir_bytes" >"$CSV"
sample() { # sample ELAPSED: one CSV row
    echo "$1,$(proc_kb "$BF_PID" VmRSS),$(proc_kb "$BF_PID" VmHWM),$(du -sb "$DATA_DIR" | cut -f1)" >>"$CSV"
}

log "soak: $RATE req/s for $DURATION s (warm-up $WARMUP s$WARMUP_NOTE), samples every $INTERVAL s into $CSV"
timeout -k 10 $((DURATION + 120)) "$OHA" --no-tui --output-format json -o "$WORK/oha.json" \
    -z "${DURATION}s" -q "$RATE" -c "$CONNS" --latency-correction -t "$REQ_TIMEOUT" \
    -m POST -H 'content-type: application/json' -d "$BODY" "$URL" \
    >"$WORK/oha.stdout" 2>"$WORK/oha.stderr" &
OHA_PID=$!
PIDS+=("$OHA_PID")
START=$(date +%s)
sample 0
# The interval is the sampling period itself, not a wait for a condition.
while kill -0 "$OHA_PID" 2>/dev/null; do
    sleep "$INTERVAL"
    kill -0 "$BF_PID" 2>/dev/null || die "bifrost died during the soak: $(tail -n 20 "$WORK/bifrost.log")"
    kill -0 "$OHA_PID" 2>/dev/null || break
    sample $(($(date +%s) - START))
done
wait "$OHA_PID" || log "WARNING: oha exited non-zero: $(tail -n 5 "$WORK/oha.stderr")"
forget_pid "$OHA_PID"
sample $(($(date +%s) - START))

python3 - "$CSV" "$WORK/oha.json" "$DURATION" "$WARMUP" "$WARMUP_NOTE" "$RATE" \
    "$COMMAND_LINE" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$BUILT" "$(nproc)" \
    >"$WORK/soak.md" <<'PY' || die "writing the report failed"
import csv, json, sys

path, oha, duration, warmup, note, rate, command, date, rev, cpus = sys.argv[1:11]
duration, warmup = int(duration), int(warmup)
rows = [{k: int(v) for k, v in r.items()} for r in csv.DictReader(open(path))]
after = [r for r in rows if r["elapsed_s"] >= warmup]
base, end = after[0], rows[-1]
top = max(r["rss_kb"] for r in after)
growth = (end["rss_kb"] - base["rss_kb"]) / base["rss_kb"] * 100
highest = (top - base["rss_kb"]) / base["rss_kb"] * 100
d = json.load(open(oha))
codes = {int(k): v for k, v in (d.get("statusCodeDistribution") or {}).items()}
errors = {k: v for k, v in (d.get("errorDistribution") or {}).items() if k != "aborted due to deadline"}
ok = sum(v for k, v in codes.items() if 200 <= k < 300)
sent = sum(codes.values()) + sum(errors.values())
pct = d.get("latencyPercentiles") or {}
mib = lambda kb: kb / 1024
print("## Soak: constant load with request logging on (`bench/soak.sh`)")
print()
print(f"Written by `{command}` on {date} (bifrost {rev}, {cpus} CPUs shared with other work):")
print(f"{rate} req/s for {duration} s through the release bifrost (request log with content on),")
print(f"RSS sampled every 10 s (the CSV: `target/soak-rss.csv`). Warm-up: the first {warmup} s{note}.")
print("Issue 13's target is under 10% growth after warm-up over one hour"
      + ("" if duration >= 3600 else f"; **this run is {duration // 60} min, not the hour**") + ".")
print()
print("| measure | value |")
print("|---|---:|")
print(f"| requests answered 2xx / sent | {ok:,} / {sent:,} |")
print(f"| p50 / p99 latency (ms) | {pct.get('p50', 0) * 1000:.2f} / {pct.get('p99', 0) * 1000:.2f} |")
print(f"| RSS at start-up (MiB) | {mib(rows[0]['rss_kb']):.1f} |")
print(f"| RSS at the end of warm-up, {base['elapsed_s']} s (MiB) | {mib(base['rss_kb']):.1f} |")
print(f"| RSS at the end, {end['elapsed_s']} s (MiB) | {mib(end['rss_kb']):.1f} |")
print(f"| growth after warm-up (end vs end of warm-up) | {growth:+.1f}% |")
print(f"| highest RSS after warm-up vs end of warm-up | {highest:+.1f}% ({mib(top):.1f} MiB) |")
print(f"| peak RSS (VmHWM) over the run (MiB) | {mib(end['hwm_kb']):.1f} |")
grew = (end["data_dir_bytes"] - rows[0]["data_dir_bytes"]) / 1048576
print(f"| data dir (stores, request log) growth over the run (MiB) | {grew:+.1f} |")
if grew <= 0:
    print()
    print("**The data dir did not grow: no request was logged, so this is not the logging soak.**")
PY
replace_section "Soak" "$OUT" <"$WORK/soak.md"
cat "$WORK/soak.md"
log "Soak section written to $OUT; samples in $CSV"
