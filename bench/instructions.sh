#!/usr/bin/env bash
# Instructions per request, counted by valgrind's callgrind: unlike wall-clock numbers on
# a shared 2-core box, these repeat to within a fraction of a percent, so a change to the
# hot path can be compared against the bare proxy reliably.
#
# usage: bench/instructions.sh MOCK_UPSTREAM BARE_PROXY BIFROST OHA [OUT.md]
# Each process runs under callgrind twice, serving N1 and then N2 requests (4 at a time);
# (I(N2) - I(N1)) / (N2 - N1) removes start-up and shutdown from the count. Prints a
# markdown section (and writes it to OUT.md when given). Needs valgrind.
set -euo pipefail
MOCK=$1 BARE=$2 BIFROST=$3 OHA=$4 OUT=${5:-}
N1=500 N2=2500
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
cat >"$WORK/cfg.toml" <<CFG
[providers.up]
type = "openai-compatible"
base_url = "http://127.0.0.1:$UPORT/v1"
[[providers.up.keys]]
name = "bench"
value = "sk-bench-not-secret"
models = ["bench-model"]
CFG
printf '%s' '{"model":"up/bench-model","messages":[{"role":"user","content":"hello"}]}' >"$WORK/body.json"

# count WHAT N: total instructions of one callgrind run serving N requests. WHAT is
# bare, bifrost, or bifrost-vk: every request presents a virtual key with a budget and
# a rate limit, so governance (auth, reservation, settlement) is on the path.
count() {
    local what=$1 n=$2 port=18599 pid vk=()
    rm -rf "$WORK/data" "$WORK/cg.out"
    if [ "$what" = bifrost-vk ]; then
        local key
        key=$("$BIFROST" --data-dir "$WORK/data" vk create --name bench --budget 1000000 \
            --reset 1d --rpm 100000000 --tpm 1000000000 2>/dev/null)
        vk=(-H "x-bf-vk: $key")
    fi
    if [ "$what" != bare ]; then
        valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$BIFROST" serve \
            --port $port --data-dir "$WORK/data" --config "$WORK/cfg.toml" >"$WORK/run.log" 2>&1 &
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
        "${vk[@]}" -D "$WORK/body.json" "http://127.0.0.1:$port/v1/chat/completions" >/dev/null
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    awk '/^(summary|totals):/ { print $2; exit }' "$WORK/cg.out"
}

per_request() {
    local a b
    a=$(count "$1" $N1)
    b=$(count "$1" $N2)
    echo $(((b - a) / (N2 - N1)))
}

bare=$(per_request bare)
gw=$(per_request bifrost)
vk=$(per_request bifrost-vk)
section=$(cat <<MD
## Instructions per request (callgrind)

Counted, not timed: \`bench/instructions.sh\` runs each process under callgrind serving
$N1 and then $N2 non-streaming chat requests and divides the difference, so start-up is
excluded and the figures repeat from run to run.

| target | instructions / request | vs bare-proxy |
|---|---:|---:|
| bare-proxy (hyper floor) | $bare | 1.00x |
| bifrost | $gw | $(awk -v g="$gw" -v b="$bare" 'BEGIN { printf "%.2fx", g / b }') |
| bifrost, virtual key with a budget and a rate limit | $vk | $(awk -v g="$vk" -v b="$bare" 'BEGIN { printf "%.2fx", g / b }') |
MD
)
echo "$section"
[ -z "$OUT" ] || echo "$section" >"$OUT"
