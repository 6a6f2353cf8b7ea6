#!/usr/bin/env bash
# Request-log query figures: seeds 1,000,000 records over the last 24 h into a fresh
# log store and times the issue's queries (tests/it/logs_bench.rs, an ignored test).
#
#   bench/logs_query.sh [--out FILE]   # 1,000,000 records
#   BENCH_LOG_RECORDS=100000 bench/logs_query.sh
#
#   --out FILE  put the figures into FILE (e.g. BENCHMARKS.md) as its "Request-log
#               queries" section, in place of the previous copy (default: print only)
#
# Built optimised, but with thin LTO and 16 codegen units instead of the release
# profile's fat LTO: the queries spend their time in redb and serde, which both
# settings optimise alike, and the build is minutes shorter.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
OUT=""
case "${1:-}" in
    --out) [ $# -ge 2 ] || die "--out needs a file"; OUT=$2 ;;
    "") ;;
    *) die "unknown argument: $1 (usage: bench/logs_query.sh [--out FILE])" ;;
esac
RECORDS=${BENCH_LOG_RECORDS:-1000000}
FIGURES=$(mktemp)
trap 'rm -f "$FIGURES"' EXIT
cargo test --profile logbench \
    --config 'profile.logbench.inherits="release"' \
    --config 'profile.logbench.lto="thin"' \
    --config 'profile.logbench.codegen-units=16' \
    --test it -- --ignored --nocapture --test-threads=1 logs_bench::logs_query_figures \
    | tee "$FIGURES"
[ -n "$OUT" ] || exit 0
{
    printf '## Request-log queries (%s records)\n\n' "$(printf "%'d" "$RECORDS" 2>/dev/null || echo "$RECORDS")"
    printf 'Written by `bench/logs_query.sh` on %s (bifrost at %s): seeds the records over\n' \
        "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    printf 'the last 24 hours (4 providers, 8 models, 5%% errors, content on every record) into a\n'
    printf 'fresh `logs.redb` and times each query 7 times after a warm-up, median and slowest.\n'
    printf 'Targets (issue 10): newest page of 50 unfiltered < 20 ms; filtered by provider and\n'
    printf 'status < 50 ms; stats over the last 24 h < 500 ms; `content_search` over the last\n'
    printf '100,000 records < 1 s.\n\n'
    grep -E '^(records:|store file:)' "$FIGURES" | sed 's/^/- /'
    echo
    grep -E '^\|' "$FIGURES"
} | replace_section "Request-log queries" "$OUT"
log "figures put into $OUT"
