#!/usr/bin/env bash
# Benchmarks Candela beside nginx, Varnish and Apache Traffic Server as caching reverse proxies
# in front of `candela origin`, and writes one Markdown table to bench/results/latest.md.
#
# Usage: bench/run.sh path/to/candela
# Knobs (environment, all optional):
#   BENCH_SERVERS="candela nginx varnish ats"  which servers to run, in this order
#   BENCH_DURATION=10s  BENCH_CONNECTIONS=50    each wrk measurement
#   BENCH_SMALL_OBJECTS=100000                  objects cached for the memory case
#   BENCH_HERD_CLIENTS=200                      simultaneous clients of the herd case
#   BENCH_PORT_BASE=38080                       origin port; proxies use the next ones
#   BENCH_TIME_LIMIT=900                        seconds before the whole run is abandoned
set -euo pipefail

candela_arg=${1:?usage: bench/run.sh path/to/candela}
candela_bin=$(readlink -f "$candela_arg")
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$bench_dir")

read -r -a servers <<<"${BENCH_SERVERS:-candela nginx varnish ats}"
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-50}
small_objects=${BENCH_SMALL_OBJECTS:-100000}
herd_clients=${BENCH_HERD_CLIENTS:-200}
port_base=${BENCH_PORT_BASE:-38080}
time_limit=${BENCH_TIME_LIMIT:-900}
many_objects=10000

origin_port=$port_base
declare -A port=([candela]=$((port_base + 1)) [nginx]=$((port_base + 2))
                 [varnish]=$((port_base + 3)) [ats]=$((port_base + 4)))
candela_admin_port=$((port_base + 11))

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- set-up and clean-up

[[ -x "$candela_bin" ]] || die "$candela_arg is not an executable (build it first: make build)"
"$repo_dir/scripts/install-deps.sh" bench
for tool in wrk taskset curl python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh bench)"
done

# Each proxy gets one core; wrk and the origin (hit only on misses) share the other one.
if (($(nproc) >= 2)); then
  proxy_core=0
  load_core=1
else
  log "warning: one CPU only: proxies and load generator share it, numbers are not comparable"
  proxy_core=0
  load_core=0
fi

if [[ -d /dev/shm && -w /dev/shm ]]; then
  run_dir=$(mktemp -d /dev/shm/candela-bench.XXXXXX)
else
  run_dir=$(mktemp -d /tmp/candela-bench.XXXXXX)
fi
declare -A pid=()
watchdog_pid=""

# A process's descendants (nginx and Varnish children, ATS's stopped crash-log helper).
descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$c"
    descendants "$c"
  done
}

# Stops a process we started: TERM, up to 5 s of grace, then KILL for it and any leftovers.
stop_pid() {
  local p=$1
  kill -0 "$p" 2>/dev/null || return 0
  local -a children
  mapfile -t children < <(descendants "$p")
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$p" "${children[@]}" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for name in "${!pid[@]}"; do stop_pid "${pid[$name]}"; done
  [[ -n "$watchdog_pid" ]] && kill "$watchdog_pid" 2>/dev/null
  rm -rf "$run_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# Abandons a run that hangs (a proxy that never answers, say) instead of blocking `make bench`.
(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "$time_limit" &
  sleeper=$!
  wait "$sleeper" && log "time limit of ${time_limit}s reached" && kill -TERM $$
) 2>/dev/null &
watchdog_pid=$!

for p in "$origin_port" "${port[@]}" "$candela_admin_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    die "port $p is in use; set BENCH_PORT_BASE to a free range"
  fi
done

# wait_port PORT SECONDS: true once something accepts on 127.0.0.1:PORT.
wait_port() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# wait_ok URL SECONDS: true once URL answers 200 (caches may accept before they can serve).
wait_ok() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1") == 200 ]] && return 0
    sleep 0.2
  done
  return 1
}

# render TEMPLATE OUTPUT PROXY_PORT: fills @RUN@, @PORT@, @ADMIN_PORT@ and @ORIGIN_PORT@.
render() {
  sed -e "s|@RUN@|$run_dir|g" -e "s|@PORT@|$3|g" -e "s|@ADMIN_PORT@|$candela_admin_port|g" \
    -e "s|@ORIGIN_PORT@|$origin_port|g" "$1" >"$2"
}

# ---------------------------------------------------------------- the origin and its content

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "run folder $run_dir; proxies on core $proxy_core, wrk and origin on core $load_core"
www=$run_dir/www
mkdir -p "$www/one" "$www/many"
head -c 1024 /dev/urandom >"$www/one/1k.bin"
head -c 102400 /dev/urandom >"$www/one/100k.bin"
head -c 1048576 /dev/urandom >"$www/one/1m.bin"
head -c $((many_objects * 1024)) /dev/urandom |
  split -b 1024 -a 5 -d --additional-suffix=.bin - "$www/many/"

origin_url=http://127.0.0.1:$origin_port
taskset -c "$load_core" "$candela_bin" origin --listen "127.0.0.1:$origin_port" --root "$www" \
  --threads 1 --cache-control "public, max-age=3600" >"$run_dir/origin.log" 2>&1 &
pid[origin]=$!
wait_port "$origin_port" 10 || die "candela origin did not start: $(tail -5 "$run_dir/origin.log")"

origin_total() {
  curl -s --max-time 5 "$origin_url/_origin/stats?by_path=0" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'
}
origin_count() {
  curl -s --max-time 5 -G --data-urlencode "path=$1" "$origin_url/_origin/stats" |
    python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["by_path"].values()))'
}

# ---------------------------------------------------------------- the proxies

start_candela() {
  render "$bench_dir/peers/candela.json.in" "$run_dir/candela.json" "${port[candela]}"
  taskset -c "$proxy_core" "$candela_bin" edge --threads 1 --config "$run_dir/candela.json" \
    >"$run_dir/candela.log" 2>&1 &
  pid[candela]=$!
}

start_nginx() {
  command -v nginx >/dev/null || return 1
  # nginx's worker runs as an unprivileged user and creates its cache folders itself.
  chmod 755 "$run_dir"
  mkdir -p "$run_dir/nginx"
  render "$bench_dir/peers/nginx.conf.in" "$run_dir/nginx/nginx.conf" "${port[nginx]}"
  taskset -c "$proxy_core" nginx -p "$run_dir/nginx" -c "$run_dir/nginx/nginx.conf" \
    -e "$run_dir/nginx/error.log" >"$run_dir/nginx.log" 2>&1 &
  pid[nginx]=$!
}

start_varnish() {
  command -v varnishd >/dev/null || return 1
  mkdir -p "$run_dir/varnish"
  render "$bench_dir/peers/varnish.vcl.in" "$run_dir/varnish/bench.vcl" "${port[varnish]}"
  # Varnish serves each connection on its own worker thread, so it cannot run on one thread
  # without serialising clients: one pool sized for the herd, the whole process on one core.
  taskset -c "$proxy_core" varnishd -F -j none -n "$run_dir/varnish/work" \
    -a "127.0.0.1:${port[varnish]}" -f "$run_dir/varnish/bench.vcl" -s malloc,2G \
    -p thread_pools=1 -p thread_pool_min=$((herd_clients + 100)) \
    -p thread_pool_max=$((herd_clients + 100)) >"$run_dir/varnish.log" 2>&1 &
  pid[varnish]=$!
}

start_ats() {
  command -v traffic_server >/dev/null || return 1
  local ats=$run_dir/ats
  mkdir -p "$ats/etc" "$ats/var" "$ats/run" "$ats/log" "$ats/cachedir" "$ats/share" "$ats/cache"
  cp -r /etc/trafficserver/. "$ats/etc/"
  rm -rf "$ats/etc/body_factory"
  render "$bench_dir/peers/ats/records.config.in" "$ats/etc/records.config" "${port[ats]}"
  render "$bench_dir/peers/ats/remap.config.in" "$ats/etc/remap.config" "${port[ats]}"
  render "$bench_dir/peers/ats/storage.config.in" "$ats/etc/storage.config" "${port[ats]}"
  render "$bench_dir/peers/ats/runroot.yaml.in" "$ats/runroot.yaml" "${port[ats]}"
  TS_RUNROOT=$ats/runroot.yaml taskset -c "$proxy_core" traffic_server \
    >"$run_dir/ats.log" 2>&1 &
  pid[ats]=$!
}

# The log most likely to say why a server failed.
server_log() {
  case $1 in
    nginx) echo "$run_dir/nginx/error.log" ;;
    ats) echo "$run_dir/ats/log/diags.log" ;;
    *) echo "$run_dir/$1.log" ;;
  esac
}

# check_alive SERVER STEP: false (with a note) if the server exited, e.g. crashed under load.
check_alive() {
  [[ -n "${pid[$1]:-}" ]] && kill -0 "${pid[$1]}" 2>/dev/null && return 0
  note "$1: exited during $2: $(tail -n 3 "$(server_log "$1")" 2>/dev/null | tr '\n' ' ' | cut -c1-240)"
  unset "pid[$1]"
  return 1
}

stop_server() {
  [[ -n "${pid[$1]:-}" ]] || return 0
  stop_pid "${pid[$1]}"
  unset "pid[$1]"
}

# ---------------------------------------------------------------- measurements

results=$run_dir/results.tsv
notes=$run_dir/notes.txt
: >"$results"
: >"$notes"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$results"; }
note() {
  log "$*"
  printf '%s\n' "$*" >>"$notes"
}

# RSS in KiB of a process and all its descendants (nginx and Varnish run a parent and a child).
tree_rss_kb() {
  local total=0 p
  local -a todo=("$1")
  while ((${#todo[@]})); do
    p=${todo[0]}
    todo=("${todo[@]:1}")
    [[ -r /proc/$p/status ]] || continue
    total=$((total + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do todo+=("$c"); done
  done
  echo "$total"
}

# Bytes a folder takes on tmpfs (nginx keeps cached bodies in files there).
folder_bytes() { du -sk "$1" 2>/dev/null | awk '{print $1 * 1024}'; }

# run_wrk OUTFILE URL [SCRIPT SCRIPT_ARGS...]: one measurement pinned to the load core.
run_wrk() {
  local out=$1 url=$2
  shift 2
  local -a script=()
  if (($#)); then
    script=(-s "$1")
    shift
  fi
  timeout 120 taskset -c "$load_core" wrk -t1 -c"$connections" -d"$duration" --latency \
    "${script[@]}" "$url" -- "$@" >"$out" 2>&1 || true
}

# parse_wrk FILE → "requests_per_sec p99_ms errors" ("na na 0" if wrk failed).
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v + 0
    }
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { gsub(",", "", $i); if ($i ~ /^[0-9]+$/) errors += $i } }
    END { if (rps == "") print "na na 0"; else printf "%s %.3f %d\n", rps, p99, errors }
  ' "$1"
}

# fill BASE PREFIX COUNT WIDTH [SUFFIX]: requests every object once (wrk rotating through the
# names) and stops as soon as the origin has seen COUNT more requests, i.e. every object was
# fetched; wrk itself cannot end early.
fill() {
  local base=$1 prefix=$2 count=$3 width=$4 suffix=${5:-}
  local before target deadline
  before=$(origin_total)
  target=$((before + count))
  taskset -c "$load_core" wrk -t1 -c"$connections" -d300s -s "$bench_dir/lua/rotate.lua" \
    "$base" -- "$prefix" "$count" "$width" "$suffix" >"$run_dir/fill.log" 2>&1 &
  local wrk_pid=$!
  deadline=$((SECONDS + 240))
  while (($(origin_total) < target)) && ((SECONDS < deadline)); do
    kill -0 "$wrk_pid" 2>/dev/null || break
    sleep 0.25
  done
  sleep 0.5  # the last fills are in flight between origin and proxy
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  local got=$(($(origin_total) - before))
  ((got >= count)) || note "$server: filling $prefix* reached the origin $got times for $count objects"
}

# measure SERVER METRIC URL [SCRIPT SCRIPT_ARGS...]: a measured run that must be all cache hits.
measure() {
  local server=$1 metric=$2 url=$3
  shift 3
  local before after out=$run_dir/wrk-$server-$metric.txt flag=""
  before=$(origin_total)
  run_wrk "$out" "$url" "$@"
  after=$(origin_total)
  if ! check_alive "$server" "$metric"; then
    record "${metric}_rps" "$server" crashed
    record "${metric}_p99" "$server" crashed
    return 1
  fi
  read -r rps p99 errors < <(parse_wrk "$out")
  if ((after > before)); then
    flag=warn
    note "$server/$metric: origin received $((after - before)) requests during a hit run"
  fi
  ((errors == 0)) || note "$server/$metric: $errors error responses or socket errors"
  record "${metric}_rps" "$server" "$rps" "$flag"
  record "${metric}_p99" "$server" "$p99" "$flag"
  log "$server $metric: $rps req/s, p99 ${p99} ms"
}

bench_server() {
  local server=$1 base=http://127.0.0.1:${port[$1]}
  log "== $server"
  if ! "start_$server" || ! wait_port "${port[$server]}" 20 || ! wait_ok "$base/one/1k.bin" 30; then
    note "$server: not available (start failed: $(tail -n 3 "$(server_log "$server")" 2>/dev/null |
      tr '\n' ' ' | cut -c1-200))"
    stop_server "$server"
    return 0
  fi
  local main_pid=${pid[$server]}

  # Warm: each single object twice (the second is the first hit), every distinct object once.
  for object in 1k 100k 1m; do
    for _ in 1 2; do curl -s -o /dev/null --max-time 10 "$base/one/$object.bin"; done
  done
  fill "$base" /many/ "$many_objects" 5 .bin

  check_alive "$server" warming || return 0
  measure "$server" hit_1k "$base/one/1k.bin" || return 0
  measure "$server" hit_100k "$base/one/100k.bin" || return 0
  measure "$server" hit_1m "$base/one/1m.bin" || return 0
  measure "$server" many_1k "$base/" "$bench_dir/lua/rotate.lua" /many/ "$many_objects" 5 .bin ||
    return 0

  # Memory: growth of resident memory while caching many distinct 100-byte objects.
  # nginx and ATS keep bodies in files (on tmpfs here), outside their RSS: counted separately.
  local storage=""
  [[ $server == nginx ]] && storage=$run_dir/nginx/cache
  [[ $server == ats ]] && storage=$run_dir/ats/cache
  local rss_before rss_after disk_before=0 disk_after=0
  sleep 1
  rss_before=$(tree_rss_kb "$main_pid")
  [[ -n "$storage" ]] && disk_before=$(folder_bytes "$storage")
  fill "$base" "/_origin/bytes/100/m" "$small_objects" 6
  sleep 1
  if ! check_alive "$server" "the memory fill"; then
    record mem_per_object "$server" crashed
    record mem_with_files_per_object "$server" crashed
    return 0
  fi
  rss_after=$(tree_rss_kb "$main_pid")
  [[ -n "$storage" ]] && disk_after=$(folder_bytes "$storage")
  local per_object=$(((rss_after - rss_before) * 1024 / small_objects))
  local with_files=$((per_object + (disk_after - disk_before) / small_objects))
  record mem_per_object "$server" "$per_object"
  record mem_with_files_per_object "$server" "$with_files"
  log "$server memory: $per_object bytes/object in RSS ($rss_before → $rss_after KiB), $with_files with cache files"

  # Herd: many clients at once on one cold object the origin takes 1 s to start answering.
  local herd_path="/_origin/bytes/4096/herd-$server?delay_ms=1000"
  local herd_out
  herd_out=$(timeout 60 taskset -c "$load_core" python3 "$bench_dir/herd.py" 127.0.0.1 \
    "${port[$server]}" "$herd_path" "$herd_clients" 30 || echo '{}')
  local herd_origin
  herd_origin=$(origin_count "$herd_path")
  if ! check_alive "$server" "the herd"; then
    record herd_origin "$server" crashed
    return 0
  fi
  record herd_origin "$server" "$herd_origin"
  log "$server herd: $herd_out; origin requests: $herd_origin"
  python3 -c 'import json,sys; r=json.loads(sys.argv[1] or "{}"); sys.exit(0 if r.get("statuses",{}).get("200",0)==r.get("clients",-1) else 1)' "$herd_out" ||
    note "$server herd: not every client got a 200: $herd_out"

  stop_server "$server"
}

for server in "${servers[@]}"; do
  [[ -n "${port[$server]:-}" ]] || die "unknown server '$server' (candela, nginx, varnish, ats)"
  bench_server "$server"
done

# ---------------------------------------------------------------- report

meta=$run_dir/meta.txt
{
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(uname -sr)"
  echo "Load: wrk -t1 -c$connections -d$duration --latency on core $load_core; each proxy one worker pinned to core $proxy_core; origin: candela origin on core $load_core"
  echo "Versions: $("$candela_bin" --version 2>/dev/null | head -1); $(nginx -v 2>&1 | sed 's/.*: //'); $(varnishd -V 2>&1 | grep -o 'varnish-[0-9.]*' | head -1); ATS $(traffic_server -V 2>&1 | grep -o 'Traffic Server [0-9.]*' | head -1 | sed 's/Traffic Server //')"
  echo "Load average before → after the run: $load_before → $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the numbers)"
} >"$meta"
mkdir -p "$bench_dir/results"
python3 "$bench_dir/report.py" "$results" "$bench_dir/results/latest.md" "$meta" "$notes"
log "written to bench/results/latest.md"
