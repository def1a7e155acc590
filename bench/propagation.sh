#!/usr/bin/env bash
# Propagation benchmark: portal + three edges on loopback; times N deployments and N purges from
# the API call's answer until every edge has applied them, and prints p50/p99 (target p99 < 1 s).
# Writes the table to bench/results/propagation.md as well.
#
# Usage: bench/propagation.sh path/to/candela [N]   (N defaults to 50)
set -euo pipefail

candela_arg=${1:?usage: bench/propagation.sh path/to/candela [N]}
count=${2:-50}
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
candela_bin=$(readlink -f "$candela_arg")
[[ -x "$candela_bin" ]] || { echo "propagation: $candela_arg is not an executable" >&2; exit 1; }

mkdir -p "$bench_dir/results"
python3 "$bench_dir/propagation.py" --candela "$candela_bin" --n "$count" |
  tee "$bench_dir/results/propagation.md"
