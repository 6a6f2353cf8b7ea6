#!/usr/bin/env bash
# Request-log query figures: seeds 1,000,000 records over the last 24 h into a fresh
# log store and times the issue's queries (tests/it/logs_bench.rs, an ignored test).
#
#   bench/logs_query.sh            # 1,000,000 records
#   BENCH_LOG_RECORDS=100000 bench/logs_query.sh
#
# Built optimised, but with thin LTO and 16 codegen units instead of the release
# profile's fat LTO: the queries spend their time in redb and serde, which both
# settings optimise alike, and the build is minutes shorter.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo test --profile logbench \
    --config 'profile.logbench.inherits="release"' \
    --config 'profile.logbench.lto="thin"' \
    --config 'profile.logbench.codegen-units=16' \
    --test it -- --ignored --nocapture --test-threads=1 logs_bench::logs_query_figures
