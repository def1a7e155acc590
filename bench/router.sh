#!/usr/bin/env bash
# Benchmarks `candela router`: HTTP decisions per second beside nginx doing the same job, and DNS
# answers per second beside Knot and NSD serving a static zone with the same names and answers.
# Writes one Markdown report to bench/results/router.md.
#
# Usage: bench/router.sh path/to/candela
# Knobs (environment, all optional):
#   BENCH_ROUTER_SERVERS="router nginx knot nsd"  which servers to run
#   BENCH_NAMES=1000            service names (SCIDs) in the monitor state and the zone
#   BENCH_DURATION=10           seconds of each measurement (wrk and dnsperf)
#   BENCH_CONNECTIONS=50        wrk connections (keep-alive)
#   BENCH_PATHS=10000           distinct paths wrk rotates through (one hash key each)
#   BENCH_DNS_CLIENTS=4         dnsperf clients (source sockets)
#   BENCH_DNS_OUTSTANDING=100   dnsperf queries in flight
#   BENCH_ROUTER_THREADS=1      `candela router --threads`, when the router has that option
#   BENCH_ROUTER_PORT_BASE=39000  first port; the script uses the next 20 or so
#   BENCH_TIME_LIMIT=600        seconds before the whole run is abandoned
#   BENCH_KEEP_RUN_DIR=         non-empty: keep the run folder (logs, raw outputs) for a look
#   BENCH_REALTIME=0            1: run the servers and load generators as SCHED_FIFO (root),
#                               for a machine busy with other work (see docs/benchmarks.md)
set -euo pipefail

candela_arg=${1:?usage: bench/router.sh path/to/candela}
candela_bin=$(readlink -f "$candela_arg")
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$bench_dir")
tools=$bench_dir/router

read -r -a servers <<<"${BENCH_ROUTER_SERVERS:-router nginx knot nsd}"
names=${BENCH_NAMES:-1000}
duration=${BENCH_DURATION:-10}
connections=${BENCH_CONNECTIONS:-50}
paths=${BENCH_PATHS:-10000}
dns_clients=${BENCH_DNS_CLIENTS:-4}
dns_outstanding=${BENCH_DNS_OUTSTANDING:-100}
router_threads=${BENCH_ROUTER_THREADS:-1}
port_base=${BENCH_ROUTER_PORT_BASE:-39000}
time_limit=${BENCH_TIME_LIMIT:-600}
realtime=${BENCH_REALTIME:-0}

domain=cdn.bench.test
http_host=video.example.test  # the customer host name clients ask the HTTP router for
ttl=20
dns_answers=2
edge_ids=(edge-a edge-b edge-c)
# Each edge on its own loopback address, so DNS answers name distinct A records.
edge_ips=(127.0.0.11 127.0.0.12 127.0.0.13)
declare -A edge_port=() edge_admin_port=()
for i in 0 1 2; do
  edge_port[${edge_ids[$i]}]=$((port_base + 81 + i))
  edge_admin_port[${edge_ids[$i]}]=$((port_base + 91 + i))
done
monitor_port=$((port_base + 30))
router_http_port=$((port_base + 70))
router_dns_port=$((port_base + 53))
router_admin_port=$((port_base + 71))
nginx_port=$((port_base + 72))
knot_port=$((port_base + 54))
nsd_port=$((port_base + 55))

log() { printf '[bench-router %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

want() {
  local s
  for s in "${servers[@]}"; do [[ $s == "$1" ]] && return 0; done
  return 1
}

# ---------------------------------------------------------------- set-up and clean-up

[[ -x "$candela_bin" ]] || die "$candela_arg is not an executable (build it first: make build)"
"$repo_dir/scripts/install-deps.sh" bench
for tool in wrk dnsperf knotd nsd nginx taskset curl python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh bench)"
done

# The measured server gets core 0; the load generator (and the idle edges and monitor) core 1.
if (($(nproc) >= 2)); then
  server_core=0
  load_core=1
else
  log "warning: one CPU only: servers and load generators share it, numbers are not comparable"
  server_core=0
  load_core=0
fi

if [[ -d /dev/shm && -w /dev/shm ]]; then
  run_dir=$(mktemp -d /dev/shm/candela-bench-router.XXXXXX)
else
  run_dir=$(mktemp -d /tmp/candela-bench-router.XXXXXX)
fi
chmod 755 "$run_dir"  # nginx's worker runs as an unprivileged user
declare -A pid=()
watchdog_pid=""

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

stop_server() {
  [[ -n "${pid[$1]:-}" ]] || return 0
  stop_pid "${pid[$1]}"
  unset "pid[$1]"
}

# On a machine busy with other work (builds), the servers and load generators wait on the run
# queue more than they run and every figure measures the machine. SCHED_FIFO puts them ahead of
# all normal processes; the kernel's RT throttling still leaves others 5% of each second, which
# shows as pauses of up to 50 ms in the latency figures of a saturated core.
prio=()
if [[ $realtime == 1 ]]; then
  chrt -f 1 true 2>/dev/null || die "BENCH_REALTIME=1 needs root (chrt -f)"
  prio=(chrt -f 1)
fi

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for name in "${!pid[@]}"; do stop_pid "${pid[$name]}"; done
  [[ -n "$watchdog_pid" ]] && kill "$watchdog_pid" 2>/dev/null
  if [[ -n ${BENCH_KEEP_RUN_DIR:-} ]]; then
    log "kept $run_dir"
  else
    rm -rf "$run_dir"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "$time_limit" &
  sleeper=$!
  wait "$sleeper" && log "time limit of ${time_limit}s reached" && kill -TERM $$
) 2>/dev/null &
watchdog_pid=$!

tcp_in_use() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
for p in "$monitor_port" "$router_http_port" "$router_dns_port" "$router_admin_port" \
  "$nginx_port" "$knot_port" "$nsd_port" "${edge_admin_port[@]}"; do
  tcp_in_use 127.0.0.1 "$p" && die "port $p is in use; set BENCH_ROUTER_PORT_BASE to a free range"
done
for i in 0 1 2; do
  tcp_in_use "${edge_ips[$i]}" "${edge_port[${edge_ids[$i]}]}" &&
    die "port ${edge_port[${edge_ids[$i]}]} is in use; set BENCH_ROUTER_PORT_BASE to a free range"
done

wait_port() {
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    tcp_in_use "$1" "$2" && return 0
    sleep 0.1
  done
  return 1
}

# wait_dns PORT SECONDS: true once 127.0.0.1:PORT answers a query for the domain (any rcode).
wait_dns() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ $(python3 "$tools/dns_answers.py" probe 127.0.0.1 "$1" "$domain" SOA) != TIMEOUT ]] &&
      return 0
    sleep 0.2
  done
  return 1
}

# render TEMPLATE OUTPUT PORT: fills @RUN@, @PORT@, @DOMAIN@ and the edges' ports.
render() {
  sed -e "s|@RUN@|$run_dir|g" -e "s|@PORT@|$3|g" -e "s|@DOMAIN@|$domain|g" \
    -e "s|@EDGE_A_PORT@|${edge_port[edge-a]}|g" -e "s|@EDGE_B_PORT@|${edge_port[edge-b]}|g" \
    -e "s|@EDGE_C_PORT@|${edge_port[edge-c]}|g" "$1" >"$2"
}

results=$run_dir/results.tsv
notes=$run_dir/notes.txt
: >"$results"
: >"$notes"
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"; }
note() {
  log "$*"
  printf '%s\n' "$*" >>"$notes"
}
log_tail() { tail -n 3 "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-240; }

# ---------------------------------------------------------------- inputs

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "run folder $run_dir; servers on core $server_core, load generators on core $load_core"
edge_specs=()
for i in 0 1 2; do
  id=${edge_ids[$i]}
  edge_specs+=("$id=${edge_ips[$i]}:${edge_port[$id]}=127.0.0.1:${edge_admin_port[$id]}")
done
python3 "$tools/make_inputs.py" names "$names" "$domain" "$run_dir" "${edge_specs[@]}"
mkdir -p "$run_dir/zone"

# ---------------------------------------------------------------- measurements

clock_ticks=$(getconf CLK_TCK)
# CPU time (clock ticks) used so far by a process, all its threads and its child processes
# (nginx's worker, NSD's server child): how busy the server core was during a run.
tree_cpu_ticks() {
  local total=0 p stat
  local -a fields
  for p in "$1" $(descendants "$1"); do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    stat=${stat##*) }  # the fields after the command name; utime and stime are the 12th, 13th
    read -r -a fields <<<"$stat"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}

# record_cpu MODE SERVER TICKS ANSWERS TIMES_FILE WALL: the server's and the load generator's share
# of their cores over the WALL seconds the load generator ran (TIMES_FILE: the `times` of the
# subshell that ran it) and the server's CPU time per answer, which does not depend on who set
# the pace.
record_cpu() {
  local mode=$1 server=$2 ticks=$3 answers=$4 wall=$6 busy per_answer load_busy
  [[ -n $answers ]] || return 0
  read -r busy per_answer < <(awk -v t="$ticks" -v hz="$clock_ticks" -v w="$wall" \
    -v n="$answers" 'BEGIN {
      s = t / hz; per = n > 0 ? s * 1e6 / n : 0; printf "%.0f %.2f\n", 100 * s / w, per }')
  # `times`' second line: children's user and system time, e.g. "0m1.234s 0m0.567s".
  load_busy=$(awk -v w="$wall" 'NR == 2 {
      total = 0
      for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] }
      printf "%.0f\n", 100 * total / w }' "$5")
  record "${mode}_busy" "$server" "$busy"
  record "${mode}_load_busy" "$server" "$load_busy"
  record "${mode}_cpu" "$server" "$per_answer"
}

# run_wrk SERVER PORT: one keep-alive wrk run on the load core; records rps, p99, avg, errors.
run_wrk() {
  local server=$1 port=$2 out=$run_dir/wrk-$1.txt ticks started
  ticks=$(tree_cpu_ticks "${pid[$server]}")
  started=$EPOCHREALTIME
  (
    "${prio[@]}" timeout $((duration + 60)) taskset -c "$load_core" wrk -t1 -c"$connections" \
      -d"${duration}s" --latency -H "Host: $http_host" -s "$tools/redirects.lua" \
      "http://127.0.0.1:$port/" -- "$paths" >"$out" 2>&1 || true
    times >"$out.times"
  )
  ticks=$(($(tree_cpu_ticks "${pid[$server]}") - ticks))
  local wall
  wall=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }')
  local rps p99 avg errors
  read -r rps p99 avg errors < <(awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v + 0
    }
    /Requests\/sec:/ { rps = $2 }
    $1 == "Latency" && avg == "" { avg = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /non-302 responses:/ { errors += $NF }
    /Socket errors:/ {
      for (i = 3; i <= NF; i++) { gsub(",", "", $i); if ($i ~ /^[0-9]+$/) errors += $i }
    }
    END {
      if (rps == "") print "na na na na"
      else printf "%s %.3f %.3f %d\n", rps, p99, avg, errors
    }
  ' "$out")
  record http_rps "$server" "$rps"
  record http_p99 "$server" "$p99"
  record http_avg "$server" "$avg"
  record http_errors "$server" "$errors"
  record_cpu http "$server" "$ticks" "$(awk '/ requests in / {print $1}' "$out")" \
    "$out.times" "$wall"
  [[ $rps == na ]] && note "$server/http: wrk failed: $(log_tail "$out")"
  [[ $errors == 0 || $errors == na ]] ||
    note "$server/http: $errors non-302 responses or socket errors"
  log "$server http: $rps requests/s, p99 $p99 ms, $errors errors"
}

# check_redirect SERVER PORT: one request by curl must be a 302 to one of the edges.
check_redirect() {
  local headers
  headers=$(curl -s -o /dev/null -D - --max-time 5 -H "Host: $http_host" \
    "http://127.0.0.1:$2/v/42?x=1" | tr -d '\r')
  local status location
  status=$(awk 'NR == 1 {print $2}' <<<"$headers")
  location=$(awk -F': ' 'tolower($1) == "location" {print $2}' <<<"$headers")
  local wanted="^http://edge-[abc]\\.$http_host\\.$domain:[0-9]+/v/42\\?x=1\$"
  if [[ $status != 302 || ! $location =~ $wanted ]]; then
    note "$1/http: GET /v/42?x=1 answered ${status:-nothing}, Location '${location}'"
    return 1
  fi
  log "$1 http: GET /v/42?x=1 → 302 $location"
}

# run_dnsperf SERVER PORT: one dnsperf run (UDP) on the load core over the query file.
run_dnsperf() {
  local server=$1 port=$2 out=$run_dir/dnsperf-$1.txt ticks started
  ticks=$(tree_cpu_ticks "${pid[$server]}")
  started=$EPOCHREALTIME
  (
    "${prio[@]}" timeout $((duration + 60)) taskset -c "$load_core" dnsperf -s 127.0.0.1 \
      -p "$port" -d "$run_dir/queries.txt" -l "$duration" -T 1 -c "$dns_clients" \
      -q "$dns_outstanding" >"$out" 2>&1 || true
    times >"$out.times"
  )
  ticks=$(($(tree_cpu_ticks "${pid[$server]}") - ticks))
  local wall
  wall=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }')
  local qps avg lost noerror
  read -r qps avg lost noerror < <(awk '
    /Queries completed:/ { completed = $3 }
    /Queries lost:/ { lost = $3 }
    /Response codes:/ { for (i = 3; i < NF; i++) if ($i == "NOERROR") ok = $(i + 1) }
    /Queries per second:/ { qps = $4 }
    /Average Latency \(s\):/ { avg = $4 * 1000 }
    END {
      if (qps == "") { print "na na na na"; exit }
      share = completed > 0 ? 100 * ok / completed : 0
      printf "%.0f %.3f %d %.2f\n", qps, avg, lost, share
    }
  ' "$out")
  record dns_qps "$server" "$qps"
  record dns_avg "$server" "$avg"
  record dns_lost "$server" "$lost"
  record dns_noerror "$server" "$noerror"
  record_cpu dns "$server" "$ticks" "$(awk '/Queries completed:/ {print $3}' "$out")" \
    "$out.times" "$wall"
  [[ $qps == na ]] && note "$server/dns: dnsperf failed: $(log_tail "$out")"
  [[ $noerror == 100.00 || $qps == na ]] ||
    note "$server/dns: only $noerror% NOERROR ($(sed -n 's/ *Response codes: *//p' "$out"))"
  log "$server dns: $qps queries/s, average $avg ms, $lost lost, $noerror% NOERROR"
}

# check_answers SERVER PORT: every name answered NOERROR, AA, with two A records — and for a
# peer, exactly the router's addresses.
check_answers() {
  local out=$run_dir/answers-$1.json
  if ! python3 "$tools/dns_answers.py" query 127.0.0.1 "$2" "$run_dir/queries.txt" "$out" \
    "$dns_answers" >"$run_dir/check-$1.txt" 2>&1; then
    note "$1/dns: $(head -c 400 "$run_dir/check-$1.txt" | tr '\n' ' ')"
    return 1
  fi
  log "$(head -1 "$run_dir/check-$1.txt")"
  [[ $1 == router || ! -f $run_dir/answers-router.json ]] && return 0
  if ! python3 "$tools/dns_answers.py" compare "$run_dir/answers-router.json" "$out" \
    >"$run_dir/compare-$1.txt" 2>&1; then
    note "$1/dns: answers differ from the router's: $(head -c 300 "$run_dir/compare-$1.txt" |
      tr '\n' ' ')"
  fi
}

# ---------------------------------------------------------------- the router and its network

router_options=()
bench_router() {
  log "== router: three edges, a monitor and the router"
  local i id
  for i in 0 1 2; do
    id=${edge_ids[$i]}
    cat >"$run_dir/$id.json" <<EOF
{
  "edge_id": "$id",
  "listen": ["${edge_ips[$i]}:${edge_port[$id]}"],
  "admin_listen": "127.0.0.1:${edge_admin_port[$id]}",
  "routing_domain": "$domain",
  "cache": {"ram_bytes": 16777216, "max_object_bytes": 1048576},
  "properties": []
}
EOF
    taskset -c "$load_core" "$candela_bin" edge --threads 1 --config "$run_dir/$id.json" \
      >"$run_dir/$id.log" 2>&1 &
    pid[$id]=$!
  done
  for i in 0 1 2; do
    id=${edge_ids[$i]}
    wait_port 127.0.0.1 "${edge_admin_port[$id]}" 20 ||
      { note "router: edge $id did not start: $(log_tail "$run_dir/$id.log")"; return 1; }
  done

  taskset -c "$load_core" "$candela_bin" monitor --topology-file "$run_dir/topology.json" \
    --listen "127.0.0.1:$monitor_port" --monitor-id bench-monitor --down-after 100 \
    --timeout-ms 5000 >"$run_dir/monitor.log" 2>&1 &
  pid[monitor]=$!
  # Up after the first successful poll of each edge.
  local deadline=$((SECONDS + 20)) available=0
  while ((SECONDS < deadline)); do
    available=$(curl -s --max-time 2 "http://127.0.0.1:$monitor_port/state" | python3 -c '
import json, sys
try:
    state = json.load(sys.stdin)
except ValueError:
    print(0); sys.exit()
print(sum(1 for e in state.get("edges", []) if e.get("available")))' 2>/dev/null || echo 0)
    ((available == 3)) && break
    sleep 0.3
  done
  if ((available != 3)); then
    note "router: the monitor reports $available of 3 edges available: $(log_tail \
      "$run_dir/monitor.log")"
    return 1
  fi

  "$candela_bin" router --help 2>/dev/null | grep -q -- '--threads' &&
    router_options+=(--threads "$router_threads")
  "${prio[@]}" taskset -c "$server_core" "$candela_bin" router \
    --monitor "http://127.0.0.1:$monitor_port" --coverage-zone "$run_dir/coverage.json" \
    --domain "$domain" \
    --http-listen "127.0.0.1:$router_http_port" --dns-listen "127.0.0.1:$router_dns_port" \
    --admin-listen "127.0.0.1:$router_admin_port" --ttl "$ttl" --dns-answers "$dns_answers" \
    "${router_options[@]}" >"$run_dir/router.log" 2>&1 &
  pid[router]=$!
  if ! wait_port 127.0.0.1 "$router_http_port" 20 || ! wait_dns "$router_dns_port" 20; then
    note "router: did not start: $(log_tail "$run_dir/router.log")"
    return 1
  fi
  # The router has the monitor's state once a service name resolves.
  deadline=$((SECONDS + 20))
  local first_name
  first_name=$(awk 'NR == 1 {print $1}' "$run_dir/queries.txt")
  until [[ $(python3 "$tools/dns_answers.py" probe 127.0.0.1 "$router_dns_port" "$first_name" \
    A) == NOERROR ]]; do
    ((SECONDS < deadline)) ||
      { note "router: $first_name never resolved: $(log_tail "$run_dir/router.log")"; return 1; }
    sleep 0.3
  done

  # Correctness first: every name, and the other kinds of answer the contract names.
  check_answers router "$router_dns_port" || return 1
  local nx refused
  nx=$(python3 "$tools/dns_answers.py" probe 127.0.0.1 "$router_dns_port" "nosuch.$domain" A)
  refused=$(python3 "$tools/dns_answers.py" probe 127.0.0.1 "$router_dns_port" example.org A)
  [[ $nx == NXDOMAIN && $refused == REFUSED ]] ||
    note "router/dns: nosuch.$domain → $nx (want NXDOMAIN), example.org → $refused" \
      "(want REFUSED)"

  if check_redirect router "$router_http_port"; then
    run_wrk router "$router_http_port"
  fi
  run_dnsperf router "$router_dns_port"
  kill -0 "${pid[router]}" 2>/dev/null ||
    note "router: exited during the run: $(log_tail "$run_dir/router.log")"
  # The router's own count of its decisions, beside what the load generators saw.
  curl -s --max-time 5 "http://127.0.0.1:$router_admin_port/metrics" \
    >"$run_dir/router-metrics.txt" || true
  local counted
  counted=$(awk -F'[{} ]' '/^candela_router_decisions_total\{/ && $NF > 0 {
      gsub(/"/, "", $2); sub(/mode=/, "", $2); sub(/,result=/, " ", $2)
      printf "%s%s %s", sep, $2, $NF; sep = ", " }' "$run_dir/router-metrics.txt")
  note "router: its /metrics counted decisions: ${counted:-none}; wrk completed" \
    "$(awk '/requests in/ {print $1}' "$run_dir/wrk-router.txt" 2>/dev/null) requests," \
    "dnsperf $(awk '/Queries completed:/ {print $3}' "$run_dir/dnsperf-router.txt" 2>/dev/null)" \
    "queries (plus $names + 3 checks)"
  stop_server router
  stop_server monitor
  for id in "${edge_ids[@]}"; do stop_server "$id"; done
}

# ---------------------------------------------------------------- the peers

bench_nginx() {
  log "== nginx"
  mkdir -p "$run_dir/nginx"
  render "$tools/nginx.conf.in" "$run_dir/nginx/nginx.conf" "$nginx_port"
  "${prio[@]}" taskset -c "$server_core" nginx -p "$run_dir/nginx" \
    -c "$run_dir/nginx/nginx.conf" -e "$run_dir/nginx/error.log" >"$run_dir/nginx.log" 2>&1 &
  pid[nginx]=$!
  wait_port 127.0.0.1 "$nginx_port" 20 ||
    { note "nginx: did not start: $(log_tail "$run_dir/nginx/error.log")"; return 1; }
  check_redirect nginx "$nginx_port" && run_wrk nginx "$nginx_port"
  stop_server nginx
}

bench_knot() {
  log "== Knot"
  mkdir -p "$run_dir/knot/db"
  render "$tools/knot.conf.in" "$run_dir/knot/knot.conf" "$knot_port"
  "${prio[@]}" taskset -c "$server_core" knotd -c "$run_dir/knot/knot.conf" \
    >"$run_dir/knot.log" 2>&1 &
  pid[knot]=$!
  wait_dns "$knot_port" 20 ||
    { note "knot: did not start: $(log_tail "$run_dir/knot.log")"; return 1; }
  check_answers knot "$knot_port" && run_dnsperf knot "$knot_port"
  stop_server knot
}

bench_nsd() {
  log "== NSD"
  mkdir -p "$run_dir/nsd"
  render "$tools/nsd.conf.in" "$run_dir/nsd/nsd.conf" "$nsd_port"
  nsd-checkconf "$run_dir/nsd/nsd.conf" >"$run_dir/nsd.log" 2>&1 ||
    { note "nsd: bad configuration: $(log_tail "$run_dir/nsd.log")"; return 1; }
  "${prio[@]}" taskset -c "$server_core" nsd -d -c "$run_dir/nsd/nsd.conf" \
    >>"$run_dir/nsd.log" 2>&1 &
  pid[nsd]=$!
  wait_dns "$nsd_port" 20 ||
    { note "nsd: did not start: $(log_tail "$run_dir/nsd/nsd.log")"; return 1; }
  check_answers nsd "$nsd_port" && run_dnsperf nsd "$nsd_port"
  stop_server nsd
}

if want router; then
  bench_router || { for s in router monitor "${edge_ids[@]}"; do stop_server "$s"; done; }
fi

# The peers' zone holds exactly the router's answers; without them, two edges per name in turn.
if [[ ! -s $run_dir/answers-router.json ]]; then
  python3 "$tools/make_inputs.py" spread "$run_dir/queries.txt" "$run_dir/answers-router.json" \
    "${edge_ips[@]}"
  want router && note "the peers' zone spreads the names over the edges: the router gave no answers"
fi
python3 "$tools/make_inputs.py" zone "$domain" "$ttl" 127.0.0.1 "$run_dir/answers-router.json" \
  "$run_dir/zone/$domain.zone"

want nginx && { bench_nginx || stop_server nginx; }
want knot && { bench_knot || stop_server knot; }
want nsd && { bench_nsd || stop_server nsd; }

# ---------------------------------------------------------------- report

meta=$run_dir/meta.txt
cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
versions=(
  "$("$candela_bin" --version 2>/dev/null | head -1)"
  "$(nginx -v 2>&1 | sed 's/.*: //')"
  "Knot $(knotd --version 2>&1 | grep -o '[0-9][0-9.]*' | head -1)"
  "NSD $(nsd -v 2>&1 | grep -o '[0-9][0-9.]*' | head -1)"
  "wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
  "dnsperf $(dnsperf -h 2>&1 | awk '/^Version/ {print $2}')"
)
{
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($cpu_model), $(uname -sr)"
  echo "Servers pinned to core $server_core (router: ${router_options[*]:-its default threads};" \
    "nginx: 1 worker; Knot: 1 UDP worker; NSD: server-count 1); load generators on core $load_core"
  echo "HTTP: wrk -t1 -c$connections -d${duration}s --latency, keep-alive, Host $http_host," \
    "$paths distinct paths; DNS: dnsperf -T1 -c$dns_clients -q$dns_outstanding -l$duration" \
    "over $names names (<scid>.$domain A, $dns_answers A records each; the peers' zone holds" \
    "the router's own answers)"
  printf 'Versions: %s' "${versions[0]}"
  printf '; %s' "${versions[@]:1}"
  echo
  if [[ $realtime == 1 ]]; then
    echo "Scheduling: servers and load generators SCHED_FIFO 1 (BENCH_REALTIME=1); RT" \
      "throttling pauses them up to 50 ms per second when a core is saturated"
  fi
  echo "Load average before → after the run: $load_before → $(cut -d' ' -f1-3 /proc/loadavg)" \
    "(other work on the machine skews the numbers)"
} >"$meta"
mkdir -p "$bench_dir/results"
python3 "$tools/report.py" "$results" "$bench_dir/results/router.md" "$meta" "$notes"
log "written to bench/results/router.md"
