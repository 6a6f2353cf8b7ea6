#!/usr/bin/env bash
# Failover under load: 1,000 concurrent streaming chat requests while the primary
# provider fails every request, and the time to first byte a failover adds.
#
#   bench/failover.sh [--requests N] [--out FILE]
#
#   --requests N  requests per oha run (default 20000), always 1,000 at a time
#   --out FILE    put the report section into FILE (e.g. BENCHMARKS.md) in place of
#                 its previous copy, keeping the other sections (default: print it)
#
# Environment:
#   BENCH_GATEWAY_BIN=PATH  the bifrost binary (default target/release/bifrost; build
#                           it with `cargo build --release` first)
#   OHA=PATH                oha (default bench/.tools/bin/oha, else oha on PATH)
#
# Setup: provider `primary` is OpenAI-compatible at a port nothing listens on
# (every request fails with a connection error), provider `backup` is bifrost's
# built-in mock (8-chunk streams, no latency). Three gateways on 127.0.0.1:
#   direct    model backup/demo-model                      (baseline)
#   failover  model primary/m, fallbacks [backup/demo-model], default health
#             settings: the primary's breaker opens after 5 failures, so most
#             requests skip it (what production sees)
#   raw       the same with the breaker disabled: every request tries the
#             primary first (the cost of one failed attempt plus the failover)
# For each: oha at 1,000 connections (status codes, errors, latency), then 300
# sequential curl requests for time to first byte (`time_starttransfer`), and 300
# concurrent bodies checked to end with `data: [DONE]` and carry no error event.
# Every process started is killed by PID on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
REQUESTS=20000
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --requests) REQUESTS=$2; shift ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
COMMAND_LINE="bench/failover.sh --requests $REQUESTS"
BIFROST=${BENCH_GATEWAY_BIN:-$ROOT/target/release/bifrost}
OHA=${OHA:-$BENCH_DIR/.tools/bin/oha}
[ -x "$OHA" ] || OHA=$(command -v oha || true)
[ -x "$BIFROST" ] || { echo "no gateway binary at $BIFROST (cargo build --release, or set BENCH_GATEWAY_BIN)" >&2; exit 2; }
[ -x "$OHA" ] || { echo "oha not found (set OHA=PATH)" >&2; exit 2; }
ulimit -n 65535 2>/dev/null || true

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
DEAD_PORT=$(free_port)   # bound and released: nothing listens there

# start NAME BREAKER_FAILURES -> sets PORT
start() {
    local name=$1 failures=$2
    PORT=$(free_port)
    mkdir -p "$WORK/$name"
    cat >"$WORK/$name/bifrost.toml" <<TOML
[client]
drop_excess_requests = false
[providers.primary]
type = "openai-compatible"
base_url = "http://127.0.0.1:$DEAD_PORT/v1"
[[providers.primary.keys]]
name = "k"
value = "sk-bench-not-secret"
[providers.primary.network]
max_concurrency = 20000
queue_size = 20000
[providers.primary.health]
breaker_failures = $failures
breaker_min_requests = 4294967295
[providers.backup]
type = "mock"
[providers.backup.mock]
stream_chunks = 8
reply = "Hello from the backup provider, streamed in eight chunks."
[providers.backup.network]
max_concurrency = 20000
queue_size = 20000
TOML
    "$BIFROST" serve --host 127.0.0.1 --port "$PORT" --data-dir "$WORK/$name" \
        --config "$WORK/$name/bifrost.toml" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/health" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$name did not start: $(tail -n 20 "$WORK/$name.log")" >&2
    exit 1
}

body() { # MODEL [FALLBACK]
    if [ -n "${2:-}" ]; then
        printf '{"model":"%s","stream":true,"fallbacks":["%s"],"messages":[{"role":"user","content":"hello"}]}' "$1" "$2"
    else
        printf '{"model":"%s","stream":true,"messages":[{"role":"user","content":"hello"}]}' "$1"
    fi
}

# measure NAME PORT BODY
measure() {
    local name=$1 port=$2 data=$3 url="http://127.0.0.1:$2/v1/chat/completions"
    timeout 600 "$OHA" --no-tui --output-format json -o "$WORK/$name.oha.json" \
        -n "$REQUESTS" -c 1000 -t 30s -m POST -H 'content-type: application/json' -d "$data" "$url" \
        >/dev/null 2>&1
    : >"$WORK/$name.ttfb"
    for _ in $(seq 1 300); do
        curl -sS -o /dev/null -w '%{time_starttransfer}\n' -H 'content-type: application/json' \
            -d "$data" "$url" >>"$WORK/$name.ttfb"
    done
    mkdir -p "$WORK/$name.bodies"
    seq 1 300 | xargs -P 300 -I{} curl -sS -o "$WORK/$name.bodies/{}" \
        -H 'content-type: application/json' -d "$data" "$url"
}

start direct 5;   DIRECT=$PORT
start failover 5; FAILOVER=$PORT
start raw 1000000000; RAW=$PORT
measure direct "$DIRECT" "$(body backup/demo-model)"
measure failover "$FAILOVER" "$(body primary/m backup/demo-model)"
measure raw "$RAW" "$(body primary/m backup/demo-model)"

REPORT=$(python3 - "$WORK" "$REQUESTS" "$(nproc)" "$COMMAND_LINE" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
    "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import json, os, statistics, sys
work, requests, cpus, command, date, rev = sys.argv[1:7]
print("## Failover under load (`bench/failover.sh`)")
print()
print(f"Written by `{command}` on {date} (bifrost at {rev}, {cpus} CPUs). The primary provider")
print("refuses every connection; the fallback is the built-in mock streaming 8 chunks. `direct`")
print("asks the mock itself; `failover` asks for the dead primary with")
print('`fallbacks: ["backup/demo-model"]` and default health settings (the primary\'s breaker')
print("opens after 5 failures, so later requests skip it); `raw` disables the breaker, so every")
print("request first fails on the primary. On a shared machine the throughput columns are noise;")
print("the status, error and complete-stream columns are the point.")
print()
rows = []
ttfb = {}
for name in ("direct", "failover", "raw"):
    d = json.load(open(f"{work}/{name}.oha.json"))
    codes = d.get("statusCodeDistribution") or {}
    errors = sum((d.get("errorDistribution") or {}).values())
    pct = d.get("latencyPercentiles") or {}
    t = sorted(float(x) * 1000 for x in open(f"{work}/{name}.ttfb") if x.strip())
    ttfb[name] = t
    bodies = [open(os.path.join(f"{work}/{name}.bodies", f)).read() for f in os.listdir(f"{work}/{name}.bodies")]
    complete = sum(1 for b in bodies if b.rstrip().endswith("data: [DONE]") and '"error"' not in b)
    rows.append((name, d["summary"]["requestsPerSec"], codes, errors,
                 pct.get("p50", 0) * 1000, pct.get("p99", 0) * 1000,
                 statistics.median(t), t[int(len(t) * 0.99) - 1], complete, len(bodies)))
print("| gateway | req/s | status codes | oha errors | p50 ms | p99 ms | TTFB p50 ms | TTFB p99 ms | complete streams |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    codes = ", ".join(f"{k}: {v}" for k, v in sorted(r[2].items()))
    print(f"| {r[0]} | {r[1]:.0f} | {codes} | {r[3]} | {r[4]:.1f} | {r[5]:.1f} | {r[6]:.2f} | {r[7]:.2f} | {r[8]}/{r[9]} |")
base = statistics.median(ttfb["direct"])
print()
print(f"Added time to first byte of a failover (median of 300 sequential requests): "
      f"{statistics.median(ttfb['failover']) - base:+.2f} ms with the breaker open (default settings), "
      f"{statistics.median(ttfb['raw']) - base:+.2f} ms when every request first tries the dead primary. "
      f"{requests} requests per oha run at 1,000 connections, {cpus} CPUs.")
PY
)
if [ -n "$OUT" ]; then
    replace_section "Failover under load" "$OUT" <<<"$REPORT"
else
    printf '%s\n' "$REPORT"
fi
