#!/usr/bin/env bash
# Does the request-log writer keep up at saturation? Drives the release server with
# logging on (content on, the default) at saturation for 60 s, then checks that the
# log holds a record of every request oha saw answered, and reports the records a
# full queue dropped (`GET /api/logs/dropped`, `bifrost_log_records_dropped_total`).
#
#   bench/logs_saturation.sh
#   BENCH_SECONDS=10 bench/logs_saturation.sh     # a shorter run
#
# Environment:
#   BENCH_GATEWAY_BIN  the bifrost binary (default target/release/bifrost; build it
#                      with `cargo build --release`)
#   OHA                oha (default /work/bench-tools/bin/oha, else bench/.tools/bin/oha)
#   MOCK               the mock OpenAI upstream (default
#                      /work/bench-target/release/mock-upstream, else
#                      bench/target/release/mock-upstream; bench/run.sh builds it)
#   BENCH_SECONDS      load duration (default 60)
#   BENCH_CONNS        oha connections (default 64, as bench/run.sh's saturation)
#
# Everything listens on 127.0.0.1 only; every process it starts is killed by PID on
# exit; oha is bounded by `timeout`. Exit status 1 when a request is missing from
# the log or a record was dropped.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BIFROST=${BENCH_GATEWAY_BIN:-$ROOT/target/release/bifrost}
first_of() { for f in "$@"; do [ -x "$f" ] && { echo "$f"; return; }; done; echo "$1"; }
OHA=${OHA:-$(first_of /work/bench-tools/bin/oha "$BENCH_DIR/.tools/bin/oha")}
MOCK=${MOCK:-$(first_of /work/bench-target/release/mock-upstream "$BENCH_DIR/target/release/mock-upstream")}
SECONDS_RUN=${BENCH_SECONDS:-60}
CONNS=${BENCH_CONNS:-64}
TOKEN=bench-admin-token
BODY='{"model":"up/bench-model","messages":[{"role":"user","content":"hello from the log saturation bench"}]}'

log() { printf '[logs-saturation %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }
for tool in "$BIFROST" "$OHA" "$MOCK"; do
    [ -x "$tool" ] || die "$tool is missing (see --help in this script's header)"
done
command -v python3 >/dev/null || die "python3 is required"
command -v curl >/dev/null || die "curl is required"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bifrost-logs-sat.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$MOCK" --port 0 --delay-ms 0 >"$WORK/mock.out" 2>"$WORK/mock.log" &
PIDS+=("$!")
UP_PORT=""
for _ in $(seq 1 200); do
    UP_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$WORK/mock.out")
    [ -n "$UP_PORT" ] && break
    sleep 0.05
done
[ -n "$UP_PORT" ] || die "the mock upstream did not start: $(cat "$WORK/mock.log")"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$WORK/data"
cat >"$WORK/bifrost.toml" <<TOML
[server]
host = "127.0.0.1"
port = $PORT
[admin]
token = "$TOKEN"
[client]
drop_excess_requests = false
enable_logging = true
disable_content_logging = false
[providers.up]
type = "openai-compatible"
base_url = "http://127.0.0.1:$UP_PORT/v1"
[[providers.up.keys]]
name = "bench"
value = "sk-bench-not-secret"
models = ["bench-model"]
[providers.up.network]
max_concurrency = 20000
queue_size = 20000
TOML
"$BIFROST" serve --host 127.0.0.1 --port "$PORT" --data-dir "$WORK/data" \
    --config "$WORK/bifrost.toml" >"$WORK/bifrost.log" 2>&1 &
PIDS+=("$!")
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 1 "$URL/health" 2>/dev/null && break
    sleep 0.1
done
curl -fsS -o /dev/null --max-time 1 "$URL/health" || die "bifrost did not start: $(tail -n 20 "$WORK/bifrost.log")"

api() { curl -fsS --max-time 30 -H "authorization: Bearer $TOKEN" "$URL$1"; }
count() { # count QUERY: total_count of /api/logs?QUERY
    api "/api/logs?limit=1&$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total_count"])'
}

log "bifrost $("$BIFROST" --version 2>/dev/null || echo '?') on $URL; oha -c $CONNS for ${SECONDS_RUN}s"
timeout -k 10 "$((SECONDS_RUN + 90))" "$OHA" --no-tui --output-format json -o "$WORK/oha.json" \
    -z "${SECONDS_RUN}s" -w -c "$CONNS" -t 30s -m POST -H 'content-type: application/json' \
    -d "$BODY" "$URL/v1/chat/completions" >"$WORK/oha.stdout" 2>"$WORK/oha.stderr" \
    || die "oha failed: $(tail -n 5 "$WORK/oha.stderr")"

read -r RPS OK ANSWERED ERRORS < <(python3 - "$WORK/oha.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
codes = {int(k): v for k, v in (d.get("statusCodeDistribution") or {}).items()}
errors = sum((d.get("errorDistribution") or {}).values())
print(round(d["summary"]["requestsPerSec"]), codes.get(200, 0), sum(codes.values()), errors)
PY
)

# The writer flushes at least every second: wait until the count reaches oha's, or
# stops moving for 5 s.
LOGGED=0; SAME=0
for _ in $(seq 1 120); do
    NOW=$(count "")
    if [ "$NOW" -ge "$ANSWERED" ]; then LOGGED=$NOW; break; fi
    if [ "$NOW" = "$LOGGED" ]; then SAME=$((SAME + 1)); else SAME=0; fi
    LOGGED=$NOW
    [ "$SAME" -ge 10 ] && break
    sleep 0.5
done
SUCCESS=$(count "status=success")
DROPPED=$(api /api/logs/dropped | python3 -c 'import json,sys; print(json.load(sys.stdin)["dropped"])')
METRIC=$(api /metrics | awk '/^bifrost_log_records_dropped_total/ { print $2 }')
SIZE=$(stat -c %s "$WORK/data/logs.redb")

cat <<REPORT
| figure | value |
|---|---|
| load | oha -c $CONNS -z ${SECONDS_RUN}s, saturation, logging on with content |
| throughput | $RPS req/s |
| answered (oha) | $ANSWERED, of which 200: $OK; connection errors: $ERRORS |
| records in the log | $LOGGED, of which success: $SUCCESS |
| dropped (GET /api/logs/dropped) | $DROPPED |
| bifrost_log_records_dropped_total | ${METRIC:-absent} |
| logs.redb | $((SIZE / 1048576)) MiB, $((SIZE / (LOGGED > 0 ? LOGGED : 1))) bytes per record |
REPORT

STATUS=0
if [ "$SUCCESS" -ne "$OK" ]; then
    log "MISMATCH: oha saw $OK successes, the log holds $SUCCESS successful records"
    STATUS=1
fi
if [ "$LOGGED" -lt "$ANSWERED" ]; then
    log "MISSING: oha saw $ANSWERED answers, the log holds $LOGGED records"
    STATUS=1
fi
if [ "$DROPPED" -ne 0 ]; then
    log "DROPPED: $DROPPED records were dropped by a full queue"
    STATUS=1
fi
[ "$STATUS" = 0 ] && log "the writer kept up: every answered request is in the log, none dropped"
exit "$STATUS"
