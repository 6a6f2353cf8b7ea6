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

cargo test --locked

prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
./install.sh --prefix "$prefix"
"$prefix/bin/bifrost" --version
test -f "$prefix/share/man/man1/bifrost.1"
echo "install.sh: ok ($prefix)"
