#!/usr/bin/env bash
# A year of monthly billing runs (issue 6, docs/billing.md): generates 10,000 services over 1,000
# customers with contract items and a year of usage (per-GB from day rollups, some at the 95th
# percentile from 5-minute samples) in a throwaway SQLite database, outside the timing, then
# times the twelve runs of the year. Prints the per-run and total seconds (target: < 60 s).
# Not part of `make test`.
#
# Usage: bench/billing-year.sh [path/to/candela_billing_bench]
#        (default build/release/tests/candela_billing_bench; build it with
#        `cmake --build build/release --target candela_billing_bench`)
# Knobs (environment): BENCH_BILLING_SERVICES=10000 BENCH_BILLING_CUSTOMERS=1000
#                      BENCH_BILLING_P95_EVERY=250 BENCH_BILLING_DIR=/var/tmp
set -euo pipefail

bench_dir=$(cd "$(dirname "$0")" && pwd)
tool=$(realpath "${1:-$bench_dir/../build/release/tests/candela_billing_bench}")
[ -x "$tool" ] || { echo "bench/billing-year.sh: $tool is not built" >&2; exit 1; }
work=$(mktemp -d "${BENCH_BILLING_DIR:-/var/tmp}/candela-billing-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$tool" "$work/billing.db" \
  --services "${BENCH_BILLING_SERVICES:-10000}" \
  --customers "${BENCH_BILLING_CUSTOMERS:-1000}" \
  --p95-every "${BENCH_BILLING_P95_EVERY:-250}"
echo "database: $(du -h "$work/billing.db" | cut -f1) on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
