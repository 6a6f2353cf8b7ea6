#!/usr/bin/env bash
# End-to-end test of the real coding agents through the gateway (issue 15).
#
#   scripts/agents-e2e.sh                    run every check, print a PASS/FAIL summary
#   scripts/agents-e2e.sh --record-fixtures  run each client against the recording mock
#                                            directly (no gateway) and rewrite
#                                            tests/fixtures/agents/*.json from what it sent
#
# What it does:
#  1. Installs the PINNED versions below of Claude Code (@anthropic-ai/claude-code) and
#     the Codex CLI (@openai/codex) with npm into target/agents-npm (reused while the
#     pinned versions are there). The packages ship their native binaries; nothing but
#     these npm packages is downloaded.
#  2. Builds the gateway (cargo build) and starts, on 127.0.0.1 ephemeral ports, one
#     recording mock upstream per provider (scripts/agents_mock.py: Anthropic Messages,
#     OpenAI Responses and chat, JSON and SSE, with tool calls) and the gateway.
#  3. Runs each client non-interactively (`claude -p`, `codex exec`) with a temporary
#     HOME (no user config is read or written), telemetry and non-essential traffic
#     switched off, every process under `timeout`:
#       - directly against a mock, as the baseline of what the client sends;
#       - Claude Code through /anthropic to an `anthropic` provider (same dialect) and
#         to an OpenAI-compatible chat provider (cross dialect);
#       - Codex through /v1/responses to an `openai` provider (same dialect), to an
#         `openai-compatible` one, and to an `anthropic` one (cross dialect: the
#         gateway translates Responses to Anthropic Messages and back).
#     and checks: the client exits 0 and prints the mock's answer; the upstream got the
#     client's vendor fields, headers and query intact on the same-dialect path, and
#     the provider's key instead of the client's; a tool call round-trips (the mock
#     asks for a shell command, the agent runs it and sends its output back, the mock
#     answers with it); the cross-dialect upstream got no Anthropic-only field.
#
# Network: the clients only ever reach 127.0.0.1. Claude Code is kept off the network
# by CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 (plus DISABLE_TELEMETRY,
# DISABLE_AUTOUPDATER, DISABLE_ERROR_REPORTING); Codex by `[analytics] enabled = false`
# (ab.chatgpt.com), `[features] plugins = false` (a git clone of its curated plugins
# from github.com and the ChatGPT plugin catalog) and check_for_update_on_startup =
# false. A proxy that refuses everything is set for anything else, with 127.0.0.1
# exempt, so a stray call fails instead of leaving the machine.
#
# Needs: bash, npm + node, python3, cargo. Exit 0 when every check passes, 1 if one
# fails, 2 when a prerequisite is missing. The run's logs and recordings stay in the
# directory printed at the end when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

CLAUDE_CODE_VERSION=2.1.332
CODEX_VERSION=0.171.0
NPM_DIR=target/agents-npm
# Bounds, in seconds: one client run, the npm install, the build, a process starting.
CLIENT_TIMEOUT=180
INSTALL_TIMEOUT=900
BUILD_TIMEOUT=1800
START_TIMEOUT=30

# The answers of scripts/agents_mock.py (keep in sync with it).
ANSWER="bifrost-mock says hello"
PROBE_PROMPT="Run the bifrost probe."
PROBE_ANSWER="bifrost-mock saw the tool output: bifrost-42"
# What the clients send as their key, and what the gateway's providers hold.
CLIENT_KEY=sk-client-key-placeholder
ANTHROPIC_PROVIDER_KEY=sk-ant-provider-e2e
OPENAI_PROVIDER_KEY=sk-openai-provider-e2e

mode=e2e
case "${1:-}" in
  "") ;;
  --record-fixtures) mode=record ;;
  *) sed -n '2,6p' "$0" >&2; exit 2 ;;
esac

for tool in npm node python3 cargo timeout; do
  command -v "$tool" >/dev/null || { echo "$tool not found: this script needs it" >&2; exit 2; }
done

ROOT=$(pwd)
RUN=$(mktemp -d "$ROOT/target/agents-e2e.XXXXXX")
# The clients' working directory: outside any git repository, so neither reads this
# one's history into its prompt.
WORK=$(mktemp -d /tmp/bifrost-agents-work.XXXXXX)
PIDS=()
failures=0
results=()

cleanup() {
  local rc=$? pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
  if [[ $rc -eq 0 && $mode == e2e ]]; then
    rm -rf "$RUN"
  else
    echo "logs and recordings: $RUN"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# 1. The pinned clients.
# ---------------------------------------------------------------------------

installed_version() { # PACKAGE
  node -e 'try { console.log(require(process.argv[1]).version) } catch { console.log("none") }' \
    "$ROOT/$NPM_DIR/node_modules/$1/package.json"
}

install_clients() {
  if [[ $(installed_version @anthropic-ai/claude-code) == "$CLAUDE_CODE_VERSION" &&
        $(installed_version @openai/codex) == "$CODEX_VERSION" ]]; then
    return
  fi
  echo "installing @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION and @openai/codex@$CODEX_VERSION into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  timeout "$INSTALL_TIMEOUT" npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error \
    "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" "@openai/codex@$CODEX_VERSION"
}

install_clients
CLAUDE="$ROOT/$NPM_DIR/node_modules/.bin/claude"
CODEX="$ROOT/$NPM_DIR/node_modules/.bin/codex"
# Claude Code's postinstall puts the native binary in place of a placeholder; npm
# versions that hold back install scripts leave the placeholder, so run it here.
if ! timeout 30 "$CLAUDE" --version >/dev/null 2>&1; then
  (cd "$NPM_DIR/node_modules/@anthropic-ai/claude-code" && timeout 120 node install.cjs)
fi
claude_version=$(timeout 30 "$CLAUDE" --version </dev/null)
codex_version=$(HOME=$RUN CODEX_HOME=$RUN timeout 30 "$CODEX" --version </dev/null 2>/dev/null)
[[ $claude_version == "$CLAUDE_CODE_VERSION"* ]] || { echo "claude --version: $claude_version, expected $CLAUDE_CODE_VERSION" >&2; exit 2; }
[[ $codex_version == *"$CODEX_VERSION" ]] || { echo "codex --version: $codex_version, expected $CODEX_VERSION" >&2; exit 2; }
echo "clients: claude $claude_version; $codex_version"

# ---------------------------------------------------------------------------
# 2. Processes: mocks and the gateway, on ephemeral ports, killed on exit.
# ---------------------------------------------------------------------------

wait_for_file() { # FILE WHAT PID
  local deadline=$((SECONDS + START_TIMEOUT))
  until [[ -s $1 ]]; do
    kill -0 "$3" 2>/dev/null || { echo "$2 exited before it was ready" >&2; exit 1; }
    ((SECONDS < deadline)) || { echo "$2 not ready after ${START_TIMEOUT}s" >&2; exit 1; }
    sleep 0.1
  done
}

# start_mock NAME: a recording mock; sets MOCK_URL (no path) and records to $RUN/NAME.jsonl.
start_mock() {
  : >"$RUN/$1.jsonl"
  timeout 3600 python3 "$ROOT/scripts/agents_mock.py" --record "$RUN/$1.jsonl" \
    --port-file "$RUN/$1.port" --verbose 2>"$RUN/$1.log" &
  PIDS+=($!)
  wait_for_file "$RUN/$1.port" "mock $1" "$!"
  MOCK_URL="http://127.0.0.1:$(cat "$RUN/$1.port")"
}

# start_gateway CONFIG: bifrost serve on an ephemeral port; sets GATEWAY.
start_gateway() {
  timeout 3600 "$ROOT/target/debug/bifrost" --data-dir "$RUN/gateway-data" serve \
    --config "$1" --port 0 >"$RUN/gateway.out" 2>"$RUN/gateway.log" &
  PIDS+=($!)
  local pid=$! deadline=$((SECONDS + START_TIMEOUT))
  until grep -q 'listening on http://' "$RUN/gateway.out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$RUN/gateway.log" >&2; echo "the gateway exited" >&2; exit 1; }
    ((SECONDS < deadline)) || { echo "the gateway did not listen within ${START_TIMEOUT}s" >&2; exit 1; }
    sleep 0.1
  done
  GATEWAY="http://$(sed -n 's/.*listening on http:\/\/\([^ ]*\).*/\1/p' "$RUN/gateway.out" | head -n1)"
}

# ---------------------------------------------------------------------------
# 3. The clients, each with a fresh HOME and nothing from the environment but PATH.
# ---------------------------------------------------------------------------

# A proxy nobody listens on: whatever a client sends past NO_PROXY fails at once.
DEAD_PROXY=http://127.0.0.1:9
CLIENT_ENV=(
  env -i "PATH=$PATH" TERM=dumb LANG=C.UTF-8
  "HTTP_PROXY=$DEAD_PROXY" "HTTPS_PROXY=$DEAD_PROXY" "http_proxy=$DEAD_PROXY" "https_proxy=$DEAD_PROXY"
  "NO_PROXY=127.0.0.1,localhost" "no_proxy=127.0.0.1,localhost"
)

# run_claude NAME BASE_URL ARGS...: output in $RUN/NAME.out, exit code in RC.
run_claude() {
  local name=$1 base=$2
  shift 2
  local home="$RUN/$name.home"
  mkdir -p "$home"
  RC=0
  (cd "$WORK" && "${CLIENT_ENV[@]}" "HOME=$home" \
    "ANTHROPIC_BASE_URL=$base" "ANTHROPIC_API_KEY=$CLIENT_KEY" \
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 \
    DISABLE_ERROR_REPORTING=1 \
    timeout "$CLIENT_TIMEOUT" "$CLAUDE" -p "$@" </dev/null >"$RUN/$name.out" 2>"$RUN/$name.err") || RC=$?
}

# run_codex NAME BASE_URL MODEL ARGS...: a config.toml naming one provider `bifrost`.
run_codex() {
  local name=$1 base=$2 model=$3
  shift 3
  local home="$RUN/$name.home"
  mkdir -p "$home/.codex"
  cat >"$home/.codex/config.toml" <<EOF
model = "$model"
model_provider = "bifrost"
check_for_update_on_startup = false

[model_providers.bifrost]
name = "bifrost"
base_url = "$base"
env_key = "BIFROST_API_KEY"
wire_api = "responses"

[analytics]
enabled = false

[features]
plugins = false
EOF
  RC=0
  (cd "$WORK" && "${CLIENT_ENV[@]}" "HOME=$home" "CODEX_HOME=$home/.codex" \
    "BIFROST_API_KEY=$CLIENT_KEY" \
    timeout "$CLIENT_TIMEOUT" "$CODEX" exec --strict-config --skip-git-repo-check \
    --sandbox read-only "$@" </dev/null >"$RUN/$name.out" 2>"$RUN/$name.err") || RC=$?
}

# ---------------------------------------------------------------------------
# Checks: each prints PASS or FAIL with a reason; the summary comes at the end.
# ---------------------------------------------------------------------------

record() { # STATUS NAME DETAIL
  results+=("$1  $2${3:+: $3}")
  echo "$1  $2${3:+: $3}"
  [[ $1 == PASS ]] || failures=$((failures + 1))
}

# check_client NAME WANT: the run exited 0 and printed WANT.
check_client() {
  local name=$1 want=$2
  if [[ $RC -ne 0 ]]; then
    record FAIL "$name" "exit $RC; $(tail -c 300 "$RUN/$name.out" | tr '\n' ' ') $(tail -c 300 "$RUN/$name.err" | tr '\n' ' ')"
  elif ! grep -qF "$want" "$RUN/$name.out"; then
    record FAIL "$name" "exit 0 but no \"$want\" in: $(tail -c 300 "$RUN/$name.out" | tr '\n' ' ')"
  else
    record PASS "$name" "exit 0, printed \"$want\""
  fi
}

# check NAME agents_check.py-ARGS...
check() {
  local name=$1 out
  shift
  if out=$(python3 "$ROOT/scripts/agents_check.py" "$@" 2>&1); then
    record PASS "$name" "$out"
  else
    record FAIL "$name" "$out"
  fi
}

# ---------------------------------------------------------------------------
# --record-fixtures: the clients straight at the mock, no gateway.
# ---------------------------------------------------------------------------

if [[ $mode == record ]]; then
  out=tests/fixtures/agents
  mkdir -p "$out"
  start_mock claude
  run_claude claude-hello "$MOCK_URL" "Say hello"
  check_client claude-hello "$ANSWER"
  start_mock claude-tool
  run_claude claude-tool "$MOCK_URL" "$PROBE_PROMPT" --allowedTools Bash
  check_client claude-tool "$PROBE_ANSWER"
  start_mock codex
  run_codex codex-hello "$MOCK_URL/v1" gpt-5-codex "Say hello"
  check_client codex-hello "$ANSWER"
  start_mock codex-tool
  run_codex codex-tool "$MOCK_URL/v1" gpt-5-codex "$PROBE_PROMPT"
  check_client codex-tool "$PROBE_ANSWER"
  if [[ $failures -eq 0 ]]; then
    client="claude-code $CLAUDE_CODE_VERSION: claude -p 'Say hello'"
    python3 scripts/agents_check.py fixture "$RUN/claude.jsonl" 0 "$out/claude_code_messages.json" "$client"
    client="claude-code $CLAUDE_CODE_VERSION: claude -p '$PROBE_PROMPT' --allowedTools Bash, after the tool ran"
    python3 scripts/agents_check.py fixture "$RUN/claude-tool.jsonl" 1 "$out/claude_code_messages_followup.json" "$client"
    client="codex-cli $CODEX_VERSION: codex exec 'Say hello' (wire_api = responses)"
    python3 scripts/agents_check.py fixture "$RUN/codex.jsonl" 0 "$out/codex_responses.json" "$client"
    client="codex-cli $CODEX_VERSION: codex exec '$PROBE_PROMPT' (wire_api = responses), after the tool ran"
    python3 scripts/agents_check.py fixture "$RUN/codex-tool.jsonl" 1 "$out/codex_responses_followup.json" "$client"
  fi
  exit $((failures > 0))
fi

# ---------------------------------------------------------------------------
# The end-to-end run.
# ---------------------------------------------------------------------------

echo "building the gateway"
timeout "$BUILD_TIMEOUT" cargo build --quiet --bin bifrost

# Baselines: what each client sends with no gateway in between.
start_mock direct-claude
DIRECT_CLAUDE_URL=$MOCK_URL
start_mock direct-codex
DIRECT_CODEX_URL=$MOCK_URL
# One mock per provider, so each recording holds only that provider's traffic.
start_mock anthropic
ANTHROPIC_URL=$MOCK_URL
start_mock chat
CHAT_URL=$MOCK_URL
start_mock openai
OPENAI_URL=$MOCK_URL
start_mock compat
COMPAT_URL=$MOCK_URL

# `anthropic` comes first with a key for every model, so Claude Code's bare model
# names (claude-opus-..., and whatever it asks for on the side) route to it.
cat >"$RUN/bifrost.toml" <<EOF
[providers.anthropic]
type = "anthropic"
base_url = "$ANTHROPIC_URL/v1"
[[providers.anthropic.keys]]
name = "k"
value = "$ANTHROPIC_PROVIDER_KEY"

[providers.chat]
type = "openai-compatible"
base_url = "$CHAT_URL/v1"
[[providers.chat.keys]]
name = "k"
value = "$OPENAI_PROVIDER_KEY"
models = ["gpt-4o"]

[providers.openai]
type = "openai"
base_url = "$OPENAI_URL/v1"
[[providers.openai.keys]]
name = "k"
value = "$OPENAI_PROVIDER_KEY"
models = ["gpt-5-codex"]

[providers.compat]
type = "openai-compatible"
base_url = "$COMPAT_URL/v1"
[[providers.compat.keys]]
name = "k"
value = "$OPENAI_PROVIDER_KEY"
models = ["gpt-5-codex"]
EOF
start_gateway "$RUN/bifrost.toml"
echo "gateway: $GATEWAY"

echo "--- Claude Code"
run_claude claude-direct "$DIRECT_CLAUDE_URL" "Say hello"
check_client claude-direct "$ANSWER"
run_claude claude-same "$GATEWAY/anthropic" "Say hello"
check_client claude-same "$ANSWER"
model=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["body"]["model"])' \
  "$RUN/direct-claude.jsonl" 2>/dev/null || echo unknown)
check claude-same-forwarded forwarded "$RUN/direct-claude.jsonl" "$RUN/anthropic.jsonl" anthropic \
  "$model" "$ANTHROPIC_PROVIDER_KEY"
: >"$RUN/anthropic.jsonl"
run_claude claude-same-tool "$GATEWAY/anthropic" "$PROBE_PROMPT" --allowedTools Bash
check_client claude-same-tool "$PROBE_ANSWER"
check claude-same-tool-result round-trip "$RUN/anthropic.jsonl" anthropic

run_claude claude-cross "$GATEWAY/anthropic" "Say hello" --model chat/gpt-4o
check_client claude-cross "$ANSWER"
check claude-cross-path path "$RUN/chat.jsonl" /v1/chat/completions
check claude-cross-no-context-management absent "$RUN/chat.jsonl" context_management
# The client cannot show response headers: send its recorded request again to see them.
check claude-cross-dropped-named dropped "$RUN/direct-claude.jsonl" "$GATEWAY/anthropic/v1/messages" \
  chat/gpt-4o context_management,thinking
: >"$RUN/chat.jsonl"
run_claude claude-cross-tool "$GATEWAY/anthropic" "$PROBE_PROMPT" --allowedTools Bash --model chat/gpt-4o
check_client claude-cross-tool "$PROBE_ANSWER"
check claude-cross-tool-result round-trip "$RUN/chat.jsonl" chat

echo "--- Codex"
run_codex codex-direct "$DIRECT_CODEX_URL/v1" gpt-5-codex "Say hello"
check_client codex-direct "$ANSWER"
run_codex codex-same "$GATEWAY/v1" openai/gpt-5-codex "Say hello"
check_client codex-same "$ANSWER"
check codex-same-forwarded forwarded "$RUN/direct-codex.jsonl" "$RUN/openai.jsonl" responses \
  gpt-5-codex "$OPENAI_PROVIDER_KEY"
: >"$RUN/openai.jsonl"
run_codex codex-same-tool "$GATEWAY/v1" openai/gpt-5-codex "$PROBE_PROMPT"
check_client codex-same-tool "$PROBE_ANSWER"
check codex-same-tool-result round-trip "$RUN/openai.jsonl" responses

run_codex codex-compat-tool "$GATEWAY/v1" compat/gpt-5-codex "$PROBE_PROMPT"
check_client codex-compat-tool "$PROBE_ANSWER"
check codex-compat-path path "$RUN/compat.jsonl" /v1/responses
check codex-compat-tool-result round-trip "$RUN/compat.jsonl" responses

# Cross dialect: Responses in, Anthropic Messages out, Responses events back.
: >"$RUN/anthropic.jsonl"
run_codex codex-cross "$GATEWAY/v1" anthropic/claude-sonnet-4-5 "Say hello"
check_client codex-cross "$ANSWER"
check codex-cross-path path "$RUN/anthropic.jsonl" /v1/messages
check codex-cross-dropped-named dropped "$RUN/direct-codex.jsonl" "$GATEWAY/v1/responses" \
  anthropic/claude-sonnet-4-5 include,tools
: >"$RUN/anthropic.jsonl"
run_codex codex-cross-tool "$GATEWAY/v1" anthropic/claude-sonnet-4-5 "$PROBE_PROMPT"
check_client codex-cross-tool "$PROBE_ANSWER"
check codex-cross-tool-result round-trip "$RUN/anthropic.jsonl" anthropic

echo
echo "=== agents-e2e summary (claude $CLAUDE_CODE_VERSION, codex $CODEX_VERSION)"
printf '%s\n' "${results[@]}" | cut -c1-160
passed=$((${#results[@]} - failures))
echo "agents-e2e: $passed passed, $failures failed"
exit $((failures > 0))
