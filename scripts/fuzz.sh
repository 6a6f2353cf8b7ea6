#!/usr/bin/env bash
# Runs every libFuzzer target in fuzz/ for N seconds each (default 60), starting from
# its committed seed corpus, on a nightly toolchain with cargo-fuzz:
#
#   scripts/fuzz.sh                 # every target, 60 s each
#   scripts/fuzz.sh 300 config      # one target (or several), 300 s each
#
# New inputs libFuzzer finds go to fuzz/target/corpus/<target>/ (not the committed
# seeds); a crash is written to fuzz/artifacts/<target>/ and ends the run with exit 1.
# Replay one with `cargo +nightly fuzz run <target> <file>`, then add the file to
# fuzz/corpus/<target>/ so the stable replay (`cargo test --lib fuzzing`) keeps it.
# Exit codes: 0 no crash, 1 a target crashed, 2 no nightly toolchain or cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2; }

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz.sh: no nightly toolchain; cargo-fuzz needs one:" >&2
    echo "  rustup toolchain install nightly --profile minimal" >&2
    echo "(on stable, 'cargo test --lib fuzzing' replays the seed corpora)" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked || { echo "fuzz.sh: cannot install cargo-fuzz" >&2; exit 2; }
fi

if (($# == 0)); then
    mapfile -t targets < <(cargo +nightly fuzz list)
else
    targets=("$@")
fi

cargo +nightly fuzz build -O
log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
for t in "${targets[@]}"; do
    work="fuzz/target/corpus/$t"
    mkdir -p "$work"
    echo "== $t (${seconds}s)"
    # The working corpus first: libFuzzer adds what it finds there and only reads the
    # seeds, so the committed corpus changes only by hand. A 10 s input is a hang.
    if ! cargo +nightly fuzz run -O "$t" "$work" "fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        failed+=("$t")
        grep -E '^(==[0-9]+==|SUMMARY|thread .* panicked|artifact_prefix|Test unit written)' "$log" || tail -n 20 "$log"
    fi
    grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
done

if ((${#failed[@]})); then
    echo "fuzz.sh: crashed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, ${seconds}s each, no crash"
