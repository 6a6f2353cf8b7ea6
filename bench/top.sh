#!/usr/bin/env bash
# CPU of `bifrost top` while the server it watches is under load.
#
#   bench/top.sh [--out FILE] [SECONDS] [RATE]      (defaults: 30 s at 5000 req/s)
#
#   --out FILE  also put the figure into FILE (e.g. BENCHMARKS.md) as its
#               "`bifrost top` CPU" section, in place of the previous copy
#
# Environment:
#   BENCH_GATEWAY_BIN=PATH  the bifrost binary (default target/release/bifrost)
#   OHA=PATH                the load tool (default bench/.tools/bin/oha, as run.sh installs)
#
# Starts `bifrost serve` on a temp data dir with a mock provider, `bifrost top` in a
# private tmux server (100x30, NO_COLOR), drives the server with oha at a fixed rate,
# and reads top's user+system CPU time from /proc before and after. Prints top's CPU
# as a share of one core. Every process it starts is stopped by PID (or by its own
# tmux socket) on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
OUT=""
if [ "${1:-}" = --out ]; then
    [ $# -ge 2 ] || die "--out needs a file"
    OUT=$2
    shift 2
fi
SECS=${1:-30}
RATE=${2:-5000}
BIN=${BENCH_GATEWAY_BIN:-$ROOT/target/release/bifrost}
OHA=${OHA:-$ROOT/bench/.tools/bin/oha}
[ -x "$BIN" ] || { echo "no bifrost binary at $BIN (cargo build --release, or set BENCH_GATEWAY_BIN)" >&2; exit 2; }
[ -x "$OHA" ] || { echo "no oha at $OHA (bench/run.sh installs it, or set OHA)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "tmux is needed" >&2; exit 2; }

WORK=$(mktemp -d)
TMUX_SOCKET="bifrost-bench-top-$$"
SERVE_PID=""
cleanup() {
    tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
    [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" provider add demo --type mock --data-dir "$WORK" >/dev/null 2>&1
"$BIN" serve --port 0 --data-dir "$WORK" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 100); do
    URL=$(grep -o 'http://[0-9.:]*' "$WORK/serve.log" | head -1 || true)
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { echo "the server did not start: $(cat "$WORK/serve.log")" >&2; exit 1; }

tmux -L "$TMUX_SOCKET" new-session -d -s top -x 100 -y 30 \
    "NO_COLOR=1 '$BIN' top --data-dir '$WORK'"
SHELL_PID=$(tmux -L "$TMUX_SOCKET" display-message -p -t top '#{pane_pid}')
# tmux runs the command through `sh -c`, which may exec it or be its parent.
TOP_PID=$SHELL_PID
CHILD=$(pgrep -P "$SHELL_PID" || true)
[ -n "$CHILD" ] && TOP_PID=$CHILD

ticks() { awk '{print $14 + $15}' "/proc/$TOP_PID/stat"; }
HZ=$(getconf CLK_TCK)
sleep 2 # let the dashboard attach before measuring
BEFORE=$(ticks)
START=$(date +%s.%N)
"$OHA" -z "${SECS}s" -q "$RATE" -c 64 --no-tui -m POST \
    -H 'content-type: application/json' \
    -d '{"model":"demo/demo-model","messages":[{"role":"user","content":"hi"}]}' \
    "$URL/v1/chat/completions" >"$WORK/oha.txt"
END=$(date +%s.%N)
AFTER=$(ticks)
RPS=$(grep -m1 'Requests/sec' "$WORK/oha.txt" | awk '{print $2}')
FIGURE=$(awk -v b="$BEFORE" -v a="$AFTER" -v hz="$HZ" -v s="$START" -v e="$END" -v rps="$RPS" 'BEGIN {
    cpu = (a - b) / hz; wall = e - s;
    printf "bifrost top CPU: %.2f s over %.1f s = %.1f%% of one core, server at %s req/s", cpu, wall, 100 * cpu / wall, rps
}')
echo "$FIGURE ($BIN)"
if [ -n "$OUT" ]; then
    printf '## `bifrost top` CPU under load\n\nWritten by `bench/top.sh %s %s` on %s (bifrost at %s, %s CPUs): the\ndashboard attached to a server under oha at a fixed rate, its own user+system CPU time.\n\n%s.\n' \
        "$SECS" "$RATE" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
        "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)" "$FIGURE" \
        | replace_section '`bifrost top` CPU' "$OUT"
fi
