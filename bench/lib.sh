# Helpers shared by the bench/ scripts (source it; it defines functions only).
#
# The scripts each own some sections of BENCHMARKS.md and must not drop the
# others' (run.sh used to rewrite the file whole); they also start many local
# processes that must all be stopped by PID however the script ends.
#
# A sourcing script sets WORK (a temp dir for logs) before starting processes
# and calls `install_cleanup` once.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# replace_section TITLE FILE < SECTION: puts SECTION (markdown whose first line is
# `## TITLE...`) into FILE in place of the section whose heading starts with
# `## TITLE` (followed by the end of the line, a space or a colon), up to the next
# `## ` heading. A missing section is appended; a missing FILE is created with the
# file's title. Every other section is left byte for byte as it was. Headings carry
# parameters ("Fixed rate: 1000 req/s"), so TITLE is the stable part before them.
replace_section() {
    python3 -c '
import os, re, sys
title, path = sys.argv[1], sys.argv[2]
section = sys.stdin.read().strip("\n") + "\n"
head = re.compile(r"## " + re.escape(title) + r"($|[ :])", re.M)
if not head.match(section):
    sys.exit(f"replace_section: the section does not start with ## {title}")
try:
    with open(path) as f:
        lines = f.read().splitlines(keepends=True)
except FileNotFoundError:
    lines = ["# Benchmarks\n", "\n",
             "Each section is written by the bench/ script it names; rerun that script\n",
             "rather than editing by hand (each one replaces only its own sections).\n"]
start = next((i for i, l in enumerate(lines) if head.match(l)), None)
if start is None:
    while lines and not lines[-1].strip():
        lines.pop()
    lines += ["\n", section]
else:
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    lines[start:end] = [section] + (["\n"] if end < len(lines) else [])
tmp = path + ".tmp"
with open(tmp, "w") as f:
    f.write("".join(lines))
os.replace(tmp, path)
' "$1" "$2"
}

# ---------------------------------------------------------------- processes
PIDS=()
forget_pid() {
    local keep=() p
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}
# tree_pids PID: PID and all its descendants (LiteLLM and Portkey fork workers).
tree_pids() {
    local p
    echo "$1"
    for p in $(pgrep -P "$1" 2>/dev/null); do tree_pids "$p"; done
}
stop_pid() { # stop_pid PID: TERM the process and its children, wait up to 5 s, then KILL
    local pid=$1 all
    all=$(tree_pids "$pid" | tr '\n' ' ')
    # shellcheck disable=SC2086 # word splitting intended: a list of PIDs
    kill -TERM $all 2>/dev/null || { forget_pid "$pid"; return 0; }
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $all 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}
# install_cleanup: on exit stop every process in PIDS and remove WORK (kept when
# BENCH_KEEP_WORK=1 or the script failed, for its logs).
install_cleanup() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
bench_cleanup() {
    local rc=$? p
    trap - EXIT INT TERM
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$p"; done
    if [ "${BENCH_KEEP_WORK:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
        log "work dir kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}

wait_tcp() { # wait_tcp PORT PID NAME: bounded wait until 127.0.0.1:PORT accepts
    local port=$1 pid=$2 name=$3
    for _ in $(seq 1 200); do
        kill -0 "$pid" 2>/dev/null || die "$name exited during startup: $(tail -n 20 "$WORK/$name.log")"
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    die "$name did not accept TCP connections on 127.0.0.1:$port within 10 s"
}

# start_tool NAME CMD...: starts a bench binary that prints `listening on
# 127.0.0.1:PORT`; sets STARTED_PID and STARTED_PORT.
start_tool() {
    local name=$1 port=""
    shift
    : >"$WORK/$name.out"
    "$@" >>"$WORK/$name.out" 2>"$WORK/$name.log" &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    for _ in $(seq 1 200); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$WORK/$name.out" || true)
        [ -n "$port" ] && break
        kill -0 "$STARTED_PID" 2>/dev/null || die "$name exited during startup: $(cat "$WORK/$name.log")"
        sleep 0.05
    done
    [ -n "$port" ] || die "$name printed no 'listening on' line within 10 s"
    wait_tcp "$port" "$STARTED_PID" "$name"
    STARTED_PORT=$port
    log "$name up on 127.0.0.1:$port (pid $STARTED_PID)"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_bifrost NAME UPSTREAM_PORT: writes its config (provider
# `up`, model `up/bench-model`), starts $BIFROST, waits for GET /health; sets
# STARTED_PID and STARTED_PORT.
start_bifrost() {
    local name=$1 upstream_port=$2 port data cfg
    port=$(free_port)
    data="$WORK/$name-data"
    cfg="$WORK/$name.toml"
    mkdir -p "$data"
    cat >"$cfg" <<EOF
[server]
host = "127.0.0.1"
port = $port
[client]
drop_excess_requests = false
[providers.up]
type = "openai-compatible"
base_url = "http://127.0.0.1:$upstream_port/v1"
[[providers.up.keys]]
name = "bench"
value = "sk-bench-not-secret"
models = ["bench-model"]
weight = 1.0
[providers.up.network]
max_concurrency = 20000
queue_size = 20000
EOF
    "$BIFROST" serve --host 127.0.0.1 --port "$port" --data-dir "$data" --config "$cfg" \
        >"$WORK/$name.log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    wait_http "$name" "$STARTED_PID" "http://127.0.0.1:$port/health"
    STARTED_PORT=$port
}

# wait_http NAME PID URL [SECONDS]: bounded wait (default 60 s) until GET URL answers 2xx.
wait_http() {
    local name=$1 pid=$2 url=$3 deadline=$((SECONDS + ${4:-60}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        kill -0 "$pid" 2>/dev/null || die "$name exited during startup; last log lines:
$(tail -n 30 "$WORK/$name.log")"
        if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then
            log "$name up at $url (pid $pid)"
            return 0
        fi
        sleep 0.1
    done
    die "$name did not answer GET $url within ${4:-60} s; last log lines:
$(tail -n 30 "$WORK/$name.log")"
}

proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# tree_kb PID KEY: KEY (VmRSS, VmHWM) summed over PID and its descendants. For
# VmHWM that is the sum of each process's own peak, an upper bound of the tree's.
tree_kb() {
    local p total=0 v
    for p in $(tree_pids "$1"); do
        v=$(proc_kb "$p" "$2" 2>/dev/null || true)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
reset_peak_rss() { # Linux >= 4.0: writing 5 to clear_refs resets VmHWM to VmRSS
    if echo 5 >"/proc/$1/clear_refs" 2>/dev/null; then echo 1; else echo 0; fi
}
tree_cpu_ticks() { # user+system CPU ticks of PID and its live descendants
    local p total=0 v
    for p in $(tree_pids "$1"); do
        v=$(cpu_ticks "$p" 2>/dev/null || true)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}
# reset_tree_peak PID: reset_peak_rss for PID and its descendants; prints 1 when all took.
reset_tree_peak() {
    local p ok=1
    for p in $(tree_pids "$1"); do [ "$(reset_peak_rss "$p")" = 1 ] || ok=0; done
    echo "$ok"
}

# check_target NAME URL [CURL-ARGS...]: one real request ($BODY) must come back 200
# before load, within CHECK_TIMEOUT seconds (default 10).
check_target() {
    local name=$1 url=$2 code
    shift 2
    code=$(curl -sS -o "$WORK/$name.check" -w '%{http_code}' --max-time "${CHECK_TIMEOUT:-10}" \
        -H 'content-type: application/json' "$@" -d "$BODY" "$url") || code=000
    [ "$code" = 200 ] || die "$name answered the bench request with HTTP $code: $(head -c 500 "$WORK/$name.check" 2>/dev/null)"
}

meta() { printf '%s=%s\n' "$1" "$2" >>"$META"; }

secs() { echo "${1%s}"; }

# run_oha OUTFILE DURATION OHA-ARGS... URL: one bounded oha run posting $BODY, each
# request timing out after $REQ_TIMEOUT.
run_oha() {
    local out=$1 dur=$2 pid rc=0
    shift 2
    timeout -k 10 "$(( $(secs "$dur") + 90 ))" \
        "$OHA" --no-tui --output-format json -o "$out" -z "$dur" -t "$REQ_TIMEOUT" \
        -m POST -H 'content-type: application/json' -d "$BODY" "$@" \
        >"$out.stdout" 2>"$out.stderr" &
    pid=$!
    PIDS+=("$pid")
    wait "$pid" || rc=$?
    forget_pid "$pid"
    if [ "$rc" -ne 0 ]; then
        log "WARNING: oha exited with $rc for $(basename "$out"): $(tail -n 5 "$out.stderr")"
    fi
    return 0
}

# measure LABEL PID URL KIND DURATION OHA-ARGS...: oha against URL while
# recording peak RSS and CPU time of PID and its children (the process under test),
# into $META as LABEL.KIND.{hwm_kb,hwm_reset,cpu_ticks} (or LABEL.KIND.died).
measure() {
    local label=$1 pid=$2 url=$3 kind=$4 dur=$5 reset t0 t1
    shift 5
    reset=$(reset_tree_peak "$pid")
    t0=$(tree_cpu_ticks "$pid")
    # The arguments may carry a bearer token (the peers' keys): keep it out of the log.
    log "$label/$kind: oha -z $dur $(sed 's/Bearer [^ ]*/Bearer <redacted>/g' <<<"$*") (pid under test $pid)"
    run_oha "$RESULTS/$label.$kind.json" "$dur" "$@" "$url"
    if ! kill -0 "$pid" 2>/dev/null; then
        log "ERROR: $label (pid $pid) died during the $kind run"
        meta "$label.$kind.died" 1
        return 1
    fi
    t1=$(tree_cpu_ticks "$pid")
    meta "$label.$kind.hwm_kb" "$(tree_kb "$pid" VmHWM)"
    meta "$label.$kind.hwm_reset" "$reset"
    meta "$label.$kind.cpu_ticks" "$((t1 - t0))"
}

# ensure_oha BENCH_DIR VERSION: sets OHA to an oha of VERSION, installing it into
# BENCH_DIR/.tools with cargo the first time.
ensure_oha() {
    OHA="$1/.tools/bin/oha"
    if [ -x "$OHA" ] && [ "$("$OHA" --version 2>/dev/null)" = "oha $2" ]; then
        log "oha $2 already installed in bench/.tools"
    else
        log "installing oha $2 into bench/.tools (one-time, takes a few minutes)"
        cargo install oha --locked --version "$2" --root "$1/.tools" || die "cargo install oha failed"
    fi
}

# raise_nofile: as many open files as this shell may have (thousands of sockets).
raise_nofile() {
    if ! ulimit -n 65535 2>/dev/null; then
        local hard
        hard=$(ulimit -Hn)
        if [ "$hard" = unlimited ]; then ulimit -n 65535; else ulimit -n "$hard"; fi
    fi
}
