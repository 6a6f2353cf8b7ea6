#!/usr/bin/env bash
# Measures bifrost's overhead on this machine and writes its sections of
# BENCHMARKS.md (Machine through Targets; the other scripts' sections are kept).
#
#   bench/run.sh [--quick] [--out FILE]
#
#   --quick     shorten every run (3 s runs, 10 s for the 1.5 s-upstream
#               scenario) to smoke-test the script; the numbers are not a
#               valid measurement and the report says so.
#   --out FILE  where to put the report's sections (default: BENCHMARKS.md at the repo root)
#
# Environment:
#   BENCH_SKIP_GATEWAY=1  do not build or run bifrost (tests the harness alone)
#   BENCH_GATEWAY_BIN=PATH  benchmark this gateway binary instead of building
#                         target/release/bifrost (e.g. to compare two builds)
#   BENCH_KEEP_WORK=1     keep the temporary work dir (logs, oha JSON) on exit
#   BENCH_ROUNDS=N        rounds of fixed-rate and saturation runs (default 3; 1 with --quick)
#   OHA_VERSION           oha version to install into bench/.tools (default 1.16.0)
#
# What it does: installs oha into bench/.tools (once), builds bench/ and the
# gateway in release mode, starts a mock OpenAI upstream, the bare hyper proxy
# and bifrost on 127.0.0.1 only, drives each with oha (1000 req/s fixed rate,
# then saturation at 64 connections; three rounds taking the targets in turn),
# then runs the published scenario
# (upstream answering after 1.5 s, 5000 req/s for 60 s, ~7,500 requests in
# flight) through a second bifrost and, for reference, through bare-proxy,
# reading each one's RSS idle before, at peak, and 30 s after that load,
# and writes the report. Every process it
# starts is killed by PID on exit, and every oha run is bounded by `timeout`.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OHA_VERSION=${OHA_VERSION:-1.16.0}
SKIP_GATEWAY=${BENCH_SKIP_GATEWAY:-0}
QUICK=0
OUT="$ROOT/BENCHMARKS.md"
COMMAND_LINE="bench/run.sh${*:+ $*}"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --out) [ $# -ge 2 ] || { echo "--out needs a file" >&2; exit 2; }; OUT=$2; shift ;;
        --out=*) OUT=${1#--out=} ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
[ "$SKIP_GATEWAY" = 1 ] && COMMAND_LINE="BENCH_SKIP_GATEWAY=1 $COMMAND_LINE"

if [ "$QUICK" = 1 ]; then
    WARM=1s; RUN=3s; SLOW_RUN=10s; ROUNDS=1
else
    WARM=2s; RUN=10s; SLOW_RUN=60s; ROUNDS=3
fi
ROUNDS=${BENCH_ROUNDS:-$ROUNDS}
case "$ROUNDS" in ''|*[!0-9]*|0) echo "BENCH_ROUNDS must be a positive integer" >&2; exit 2 ;; esac
RATE=1000          # fixed-rate scenario, requests/s
RATE_CONNS=50      # connections available to the fixed-rate runs
SAT_CONNS=64       # saturation scenario connections (no rate limit)
SLOW_DELAY_MS=1500 # the published scenario: upstream answers after 1.5 s
SLOW_RATE=5000     # ... at 5000 req/s => ~7,500 requests in flight
SLOW_CONNS=8000
SETTLE_S=30        # RSS is read again this long after the 1.5 s scenario's load ends
REQ_TIMEOUT=30s    # per-request timeout inside oha (a hung request is an error, not a hang)
BODY='{"model":"up/bench-model","messages":[{"role":"user","content":"hello"}]}'
CHAT_PATH=/v1/chat/completions

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

for tool in cargo python3 curl timeout getconf; do
    command -v "$tool" >/dev/null 2>&1 || die "\`$tool\` is required but not on PATH"
done

# Thousands of sockets per process in the 1.5 s scenario (bifrost holds ~8,000
# inbound + ~7,500 upstream connections): raise the open-file limit as far as
# this shell is allowed to.
raise_nofile
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt 17000 ]; then
    log "WARNING: open-file limit is $NOFILE (hard limit); the ${SLOW_CONNS}-connection scenario may run out of descriptors"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bifrost-bench.XXXXXX")
RESULTS="$WORK/results"
mkdir -p "$RESULTS"
META="$RESULTS/meta.env"
: >"$META"

install_cleanup

# warm_target LABEL PORT: one real request must succeed, then a short warm-up.
warm_target() {
    local label=$1 url="http://127.0.0.1:$2$CHAT_PATH"
    check_target "$label" "$url"
    log "$label: warm-up ($WARM)"
    run_oha "$WORK/$label.warmup.json" "$WARM" -c 16 "$url"
}

# bench_round ROUND LABEL:PID:PORT...: one fixed-rate run of each target in turn,
# then one saturation run of each. Rounds interleave the targets, so a change in
# the box's background load between runs shows up as spread across rounds instead
# of as a difference between targets. A target that died is skipped.
bench_round() {
    local round=$1 kind t label pid port
    shift
    for kind in rate sat; do
        for t in "$@"; do
            IFS=: read -r label pid port <<<"$t"
            kill -0 "$pid" 2>/dev/null || continue
            if [ "$kind" = rate ]; then
                measure "$label" "$pid" "http://127.0.0.1:$port$CHAT_PATH" "rate$round" "$RUN" \
                    -c "$RATE_CONNS" -q "$RATE" --latency-correction || true
            else
                measure "$label" "$pid" "http://127.0.0.1:$port$CHAT_PATH" "sat$round" "$RUN" \
                    -c "$SAT_CONNS" || true
            fi
        done
    done
}

# ------------------------------------------------------------------- builds
ensure_oha "$BENCH_DIR" "$OHA_VERSION"

log "building bench tools (release)"
CARGO_TARGET_DIR="$BENCH_DIR/target" cargo build --release --quiet \
    --manifest-path "$BENCH_DIR/Cargo.toml" || die "building bench/ failed"
MOCK="$BENCH_DIR/target/release/mock-upstream"
BARE="$BENCH_DIR/target/release/bare-proxy"

BIFROST="$ROOT/target/release/bifrost"
if [ "$SKIP_GATEWAY" = 1 ]; then
    log "BENCH_SKIP_GATEWAY=1: not building or running bifrost"
elif [ -n "${BENCH_GATEWAY_BIN:-}" ]; then
    BIFROST=$BENCH_GATEWAY_BIN
    [ -x "$BIFROST" ] || die "BENCH_GATEWAY_BIN=$BIFROST is not an executable file"
    log "using gateway binary $BIFROST (BENCH_GATEWAY_BIN; not building)"
    COMMAND_LINE="BENCH_GATEWAY_BIN=$BIFROST $COMMAND_LINE"
else
    log "building the gateway: cargo build --release (repo root)"
    (cd "$ROOT" && CARGO_TARGET_DIR="$ROOT/target" cargo build --release) \
        || die "cargo build --release of the gateway failed; fix the build or run with BENCH_SKIP_GATEWAY=1"
    [ -x "$BIFROST" ] || die "gateway binary $BIFROST not found after cargo build --release"
fi

# ------------------------------------------------------------ machine facts
CLK_TCK=$(getconf CLK_TCK)
meta clk_tck "$CLK_TCK"
meta nproc "$(nproc)"
meta cpu_model "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
meta mem_total_kb "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
meta kernel "$(uname -srm)"
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta command "$COMMAND_LINE"
meta oha_version "$("$OHA" --version)"
meta rustc_version "$(rustc --version 2>/dev/null || echo unknown)"
# The report being rewritten is not a change to what is measured.
meta git_rev "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)$(git -C "$ROOT" diff --quiet HEAD -- . ':!BENCHMARKS.md' 2>/dev/null || echo ' (with uncommitted changes)')"
meta nofile "$NOFILE"
meta quick "$QUICK"
meta skip_gateway "$SKIP_GATEWAY"
meta durations "warm-up $WARM, runs $RUN ($ROUNDS rounds per target), 1.5 s scenario $SLOW_RUN"
meta rounds "$ROUNDS"
meta rate "$RATE"; meta rate_conns "$RATE_CONNS"; meta sat_conns "$SAT_CONNS"
meta settle_s "$SETTLE_S"; meta slow_run_s "$(secs "$SLOW_RUN")"; meta slow_rate "$SLOW_RATE"; meta slow_conns "$SLOW_CONNS"; meta slow_delay_ms "$SLOW_DELAY_MS"

# Anything else busy on the box skews every number: measure it over 1 s.
cpu_busy_pct() {
    local a b
    a=$(awk '/^cpu / { print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu / { print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8 }' /proc/stat)
    echo "$a $b" | awk '{ d = $4 - $2; pct = 0; if (d > 0) pct = 100 * ($3 - $1) / d; printf "%d\n", pct }'
}
BUSY=$(cpu_busy_pct)
meta cpu_busy_before "$BUSY"
if [ "$BUSY" -gt 10 ]; then
    log "WARNING: the machine is already ${BUSY}% busy (another build or load?); numbers will be skewed"
fi

# ------------------------------------------------- scenario 1 + 2: overhead
start_tool upstream "$MOCK" --port 0 --delay-ms 0
UP_PID=$STARTED_PID; UP_PORT=$STARTED_PORT
start_tool bare "$BARE" --port 0 --upstream "http://127.0.0.1:$UP_PORT"
BARE_PID=$STARTED_PID; BARE_PORT=$STARTED_PORT
if [ "$SKIP_GATEWAY" != 1 ]; then
    start_bifrost bifrost "$UP_PORT"
    BF_PID=$STARTED_PID; BF_PORT=$STARTED_PORT
    meta bifrost.idle_rss_kb "$(proc_kb "$BF_PID" VmRSS)"
fi

TARGETS=("direct:$UP_PID:$UP_PORT" "bare:$BARE_PID:$BARE_PORT")
[ "$SKIP_GATEWAY" = 1 ] || TARGETS+=("bifrost:$BF_PID:$BF_PORT")
for t in "${TARGETS[@]}"; do
    IFS=: read -r label _ port <<<"$t"
    warm_target "$label" "$port"
done
for round in $(seq 1 "$ROUNDS"); do
    log "round $round of $ROUNDS"
    bench_round "$round" "${TARGETS[@]}"
done

# Free the cores and sockets before the big one.
[ "$SKIP_GATEWAY" = 1 ] || stop_pid "$BF_PID"
stop_pid "$BARE_PID"
stop_pid "$UP_PID"

# ------------------------------- scenario 3: 1.5 s upstream, 7,500 in flight
start_tool upstream-slow "$MOCK" --port 0 --delay-ms "$SLOW_DELAY_MS"
SLOW_UP_PID=$STARTED_PID; SLOW_UP_PORT=$STARTED_PORT

# slow_run LABEL PID PORT: the published load through one front process, with
# its RSS idle before, peak during, and SETTLE_S seconds after the load ends
# (does memory taken by a burst go back to the OS?).
# -w: requests still in flight at the deadline are waited for (bounded by -t
# and by `timeout`), so the success rate counts every request sent.
slow_run() {
    local label=$1 pid=$2 port=$3 url
    url="http://127.0.0.1:$port$CHAT_PATH"
    meta "$label.idle_rss_kb" "$(proc_kb "$pid" VmRSS)"
    check_target "$label" "$url"
    reset_peak_rss "$SLOW_UP_PID" >/dev/null
    measure "$label" "$pid" "$url" run "$SLOW_RUN" \
        -c "$SLOW_CONNS" -q "$SLOW_RATE" --latency-correction -w || true
    meta "$label.run.upstream_hwm_kb" "$(proc_kb "$SLOW_UP_PID" VmHWM)"
    if kill -0 "$pid" 2>/dev/null; then
        log "$label: load over; RSS now $(proc_kb "$pid" VmRSS) kB, waiting ${SETTLE_S} s"
        sleep "$SETTLE_S" # a fixed interval is the measurement itself, not a wait for a condition
        meta "$label.after_rss_kb" "$(proc_kb "$pid" VmRSS)"
    fi
    stop_pid "$pid"
}

if [ "$SKIP_GATEWAY" != 1 ]; then
    start_bifrost bifrost-slow "$SLOW_UP_PORT"
    slow_run slow-bifrost "$STARTED_PID" "$STARTED_PORT"
fi
# The same load through bare-proxy: what the hyper floor costs at this
# concurrency (a reference row, not a target).
start_tool bare-slow "$BARE" --port 0 --upstream "http://127.0.0.1:$SLOW_UP_PORT"
slow_run slow-bare "$STARTED_PID" "$STARTED_PORT"
stop_pid "$SLOW_UP_PID"

# ------------------------------------------------ instructions per request
# Counted by callgrind: repeatable where the timings above are noisy.
if [ "$SKIP_GATEWAY" != 1 ] && command -v valgrind >/dev/null; then
    log "counting instructions per request (callgrind)"
    "$BENCH_DIR/instructions.sh" "$MOCK" "$BARE" "$BIFROST" "$OHA" "$RESULTS/instructions.md" >/dev/null \
        || log "WARNING: instructions.sh failed; the report leaves that section out"
fi

# ------------------------------------------------------------------- report
(python3 - "$RESULTS" <<'PY'
import json, math, os, statistics, sys

results = sys.argv[1]
meta = {}
with open(os.path.join(results, "meta.env")) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("=")
        meta[k] = v
clk = int(meta["clk_tck"])
quick = meta["quick"] == "1"
skip = meta["skip_gateway"] == "1"
DEADLINE = "aborted due to deadline"


def load(label, kind):
    """Numbers from one oha JSON report (oha 1.16 field names), or None."""
    if meta.get(f"{label}.{kind}.died") == "1":
        return None
    path = os.path.join(results, f"{label}.{kind}.json")
    try:
        with open(path) as f:
            d = json.load(f)
    except (OSError, ValueError):
        return None
    codes = {int(k): v for k, v in (d.get("statusCodeDistribution") or {}).items()}
    errors = d.get("errorDistribution") or {}
    ok = sum(v for k, v in codes.items() if 200 <= k < 300)
    non2xx = sum(v for k, v in codes.items() if not 200 <= k < 300)
    # Requests cut off by oha's own -z deadline are not the server's fault.
    failed = sum(v for k, v in errors.items() if k != DEADLINE)
    sent = ok + non2xx + failed
    wall = d["summary"]["total"] or float("nan")
    pct = d.get("latencyPercentiles") or {}
    us = lambda k: pct[k] * 1e6 if pct.get(k) is not None else None
    hwm = meta.get(f"{label}.{kind}.hwm_kb")
    ticks = meta.get(f"{label}.{kind}.cpu_ticks")
    return {
        "ok": ok,
        "sent": sent,
        "success": ok / sent if sent else None,
        "rps": ok / wall,
        "p50": us("p50"),
        "p99": us("p99"),
        "p999": us("p99.9"),
        "hwm_mib": int(hwm) / 1024 if hwm else None,
        "cpu_us": int(ticks) / clk * 1e6 / ok if ticks and ok else None,
        "problems": {**{f"HTTP {k}": v for k, v in codes.items() if not 200 <= k < 300},
                     **{k: v for k, v in errors.items() if k != DEADLINE}},
    }


def failed_note(label, kind):
    died = meta.get(f"{label}.{kind}.died") == "1" or any(
        meta.get(f"{label}.{kind}{r}.died") == "1" for r in range(1, ROUNDS + 1))
    return "process died during the run" if died else "no oha result (see the run's log)"


ROUNDS = int(meta.get("rounds", "1"))


def rounds(label, kind):
    """One result per round of LABEL's KIND runs (None where a run failed)."""
    return [load(label, f"{kind}{r}") for r in range(1, ROUNDS + 1)]


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def combined(label, kind):
    """A target's rounds as one row: the median of each timing, success and failures
    over every request of every round, and the highest peak RSS."""
    runs = [r for r in rounds(label, kind) if r]
    if not runs:
        return None
    row = {k: median([r[k] for r in runs]) for k in ("rps", "p50", "p99", "p999", "cpu_us")}
    sent = sum(r["sent"] for r in runs)
    row["success"] = sum(r["ok"] for r in runs) / sent if sent else None
    row["hwm_mib"] = max((r["hwm_mib"] for r in runs if r["hwm_mib"] is not None), default=None)
    row["problems"] = {}
    for r in runs:
        for k, v in r["problems"].items():
            row["problems"][k] = row["problems"].get(k, 0) + v
    return row


def per_round(measure):
    """MEASURE(bifrost run, bare run) for each round where both ran."""
    pairs = zip(rounds("bifrost", KIND[measure]), rounds("bare", KIND[measure]))
    return [FN[measure](b, r) for b, r in pairs if b and r and FN[measure](b, r) is not None]


KIND = {"ratio": "sat", "added": "rate"}
FN = {
    "ratio": lambda b, r: b["rps"] / r["rps"] if r["rps"] > 0 else None,
    "added": lambda b, r: b["p50"] - r["p50"] if None not in (b["p50"], r["p50"]) else None,
}


def f(v, fmt="{:,.0f}", none="n/a"):
    return none if v is None else fmt.format(v)


def pct_s(v):
    # Floor, so 99.999% never prints as 100%.
    return "n/a" if v is None else "100%" if v >= 1 else f"{math.floor(v * 10000) / 100:.2f}%"


def problems(r):
    if not r or not r["problems"]:
        return "none"
    return ", ".join(f"{k}: {v}" for k, v in sorted(r["problems"].items()))


TARGETS = [("direct", "direct to mock upstream"), ("bare", "bare-proxy (hyper floor)"),
           ("bifrost", "bifrost")]
if skip:
    TARGETS = TARGETS[:2]

lines = []
w = lines.append
w("## Machine")
w("")
w("The sections from here to Targets are written by `bench/run.sh`: the overhead of the")
w("bifrost gateway against a mock OpenAI-compatible upstream, measured with")
w("[oha](https://crates.io/crates/oha) on one machine.")
w("")
if quick:
    w("> **QUICK RUN (`--quick`)**: every duration was shortened to smoke-test the harness.")
    w("> These numbers are not a valid measurement.")
    w("")
if skip:
    w("> **Gateway skipped (`BENCH_SKIP_GATEWAY=1`)**: only the harness was measured; the")
    w("> bifrost rows and targets are absent.")
    w("")
w(f"- CPU: {meta['cpu_model']}, `nproc` = {meta['nproc']}")
w(f"- Memory: {int(meta['mem_total_kb']) / 1024 / 1024:.1f} GiB")
w(f"- Kernel: {meta['kernel']}")
w(f"- Date: {meta['date']}")
w(f"- Command: `{meta['command']}` (bifrost at commit {meta['git_rev']})")
w(f"- Tools: {meta['oha_version']}, {meta['rustc_version']}; open-file limit {meta['nofile']}")
w(f"- Durations: {meta['durations']}")
busy = int(meta.get("cpu_busy_before", "0"))
w(f"- CPU busy with other work just before the runs: {busy}%"
  + (" — **the box was not idle; treat these numbers with suspicion**" if busy > 10 else ""))
w("")
w("How to read this: the load generator, the upstream and the process under test share the")
w("same cores, so absolute throughput is a property of this box, and at saturation the")
w("gateway's extra CPU is diluted by oha's and the upstream's; the CPU/req column (the")
w("process under test alone: its user+system CPU time during the run over the 2xx answers)")
w("is the sharper comparison against the bare proxy. Latencies are oha's per-request times,")
w("with `--latency-correction` on fixed-rate runs so queueing inside oha counts. Success")
w("counts only 2xx answers over every request sent (requests cut off by oha's own `-z`")
w(f"deadline excluded). The fixed-rate and saturation runs are done in {ROUNDS} rounds, each")
w("round taking the targets in turn; their rows give the median of the rounds (peak RSS: the")
w("highest), and the targets below compare bifrost with the bare proxy within each round.")
w("Peak RSS is the process's VmHWM, reset before each run"
  + (" (except where the kernel refused the reset: those are peaks since start)."
     if any(v == "0" for k, v in meta.items() if k.endswith(".hwm_reset")) else "."))
w("")

data = {(l, k): combined(l, k) for l, _ in TARGETS for k in ("rate", "sat")}


def table(kind):
    w("| target | req/s (2xx) | success | p50 (µs) | p99 (µs) | p99.9 (µs) | peak RSS (MiB) | CPU/req (µs) | failures |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for label, name in TARGETS:
        r = data[(label, kind)]
        if r is None:
            w(f"| {name} | {failed_note(label, kind)} | | | | | | | |")
            continue
        w(f"| {name} | {f(r['rps'])} | {pct_s(r['success'])} | {f(r['p50'])} | {f(r['p99'])} "
          f"| {f(r['p999'])} | {f(r['hwm_mib'], '{:.1f}')} | {f(r['cpu_us'], '{:.1f}')} | {problems(r)} |")
    w("")


w(f"## Fixed rate: {meta['rate']} req/s, {meta['rate_conns']} connections")
w("")
w("For the direct row, the process under test (RSS, CPU) is the mock upstream itself.")
w("")
table("rate")
w(f"## Saturation: {meta['sat_conns']} connections, no rate limit")
w("")
table("sat")

SLOW_TARGETS = [("slow-bare", "bare-proxy (reference)")]
if not skip:
    SLOW_TARGETS.insert(0, ("slow-bifrost", "bifrost"))
slow_data = {label: load(label, "run") for label, _ in SLOW_TARGETS}
slow = slow_data.get("slow-bifrost")
w(f"## Slow upstream: {int(meta['slow_delay_ms']) / 1000:g} s per answer, "
  f"{meta['slow_rate']} req/s, {meta['slow_conns']} connections")
w("")
w(f"The published scenario: about {int(meta['slow_rate']) * int(meta['slow_delay_ms']) // 1000:,} "
  "requests in flight at once, each holding one")
w("inbound and one upstream connection of the process under test. oha waits for requests")
w("still in flight at the deadline (`-w`), so every request sent is counted; offered req/s")
w("is requests sent over the run's duration. The bare-proxy row is the same load through the")
w("minimal hyper proxy, for reference. The upstream column is the mock upstream's own peak")
w("RSS during that run (server side only).")
w("")
w("| target | requests sent | offered req/s | success | p50 (ms) | p99 (ms) | peak RSS (MiB) | upstream peak RSS (MiB) | failures |")
w("|---|---:|---:|---:|---:|---:|---:|---:|---|")
ms = lambda v: f(v / 1000 if v is not None else None, "{:,.1f}")
for label, name in SLOW_TARGETS:
    r = slow_data[label]
    if r is None:
        w(f"| {name} | {failed_note(label, 'run')} | | | | | | | |")
        continue
    up = meta.get(f"{label}.run.upstream_hwm_kb")
    w(f"| {name} | {r['sent']:,} | {f(r['sent'] / int(meta['slow_run_s']))} | {pct_s(r['success'])} "
      f"| {ms(r['p50'])} | {ms(r['p99'])} | {f(r['hwm_mib'], '{:.1f}')} | {f(int(up) / 1024 if up else None, '{:.1f}')} "
      f"| {problems(r)} |")
w("")
w(f"Memory after the burst: RSS (VmRSS) after start-up before any request, the peak (VmHWM)")
w(f"during the run, and {meta['settle_s']} s after oha returned (every request answered).")
w("")
w(f"| target | idle RSS (MiB) | peak RSS (MiB) | RSS {meta['settle_s']} s after (MiB) | after / idle |")
w("|---|---:|---:|---:|---:|")
kb_mib = lambda k: int(k) / 1024 if k else None
for label, name in SLOW_TARGETS:
    r = slow_data[label]
    idle_m, after_m = kb_mib(meta.get(f"{label}.idle_rss_kb")), kb_mib(meta.get(f"{label}.after_rss_kb"))
    ratio = after_m / idle_m if idle_m and after_m else None
    w(f"| {name} | {f(idle_m, '{:.1f}')} | {f(r['hwm_mib'] if r else None, '{:.1f}')} "
      f"| {f(after_m, '{:.1f}')} | {f(ratio, '{:.2f}x')} |")
w("")

# ---- targets
rows = []


def target(name, goal, value, ok, bifrost_run=None):
    """One targets row. Without a value: n/a when bifrost was skipped, MISS when
    its run failed or it died (no number is not a pass)."""
    if value is None:
        if skip:
            rows.append((name, goal, "n/a (gateway skipped)", "n/a"))
        else:
            note = failed_note(*bifrost_run) if bifrost_run else "not measured"
            rows.append((name, goal, note, "MISS"))
    else:
        rows.append((name, goal, value, "PASS" if ok else "MISS"))


def spread(values, fmt):
    """The median, then every round's value when there was more than one."""
    shown = fmt(median(values))
    return shown if len(values) < 2 else f"{shown} (rounds: {', '.join(fmt(v) for v in values)})"


ratios, added = per_round("ratio"), per_round("added")
bf_rate = data.get(("bifrost", "rate"))
if ratios:
    target("Saturation throughput (2xx/s), bifrost / bare-proxy, median of rounds", ">= 70%",
           # Floored, so 69.97% reads 69.9%, never a 70.0% that misses.
           spread(ratios, lambda v: f"{math.floor(v * 1000) / 10:.1f}%"), median(ratios) >= 0.70)
else:
    target("Saturation throughput (2xx/s), bifrost / bare-proxy", ">= 70%", None, False,
           ("bifrost", "sat"))
if added and bf_rate:
    target(f"p50 added over bare-proxy at {meta['rate']} req/s, median of rounds", "<= 50 µs",
           spread(added, lambda v: f"{v:+.0f} µs"),
           median(added) <= 50 and bf_rate["success"] >= 0.999)
else:
    target(f"p50 added over bare-proxy at {meta['rate']} req/s", "<= 50 µs", None, False,
           ("bifrost", "rate"))
idle = meta.get("bifrost.idle_rss_kb")
target("bifrost idle RSS (after startup, before load)", "<= 30 MiB",
       f"{int(idle) / 1024:.1f} MiB" if idle else None, bool(idle) and int(idle) / 1024 <= 30)
if slow:
    target("1.5 s scenario success", "100%", pct_s(slow["success"]), slow["success"] == 1.0)
    target("1.5 s scenario peak RSS of bifrost", "< 200 MiB", f(slow["hwm_mib"], "{:.1f} MiB"),
           slow["hwm_mib"] is not None and slow["hwm_mib"] < 200)
    bare_slow = slow_data.get("slow-bare")
    if bare_slow and slow["hwm_mib"] and bare_slow["hwm_mib"]:
        peak = slow["hwm_mib"] / bare_slow["hwm_mib"]
        target("1.5 s scenario peak RSS, bifrost / bare-proxy", "<= 1.2x", f"{peak:.2f}x", peak <= 1.2)
    idle_kb, after_kb = meta.get("slow-bifrost.idle_rss_kb"), meta.get("slow-bifrost.after_rss_kb")
    back = int(after_kb) / int(idle_kb) if idle_kb and after_kb else None
    target(f"bifrost RSS {meta['settle_s']} s after the 1.5 s scenario / idle before it", "<= 2x",
           f(back, "{:.2f}x", None), back is not None and back <= 2, ("slow-bifrost", "run"))
else:
    target("1.5 s scenario success", "100%", None, False, ("slow-bifrost", "run"))
    target("1.5 s scenario peak RSS of bifrost", "< 200 MiB", None, False, ("slow-bifrost", "run"))

counted = os.path.join(results, "instructions.md")
if os.path.exists(counted):
    with open(counted) as fh:  # written by replace_section: drop the file title
        text = fh.read()
    w(text[text.index("## "):].rstrip("\n"))
    w("")

w("## Targets")
w("")
w("| measure | target | result | verdict |")
w("|---|---|---:|---|")
for r in rows:
    w("| " + " | ".join(r) + " |")
w("")
if quick:
    w("_Quick run: verdicts are indicative only._")
    w("")

# One file per section: the shell puts each into OUT in place of its old copy.
sections, n = [], 0
for line in lines:
    if line.startswith("## "):
        n += 1
        title = line[3:].split(":")[0].split(" (")[0]
        sections.append((title, os.path.join(results, f"section.{n}.md"), []))
    sections[-1][2].append(line)
for title, path, body in sections:
    with open(path, "w") as fh:
        fh.write("\n".join(body))
    print(f"{title}\t{path}")
print("\n".join(lines), file=sys.stderr)
PY
) >"$RESULTS/sections.tsv" || die "writing the report failed"
while IFS=$'\t' read -r title path; do
    replace_section "$title" "$OUT" <"$path"
done <"$RESULTS/sections.tsv"
log "report written to $OUT (its other sections kept)"
