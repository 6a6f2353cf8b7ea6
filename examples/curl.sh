#!/usr/bin/env bash
# Talk to a running bifrost gateway with curl.
#
#   bifrost serve --config examples/bifrost.toml   # in another terminal
#   bash examples/curl.sh
#
# BIFROST_URL   gateway address (default http://127.0.0.1:8080)
# BIFROST_MODEL model to use     (default mock/demo-model: the built-in mock
#               provider, which needs no API key)
set -euo pipefail

URL="${BIFROST_URL:-http://127.0.0.1:8080}"
MODEL="${BIFROST_MODEL:-mock/demo-model}"
# Clients authenticate to bifrost as they would to OpenAI; bifrost adds the
# provider's own key upstream. Any value works unless your setup checks it.
AUTH="Authorization: Bearer ${BIFROST_API_KEY:-sk-anything}"

section() { printf '\n== %s\n' "$*"; }

section "health"
curl -fsS "$URL/health"
echo

section "models"
curl -fsS "$URL/v1/models" -H "$AUTH"
echo

section "chat"
curl -fsS "$URL/v1/chat/completions" \
  -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{
    "model": "'"$MODEL"'",
    "messages": [
      {"role": "system", "content": "You are terse."},
      {"role": "user", "content": "Say hello through the gateway."}
    ]
  }'
echo

section "streaming chat (server-sent events, printed as they arrive)"
curl -fsS -N "$URL/v1/chat/completions" \
  -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{
    "model": "'"$MODEL"'",
    "stream": true,
    "stream_options": {"include_usage": true},
    "messages": [{"role": "user", "content": "Stream a short answer."}]
  }'
echo

section "embeddings"
curl -fsS "$URL/v1/embeddings" \
  -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"model": "'"$MODEL"'", "input": ["first text", "second text"]}'
echo

section "an error: malformed request (expect HTTP 400 and an OpenAI-style error body)"
curl -sS "$URL/v1/chat/completions" \
  -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"model": "'"$MODEL"'", "messages": "not a list"}' \
  -w '\nHTTP %{http_code}\n'
