#!/usr/bin/env bash
# `make up`: starts a demo origin and a caching edge on this machine and prints how to use them.
# Runs in the foreground; Ctrl-C stops everything. State lives under var/.
set -euo pipefail
candela=${1:?usage: scripts/up.sh path/to/candela}
top=$(cd "$(dirname "$0")/.." && pwd)
var="$top/var"
mkdir -p "$var/demo-origin" "$var/log"

edge_port=${CANDELA_EDGE_PORT:-8080}
admin_port=${CANDELA_ADMIN_PORT:-9080}
origin_port=${CANDELA_ORIGIN_PORT:-8081}

# Demo content: a page, a small object, a 1 MiB object, one that varies, one never cached.
cat > "$var/demo-origin/index.html" <<'HTML'
<!doctype html><title>Candela demo</title><h1>Served by the Candela demo origin</h1>
HTML
head -c 1024 /dev/urandom > "$var/demo-origin/small.bin"
head -c 1048576 /dev/urandom > "$var/demo-origin/video.bin"
echo '{"greeting":"hello"}' > "$var/demo-origin/api.json"
printf 'Cache-Control: private, no-store\n' > "$var/demo-origin/api.json.hdr"

cat > "$var/edge-demo.json" <<JSON
{
  "edge_id": "demo-edge-1",
  "listen": ["127.0.0.1:$edge_port"],
  "admin_listen": "127.0.0.1:$admin_port",
  "cache": {"ram_bytes": 268435456, "stale_while_revalidate_seconds": 30,
            "stale_if_error_seconds": 300},
  "access_log": {"path": "$var/log/demo-edge-1/access.log"},
  "properties": [
    {"id": "demo", "service_id": "DEMO00001",
     "aliases": ["demo.candela.test", "localhost:$edge_port", "127.0.0.1:$edge_port"],
     "origin": {"host": "127.0.0.1", "port": $origin_port, "protocol": "http"}}
  ]
}
JSON

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$candela" origin --listen "127.0.0.1:$origin_port" --root "$var/demo-origin" \
  --cache-control "public, max-age=300" > "$var/log/demo-origin.log" 2>&1 &
pids+=($!)
"$candela" edge --config "$var/edge-demo.json" > "$var/log/demo-edge-1.log" 2>&1 &
pids+=($!)

for _ in $(seq 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$admin_port/healthz" && break
  sleep 0.1
done
if ! curl -fs -o /dev/null "http://127.0.0.1:$admin_port/healthz"; then
  echo "make up: the edge did not start; see $var/log/demo-edge-1.log" >&2
  exit 1
fi

cat <<TEXT

Candela is up.

  Edge (cache):     http://127.0.0.1:$edge_port/      (Host: demo.candela.test)
  Edge admin:       http://127.0.0.1:$admin_port/metrics   http://127.0.0.1:$admin_port/healthz
  Demo origin:      http://127.0.0.1:$origin_port/    (request counters: /_origin/stats)
  Access log:       $var/log/demo-edge-1/access.log
  Edge config:      $var/edge-demo.json  (edit, then: kill -HUP $(pgrep -n -f "candela edge --config $var/edge-demo.json" || echo PID))

Try:
  curl -si http://127.0.0.1:$edge_port/index.html                 # miss, then hit on the second call
  curl -si -H 'Range: bytes=0-99' http://127.0.0.1:$edge_port/video.bin -o /dev/null -D -
  curl -si http://127.0.0.1:$edge_port/api.json                   # private: passed through, never stored
  curl -s  http://127.0.0.1:$origin_port/_origin/stats            # what reached the origin

Credentials: none yet (the portal arrives with the control plane).
Press Ctrl-C to stop.
TEXT
wait
