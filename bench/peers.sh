#!/usr/bin/env bash
# bifrost next to the gateways users would pick instead, on this machine.
#
#   bench/peers.sh [--rounds N] [--run SECONDS] [--out FILE]
#
#   --rounds N    interleaved rounds (default 3)
#   --run SECONDS length of every oha run (default 10)
#   --out FILE    where to put the "Peers" section (default: BENCHMARKS.md at the
#                 repo root; every other section of the file is kept)
#
# Environment:
#   BENCH_GATEWAY_BIN=PATH  the bifrost binary (default: target/release/bifrost, built
#                           with `cargo build --release` when missing)
#   LITELLM_VERSION         LiteLLM proxy release (default 1.106.12)
#   PORTKEY_VERSION         Portkey gateway release (default 1.15.2)
#   OHA_VERSION             oha release (default 1.16.0)
#   BENCH_KEEP_WORK=1       keep the temporary work dir (logs, oha JSON) on exit
#
# Installs the pinned peers once into bench/.tools (LiteLLM into a virtualenv with
# pip, Portkey with npm), then starts on 127.0.0.1 only: the mock OpenAI upstream
# (bench/src), and in front of it the bare hyper proxy (the floor), bifrost, the
# LiteLLM proxy and the Portkey gateway. Each gets one request, then the same oha
# runs in rounds that take the targets in turn (so a change in the machine's
# background load shows as spread, not as a difference between targets):
# saturation non-stream and stream (64 connections), then a low fixed rate (p50/p99).
# RSS is read from /proc (VmRSS idle after one request, VmHWM peak reset before
# each run), summed over each target's process tree. Every oha run is bounded by
# -z and `timeout`; every process started is stopped by PID on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
TOOLS="$BENCH_DIR/.tools"
LITELLM_VERSION=${LITELLM_VERSION:-1.106.12}
PORTKEY_VERSION=${PORTKEY_VERSION:-1.15.2}
OHA_VERSION=${OHA_VERSION:-1.16.0}
ROUNDS=3
RUN_S=10
OUT="$ROOT/BENCHMARKS.md"
COMMAND_LINE="bench/peers.sh${*:+ $*}"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) [ $# -ge 2 ] || { echo "--rounds needs a number" >&2; exit 2; }; ROUNDS=$2; shift ;;
        --run) [ $# -ge 2 ] || { echo "--run needs seconds" >&2; exit 2; }; RUN_S=$2; shift ;;
        --out) [ $# -ge 2 ] || { echo "--out needs a file" >&2; exit 2; }; OUT=$2; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
for n in "$ROUNDS" "$RUN_S"; do
    case "$n" in ''|*[!0-9]*|0) echo "--rounds and --run take positive integers" >&2; exit 2 ;; esac
done
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac

RUN="${RUN_S}s"
WARM=2s
SAT_CONNS=64       # saturation: as many connections as bench/run.sh uses
RATE=10            # low enough that latency is each request's cost, not queueing
RATE_CONNS=16
REQ_TIMEOUT=30s
CHECK_TIMEOUT=60   # LiteLLM's first request initialises lazily: seconds on a busy box
MODEL=up/bench-model
PLAIN='{"model":"up/bench-model","messages":[{"role":"user","content":"hello"}]}'
STREAM='{"model":"up/bench-model","stream":true,"messages":[{"role":"user","content":"hello"}]}'
BODY=$PLAIN
CHAT_PATH=/v1/chat/completions

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
for tool in cargo python3 node npm curl timeout getconf; do
    command -v "$tool" >/dev/null 2>&1 || die "\`$tool\` is required but not on PATH"
done
raise_nofile

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bifrost-peers.XXXXXX")
RESULTS="$WORK/results"
mkdir -p "$RESULTS"
META="$RESULTS/meta.env"
: >"$META"
install_cleanup

# ------------------------------------------------------------------ installs
ensure_oha "$BENCH_DIR" "$OHA_VERSION"
log "building bench tools (release)"
CARGO_TARGET_DIR="$BENCH_DIR/target" cargo build --release --quiet \
    --manifest-path "$BENCH_DIR/Cargo.toml" || die "building bench/ failed"
MOCK="$BENCH_DIR/target/release/mock-upstream"
BARE="$BENCH_DIR/target/release/bare-proxy"

BIFROST=${BENCH_GATEWAY_BIN:-$ROOT/target/release/bifrost}
if [ ! -x "$BIFROST" ]; then
    [ -z "${BENCH_GATEWAY_BIN:-}" ] || die "BENCH_GATEWAY_BIN=$BIFROST is not an executable file"
    log "building the gateway: cargo build --release"
    (cd "$ROOT" && CARGO_TARGET_DIR="$ROOT/target" cargo build --release) || die "cargo build --release failed"
fi

VENV="$TOOLS/litellm-venv"
litellm_version() { "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))' 2>/dev/null || true; }
if [ "$(litellm_version)" != "$LITELLM_VERSION" ]; then
    log "installing litellm[proxy]==$LITELLM_VERSION into bench/.tools/litellm-venv (one-time)"
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV" || die "python3 -m venv failed"
    timeout 1200 "$VENV/bin/pip" install --quiet "litellm[proxy]==$LITELLM_VERSION" \
        || die "pip install litellm[proxy]==$LITELLM_VERSION failed"
fi
PORTKEY_DIR="$TOOLS/portkey"
PORTKEY_PKG="$PORTKEY_DIR/node_modules/@portkey-ai/gateway"
# Portkey asks for @hono/node-server ^1.3.3; the newest 1.x (1.19) builds a Response
# on the upstream fetch's immutable headers, and Portkey's streaming path then fails
# every stream with "TypeError: immutable". 1.13.8 is pinned through npm overrides.
HONO_NODE_SERVER=1.13.8
npm_version() { node -p "require('$PORTKEY_DIR/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(npm_version @portkey-ai/gateway)" != "$PORTKEY_VERSION" ] \
    || [ "$(npm_version @hono/node-server)" != "$HONO_NODE_SERVER" ]; then
    log "installing @portkey-ai/gateway@$PORTKEY_VERSION into bench/.tools/portkey (one-time)"
    rm -rf "$PORTKEY_DIR"
    mkdir -p "$PORTKEY_DIR"
    printf '{"private": true, "overrides": {"@hono/node-server": "%s"}}\n' "$HONO_NODE_SERVER" \
        >"$PORTKEY_DIR/package.json"
    timeout 1200 npm install --prefix "$PORTKEY_DIR" --no-audit --no-fund --silent \
        "@portkey-ai/gateway@$PORTKEY_VERSION" || die "npm install @portkey-ai/gateway@$PORTKEY_VERSION failed"
fi

meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) CPUs"
meta clk_tck "$(getconf CLK_TCK)"
meta rounds "$ROUNDS"; meta run_s "$RUN_S"; meta rate "$RATE"; meta rate_conns "$RATE_CONNS"
meta sat_conns "$SAT_CONNS"
meta oha "$("$OHA" --version)"
if [ -n "${BENCH_GATEWAY_BIN:-}" ]; then # a given binary: say so, its commit is unknown here
    COMMAND_LINE="BENCH_GATEWAY_BIN=$BIFROST $COMMAND_LINE"
    BUILT="binary from BENCH_GATEWAY_BIN built $(date -u -r "$BIFROST" '+%Y-%m-%d %H:%M UTC')"
else
    BUILT="at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
fi
meta bifrost_version "$("$BIFROST" --version 2>/dev/null | head -n 1) $BUILT"
meta command "$COMMAND_LINE"
meta litellm_version "$(litellm_version) ($("$VENV/bin/python" --version 2>&1))"
meta portkey_version "$(npm_version @portkey-ai/gateway) (Node $(node --version), @hono/node-server $(npm_version @hono/node-server))"

# ------------------------------------------------------------------- targets
start_tool upstream "$MOCK" --port 0 --delay-ms 0
UP_PID=$STARTED_PID; UP_PORT=$STARTED_PORT
UPSTREAM="http://127.0.0.1:$UP_PORT/v1"

start_tool bare "$BARE" --port 0 --upstream "http://127.0.0.1:$UP_PORT"
BARE_PID=$STARTED_PID; BARE_PORT=$STARTED_PORT

start_bifrost bifrost "$UP_PORT"
BF_PID=$STARTED_PID; BF_PORT=$STARTED_PORT

# LiteLLM: one model entry pointing at the mock, no database, the bundled price map
# instead of a download, its default single worker (with --num_workers 2 its workers
# died at start-up here, over and over). It refuses to start without a master key, so
# one is made up for this run and sent as the bearer token.
LL_PORT=$(free_port)
LL_KEY="sk-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
cat >"$WORK/litellm.yaml" <<EOF
model_list:
  - model_name: $MODEL
    litellm_params:
      model: openai/bench-model
      api_base: $UPSTREAM
      api_key: sk-bench-not-secret
general_settings:
  master_key: $LL_KEY
litellm_settings:
  telemetry: false
EOF
LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_LOG=ERROR \
    "$VENV/bin/litellm" --config "$WORK/litellm.yaml" --host 127.0.0.1 --port "$LL_PORT" \
    >"$WORK/litellm.log" 2>&1 &
LL_PID=$!
PIDS+=("$LL_PID")
# Importing LiteLLM takes over a minute on a busy 2-core box.
wait_http litellm "$LL_PID" "http://127.0.0.1:$LL_PORT/health/liveliness" 300

# Portkey: its Node server, headless (no console UI); the upstream is named per
# request by headers, as Portkey's docs show for self-hosted OpenAI-compatible hosts.
PK_PORT=$(free_port)
(cd "$PORTKEY_DIR" && exec node "$PORTKEY_PKG/build/start-server.js" --port="$PK_PORT" --headless) \
    >"$WORK/portkey.log" 2>&1 &
PK_PID=$!
PIDS+=("$PK_PID")
wait_http portkey "$PK_PID" "http://127.0.0.1:$PK_PORT/"
PK_HEADERS=(-H "x-portkey-provider: openai" -H "x-portkey-custom-host: $UPSTREAM"
    -H "authorization: Bearer sk-bench-not-secret")

# headers LABEL: the extra request headers that target needs.
headers() {
    case $1 in
        portkey) printf '%s\n' "${PK_HEADERS[@]}" ;;
        litellm) printf '%s\n' -H "authorization: Bearer $LL_KEY" ;;
    esac
}
TARGETS=("bare:$BARE_PID:$BARE_PORT" "bifrost:$BF_PID:$BF_PORT" "litellm:$LL_PID:$LL_PORT"
    "portkey:$PK_PID:$PK_PORT")

for t in "${TARGETS[@]}"; do
    IFS=: read -r label pid port <<<"$t"
    mapfile -t extra < <(headers "$label")
    url="http://127.0.0.1:$port$CHAT_PATH"
    BODY=$STREAM
    check_target "$label" "$url" "${extra[@]+"${extra[@]}"}"
    grep -q 'data: \[DONE\]' "$WORK/$label.check" || die "$label did not stream: $(head -c 300 "$WORK/$label.check")"
    BODY=$PLAIN
    check_target "$label" "$url" "${extra[@]+"${extra[@]}"}"
    meta "$label.idle_rss_kb" "$(tree_kb "$pid" VmRSS)"
    log "$label: warm-up ($WARM)"
    run_oha "$WORK/$label.warmup.json" "$WARM" -c 16 "${extra[@]+"${extra[@]}"}" "$url"
done

for round in $(seq 1 "$ROUNDS"); do
    log "round $round of $ROUNDS"
    for kind in sat stream rate; do
        for t in "${TARGETS[@]}"; do
            IFS=: read -r label pid port <<<"$t"
            kill -0 "$pid" 2>/dev/null || continue
            mapfile -t extra < <(headers "$label")
            url="http://127.0.0.1:$port$CHAT_PATH"
            case $kind in
                sat) BODY=$PLAIN; set -- -c "$SAT_CONNS" ;;
                stream) BODY=$STREAM; set -- -c "$SAT_CONNS" ;;
                rate) BODY=$PLAIN; set -- -c "$RATE_CONNS" -q "$RATE" --latency-correction ;;
            esac
            measure "$label" "$pid" "$url" "$kind$round" "$RUN" "$@" "${extra[@]+"${extra[@]}"}" || true
        done
    done
done

# -------------------------------------------------------------------- report
python3 - "$RESULTS" >"$RESULTS/peers.md" <<'PY' || die "writing the report failed"
import json, os, statistics, sys

results = sys.argv[1]
meta = {}
with open(os.path.join(results, "meta.env")) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("=")
        meta[k] = v
ROUNDS, CLK = int(meta["rounds"]), int(meta["clk_tck"])
DEADLINE = "aborted due to deadline"
TARGETS = [("bare", "bare hyper proxy (floor)"), ("bifrost", meta["bifrost_version"]),
           ("litellm", f"LiteLLM proxy {meta['litellm_version']}"),
           ("portkey", f"Portkey gateway {meta['portkey_version']}")]


def load(label, kind):
    """One oha run (oha 1.16 JSON), or None when it failed or the target died."""
    if meta.get(f"{label}.{kind}.died") == "1":
        return None
    try:
        with open(os.path.join(results, f"{label}.{kind}.json")) as f:
            d = json.load(f)
    except (OSError, ValueError):
        return None
    codes = {int(k): v for k, v in (d.get("statusCodeDistribution") or {}).items()}
    errors = {k: v for k, v in (d.get("errorDistribution") or {}).items() if k != DEADLINE}
    ok = sum(v for k, v in codes.items() if 200 <= k < 300)
    sent = sum(codes.values()) + sum(errors.values())
    pct = d.get("latencyPercentiles") or {}
    ticks, hwm = meta.get(f"{label}.{kind}.cpu_ticks"), meta.get(f"{label}.{kind}.hwm_kb")
    return {"rps": ok / d["summary"]["total"] if d["summary"]["total"] else None,
            "ok": ok, "sent": sent,
            "p50": pct.get("p50") and pct["p50"] * 1000, "p99": pct.get("p99") and pct["p99"] * 1000,
            "cpu_us": int(ticks) / CLK * 1e6 / ok if ticks and ok else None,
            "hwm_kb": int(hwm) if hwm else None}


def med(label, kind, key):
    xs = [r[key] for r in (load(label, f"{kind}{n}") for n in range(1, ROUNDS + 1)) if r and r[key] is not None]
    return statistics.median(xs) if xs else None


def success(label, kind):
    runs = [r for r in (load(label, f"{kind}{n}") for n in range(1, ROUNDS + 1)) if r]
    sent = sum(r["sent"] for r in runs)
    return sum(r["ok"] for r in runs) / sent if sent else None


def peak(label):
    xs = [r["hwm_kb"] for k in ("sat", "stream", "rate") for n in range(1, ROUNDS + 1)
          if (r := load(label, f"{k}{n}")) and r["hwm_kb"]]
    return max(xs) / 1024 if xs else None


def f(v, fmt="{:,.0f}"):
    return "n/a" if v is None else fmt.format(v)


def pct(v):
    return "n/a" if v is None else "100%" if v >= 1 else f"{int(v * 10000) / 100:.2f}%"


row = {}
for label, _ in TARGETS:
    idle = meta.get(f"{label}.idle_rss_kb")
    row[label] = {
        "sat": med(label, "sat", "rps"), "sat_ok": success(label, "sat"),
        "sat_cpu": med(label, "sat", "cpu_us"),
        "stream": med(label, "stream", "rps"), "stream_ok": success(label, "stream"),
        "p50": med(label, "rate", "p50"), "p99": med(label, "rate", "p99"),
        "rate_rps": med(label, "rate", "rps"),
        "rate_ok": success(label, "rate"),
        "idle": int(idle) / 1024 if idle else None, "peak": peak(label),
    }

w = print
w("## Peers: bifrost, LiteLLM and Portkey in front of the same upstream (`bench/peers.sh`)")
w("")
w(f"Written by `{meta['command']}` on {meta['date']} ({meta['cpu']}, shared with other")
w(f"builds, so absolute numbers are this box's; the ratios are the point). Load tool {meta['oha']};")
w("every target relays to the same mock OpenAI upstream (`bench/src`, non-stream JSON or an")
w(f"8-chunk SSE stream) on 127.0.0.1. {ROUNDS} rounds of {meta['run_s']} s runs, each round taking")
w("the targets in turn; throughput and latency are the median over rounds, peak RSS the highest.")
w(f"Saturation: {meta['sat_conns']} connections, no rate limit; CPU/req is the target's own CPU time")
w("over its 2xx answers, the measure least moved by other load on the box. Fixed rate:")
w(f"{meta['rate']} req/s over {meta['rate_conns']} connections with `--latency-correction`, low so latency is")
w("each request's own cost rather than queueing; a target whose achieved rate (its column) falls")
w("short could not keep up, and its latencies include queueing.")
w("RSS is summed over each target's process tree; idle is after start-up and two requests.")
w("Setups: bifrost with its defaults (request log with content on, all cores); LiteLLM with one")
w("`model_list` entry, a master key, no database, its default single uvicorn worker (two")
w("workers crashed at start-up here); Portkey headless on Node (one process), the upstream")
w("named by `x-portkey-provider`/`x-portkey-custom-host`. Neither peer keeps a request log.")
w("Rounds were kept small so the whole script finishes in about 15 minutes on a 2-core box.")
w("")
w("| target | non-stream req/s | success | CPU/req (µs) | stream req/s | success | fixed-rate req/s | success | p50 (ms) | p99 (ms) | idle RSS (MiB) | peak RSS (MiB) |")
w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for label, name in TARGETS:
    r = row[label]
    w(f"| {name} | {f(r['sat'])} | {pct(r['sat_ok'])} | {f(r['sat_cpu'], '{:,.1f}')} | {f(r['stream'])} "
      f"| {pct(r['stream_ok'])} | {f(r['rate_rps'], '{:,.1f}')} | {pct(r['rate_ok'])} "
      f"| {f(r['p50'], '{:.2f}')} | {f(r['p99'], '{:.2f}')} "
      f"| {f(r['idle'], '{:.1f}')} | {f(r['peak'], '{:.1f}')} |")
w("")


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


b = row["bifrost"]
w("Ratios, bifrost against each (how many times better bifrost is; below 1x it is worse):")
w("")
w("| vs | non-stream throughput | CPU/req | stream throughput | p50 | p99 | idle RSS | peak RSS |")
w("|---|---:|---:|---:|---:|---:|---:|---:|")
for label, name in TARGETS:
    if label == "bifrost":
        continue
    r = row[label]
    cells = [ratio(b["sat"], r["sat"]), ratio(r["sat_cpu"], b["sat_cpu"]),
             ratio(b["stream"], r["stream"]), ratio(r["p50"], b["p50"]),
             ratio(r["p99"], b["p99"]), ratio(r["idle"], b["idle"]), ratio(r["peak"], b["peak"])]
    w(f"| {name.split(' ')[0] if label != 'bare' else 'bare proxy'} | "
      + " | ".join(f(c, "{:.2f}x") for c in cells) + " |")
PY
replace_section "Peers" "$OUT" <"$RESULTS/peers.md"
cat "$RESULTS/peers.md"
log "Peers section written to $OUT"
