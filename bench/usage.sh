#!/usr/bin/env bash
# The usage store's figures (issue 4): ingestion rate on SQLite and PostgreSQL, and the latency
# of 30-day hourly reports over generated minute rows for 1,000 properties x 90 days on
# PostgreSQL (target: under 300 ms). Writes bench/results/usage.md.
#
# Usage: bench/usage.sh path/to/candela_usage_bench   (built by `make bench-usage`)
# Knobs (environment, all optional):
#   BENCH_USAGE_PROPERTIES=1000  BENCH_USAGE_DAYS=90  BENCH_USAGE_RUNS=7
#   BENCH_USAGE_DIR=/var/tmp     where the throwaway databases live (needs ~0.45 GB per
#                                1,000 property-days on PostgreSQL)
set -euo pipefail

tool=$(realpath "${1:?usage: bench/usage.sh path/to/candela_usage_bench}")
properties=${BENCH_USAGE_PROPERTIES:-1000}
days=${BENCH_USAGE_DAYS:-90}
runs=${BENCH_USAGE_RUNS:-7}
work_root=${BENCH_USAGE_DIR:-/var/tmp}
bench_dir=$(cd "$(dirname "$0")" && pwd)
out="$bench_dir/results/usage.md"

need_kb=$((properties * days * 450 * 1024 / 1000))
free_kb=$(df -Pk "$work_root" | awk 'NR == 2 {print $4}')
if [ "$free_kb" -lt "$need_kb" ]; then
  echo "bench/usage.sh: $work_root has $((free_kb / 1048576)) GiB free; $properties properties x" \
    "$days days need about $((need_kb / 1048576)) GiB (set BENCH_USAGE_DIR or fewer days)" >&2
  exit 1
fi

work=$(mktemp -d "$work_root/candela-usage-bench.XXXXXX")
chmod 755 "$work"  # our own new folder; the postgres user must reach the cluster inside it
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work"  # pg-temp puts its throwaway cluster here

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
results=()
measure() {
  log "candela_usage_bench $*"
  local lines
  # Progress goes to stderr as it happens (tee to /dev/stderr would truncate a log file).
  lines=$("$tool" "$@" | tee >(cat >&2) | grep -E '^(ingest|report) ')
  while IFS= read -r line; do results+=("$line"); done <<< "$lines"
}

measure ingest "sqlite://$work/ingest.db"
measure ingest pg-temp
measure reports pg-temp --properties "$properties" --days "$days" --runs "$runs"

{
  echo "# Usage store benchmark"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores: \`bench/usage.sh\` ($properties properties x $days days of minute rows, PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}'), median of $runs runs)."
  echo
  for line in "${results[@]}"; do echo "- $line"; done
  echo
  echo "Ingestion posts the way edges do (running totals every 10 s: six revisions per minute);"
  echo "the report data is generated with bulk SQL and rolled up with INSERT ... SELECT."
} > "$out"
log "wrote $out"
cat "$out"
