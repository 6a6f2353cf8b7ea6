#!/usr/bin/env bash
# Instructions per request, counted by valgrind's callgrind: unlike wall-clock numbers on
# a shared 2-core box, these repeat to within a fraction of a percent, so a change to the
# hot path can be compared against the bare proxy reliably.
#
# usage: bench/instructions.sh MOCK_UPSTREAM BARE_PROXY BIFROST OHA [OUT.md]
# Each process runs under callgrind twice, serving N1 and then N2 requests (4 at a time);
# (I(N2) - I(N1)) / (N2 - N1) removes start-up and shutdown from the count. Prints a
# markdown section (and puts it into OUT.md when given, e.g. BENCHMARKS.md, in place of
# its previous copy). Needs valgrind.
# Allocations per request come from the same runs: the calls into the allocator
# (glibc's malloc/calloc/realloc, and the mi_*_aligned entry points mimalloc gives
# Rust's global allocator), counted by bench/callgrind_calls.py.
# Environment: N1, N2 (request counts, default 500 and 2500); PROFILE_DIR (keep each
# run's callgrind output there, for `callgrind_annotate`).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MOCK=$1 BARE=$2 BIFROST=$3 OHA=$4 OUT=${5:-}
N1=${N1:-500} N2=${N2:-2500}
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind not installed" >&2; exit 2; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

"$MOCK" --port 0 >"$WORK/up.log" &
PIDS+=($!)
for _ in $(seq 100); do grep -q listening "$WORK/up.log" 2>/dev/null && break; sleep 0.05; done
UPORT=$(grep -o '[0-9]*$' "$WORK/up.log")
cat >"$WORK/base.toml" <<CFG
[providers.up]
type = "openai-compatible"
base_url = "http://127.0.0.1:$UPORT/v1"
[[providers.up.keys]]
name = "bench"
value = "sk-bench-not-secret"
models = ["bench-model"]
CFG
# Request logging (with content) and metrics are on by default.
cp "$WORK/base.toml" "$WORK/default.toml"
{ cat "$WORK/base.toml"; printf '[client]\nenable_logging = false\n'; } >"$WORK/nolog.toml"
# Everything on: the defaults plus a routing rule that matches every request (and the
# virtual key with a budget and a rate limit that `count` adds).
cat "$WORK/base.toml" - >"$WORK/all.toml" <<'CFG'
[[routing_rules]]
name = "bench"
cel_expression = 'headers["x-tier"] == "premium"'
targets = [{ provider = "up", model = "bench-model", weight = 1.0 }]
CFG
printf '%s' '{"model":"up/bench-model","messages":[{"role":"user","content":"hello"}]}' >"$WORK/plain.json"
printf '%s' '{"model":"up/bench-model","stream":true,"messages":[{"role":"user","content":"hello"}]}' >"$WORK/stream.json"

ALLOCATORS=(malloc calloc realloc mi_malloc_aligned mi_zalloc_aligned mi_realloc_aligned)

# count WHAT BODY N: "INSTRUCTIONS ALLOCATIONS" of one callgrind run serving N requests of BODY
# (plain or stream). WHAT is bare, nolog (logging off), default (logging with content
# and metrics), rule (the defaults and a routing rule that matches), vk (the defaults
# and a virtual key with a budget and a rate limit on every request), or all (both).
# With PROFILE_DIR set, the callgrind output of each run is kept there.
count() {
    local what=$1 body=$2 n=$3 port=18599 pid extra=()
    rm -rf "$WORK/data" "$WORK/cg.out"
    if [ "$what" = all ] || [ "$what" = vk ]; then
        local key
        key=$("$BIFROST" --data-dir "$WORK/data" vk create --name bench --budget 1000000 \
            --reset 1d --rpm 100000000 --tpm 1000000000 2>/dev/null)
        extra=(-H "x-bf-vk: $key")
    fi
    if [ "$what" = all ] || [ "$what" = rule ]; then
        extra+=(-H "x-tier: premium")
    fi
    local config=$what
    case $what in rule) config=all ;; vk) config=default ;; esac
    if [ "$what" != bare ]; then
        valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$BIFROST" serve \
            --port $port --data-dir "$WORK/data" --config "$WORK/$config.toml" >"$WORK/run.log" 2>&1 &
    else
        valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$BARE" \
            --port $port --upstream "http://127.0.0.1:$UPORT" >"$WORK/run.log" 2>&1 &
    fi
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    timeout 300 "$OHA" -n "$n" -c 4 --no-tui -m POST -H 'content-type: application/json' \
        "${extra[@]}" -D "$WORK/$body.json" "http://127.0.0.1:$port/v1/chat/completions" >/dev/null
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    [ -z "${PROFILE_DIR:-}" ] || cp "$WORK/cg.out" "$PROFILE_DIR/$what-$body-$n.out"
    echo "$(awk '/^(summary|totals):/ { print $2; exit }' "$WORK/cg.out")" \
        "$(python3 "$(dirname "${BASH_SOURCE[0]}")/callgrind_calls.py" "$WORK/cg.out" "${ALLOCATORS[@]}")"
}

# per_request WHAT BODY: "INSTRUCTIONS ALLOCATIONS" per request
per_request() {
    local a b
    read -r ai aa < <(count "$1" "$2" $N1)
    read -r bi ba < <(count "$1" "$2" $N2)
    echo $(((bi - ai) / (N2 - N1))) $(((ba - aa) / (N2 - N1)))
}

ratio() { awk -v g="$1" -v b="$2" 'BEGIN { printf "%.2fx", g / b }'; }

read -r bare bare_a < <(per_request bare plain)
read -r nolog nolog_a < <(per_request nolog plain)
read -r default default_a < <(per_request default plain)
read -r rule rule_a < <(per_request rule plain)
read -r vk vk_a < <(per_request vk plain)
read -r all all_a < <(per_request all plain)
read -r bare_stream bare_stream_a < <(per_request bare stream)
read -r all_stream all_stream_a < <(per_request all stream)
section=$(cat <<MD
## Instructions per request (callgrind)

Counted, not timed: \`bench/instructions.sh\` runs each process under callgrind serving
$N1 and then $N2 chat requests (4 at a time) and divides the difference, so start-up is
excluded and the figures repeat from run to run. A streamed request is eight content
chunks, a usage chunk and \`[DONE]\` from the mock upstream. Allocations are the calls
into the allocator (malloc, calloc, realloc) in the same runs, counted by
\`bench/callgrind_calls.py\`.

| target | instructions / request | vs bare-proxy | allocations / request |
|---|---:|---:|---:|
| bare-proxy (hyper floor) | $bare | 1.00x | $bare_a |
| bifrost, request logging off (routing, metrics) | $nolog | $(ratio "$nolog" "$bare") | $nolog_a |
| bifrost, defaults (request logging with content, metrics) | $default | $(ratio "$default" "$bare") | $default_a |
| bifrost, defaults and a routing rule (CEL on a header) | $rule | $(ratio "$rule" "$bare") | $rule_a |
| bifrost, defaults and a virtual key with a budget and a rate limit | $vk | $(ratio "$vk" "$bare") | $vk_a |
| bifrost, everything on (defaults, the rule and the virtual key) | $all | $(ratio "$all" "$bare") | $all_a |
| bare-proxy, streamed | $bare_stream | 1.00x | $bare_stream_a |
| bifrost, everything on, streamed | $all_stream | $(ratio "$all_stream" "$bare_stream") | $all_stream_a |
MD
)
echo "$section"
[ -z "$OUT" ] || replace_section "Instructions per request" "$OUT" <<<"$section"
