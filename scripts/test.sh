#!/usr/bin/env bash
# The whole test suite, on a fresh machine:
#  1. every unit and integration test (`cargo test`); the integration tests start the
#     real server on ephemeral ports against mock upstreams, run the built binary for the
#     CLI, and create a Python virtualenv under target/py-venv with the official OpenAI
#     SDK (pinned in tests/python/requirements.txt) to use it as a client;
#  2. install.sh into a temporary prefix, then the installed binary runs.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "cargo not found: install Rust from https://rustup.rs" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found: the SDK tests need it (apt-get install python3 python3-venv)" >&2; exit 2; }

log=$(mktemp)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix" "$log"' EXIT

# Doc tests are skipped: the crate has no code examples in its docs, and an empty
# doc-test run would close the output with "0 passed".
cargo test --locked --lib --bins --tests 2>&1 | tee "$log"
./install.sh --prefix "$prefix"
"$prefix/bin/bifrost" --version
test -f "$prefix/share/man/man1/bifrost.1"
echo "install.sh: ok ($prefix)"

# One closing line for the whole suite.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
