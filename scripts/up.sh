#!/usr/bin/env bash
# `make up`: the whole CDN on this machine — the portal (SQLite under var/), a shield and two
# edges joined to it, the monitor polling them, the router steering clients (HTTP 302 and DNS), a
# demo origin and a local mail catcher for the portal's notices — seeded with a demo customer, a
# deployed configuration that fills through the shield, one user per provider role, a support
# ticket, a maintenance window, an order and an invoice. Runs in the foreground; Ctrl-C stops
# everything. State lives under var/.
set -euo pipefail
candela=${1:?usage: scripts/up.sh path/to/candela}
candela=$(cd "$(dirname "$candela")" && pwd)/$(basename "$candela")
top=$(cd "$(dirname "$0")/.." && pwd)
var="$top/var"
mkdir -p "$var/demo-origin" "$var/log" "$var/mail"
chmod 700 "$var"

portal_port=${CANDELA_PORTAL_PORT:-9000}
origin_port=${CANDELA_ORIGIN_PORT:-8081}
edge_ports=(${CANDELA_EDGE_PORTS:-8080 8082})
admin_ports=(${CANDELA_ADMIN_PORTS:-9080 9082})
smtp_port=${CANDELA_SMTP_PORT:-2525}
shield_port=${CANDELA_SHIELD_PORT:-8090}
shield_admin_port=${CANDELA_SHIELD_ADMIN_PORT:-9090}
monitor_port=${CANDELA_MONITOR_PORT:-9300}
router_http_port=${CANDELA_ROUTER_HTTP_PORT:-8070}
router_dns_port=${CANDELA_ROUTER_DNS_PORT:-5353}
router_admin_port=${CANDELA_ROUTER_ADMIN_PORT:-9070}
cdn_domain=cdn.candela.test
portal="http://127.0.0.1:$portal_port"

# Demo content: a page, a small object, a 1 MiB object, one never cached.
cat > "$var/demo-origin/index.html" <<'HTML'
<!doctype html><title>Candela demo</title><h1>Served by the Candela demo origin</h1>
HTML
[ -f "$var/demo-origin/small.bin" ] || head -c 1024 /dev/urandom > "$var/demo-origin/small.bin"
[ -f "$var/demo-origin/video.bin" ] || head -c 1048576 /dev/urandom > "$var/demo-origin/video.bin"
echo '{"greeting":"hello"}' > "$var/demo-origin/api.json"
printf 'Cache-Control: private, no-store\n' > "$var/demo-origin/api.json.hdr"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

wait_for() {  # url what log
  for _ in $(seq 100); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "make up: $2 did not start; see $3" >&2
  exit 1
}

# Passwords are generated once per checkout and kept in var/ (mode 0600), never fixed in code.
credentials="$var/demo-credentials.txt"
if [ ! -f "$credentials" ]; then
  umask 077
  : > "$credentials"
fi
password_for() {  # email → password (created on first use)
  local line
  line=$(grep -F "$1 " "$credentials" || true)
  if [ -z "$line" ]; then
    line="$1 $(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20)"
    echo "$line" >> "$credentials"
  fi
  echo "${line#* }"
}
admin_email=admin@candela.test
password_for "$admin_email" > "$var/admin.password"

"$candela" origin --listen "127.0.0.1:$origin_port" --root "$var/demo-origin" \
  --cache-control "public, max-age=300" > "$var/log/demo-origin.log" 2>&1 &
pids+=($!)
# Mail the portal sends (tickets, maintenance notices, escalations) lands in var/mail/ as .eml.
python3 "$top/tests/tools/smtp_sink.py" --dir "$var/mail" --port "$smtp_port" \
  > "$var/log/mail-sink.log" 2>&1 &
pids+=($!)
"$candela" portal --listen "127.0.0.1:$portal_port" --db "sqlite://$var/portal.db" \
  --web-root "$top/web/dist" --master-key-file "$var/portal-master.key" \
  --smtp-url "smtp://127.0.0.1:$smtp_port" --mail-from "noc@candela.test" \
  --clock-offset-file "$var/clock-offset" --cdn-domain "$cdn_domain" \
  --bootstrap-admin-email "$admin_email" --bootstrap-admin-password-file "$var/admin.password" \
  > "$var/log/portal.log" 2>&1 &
pids+=($!)
wait_for "$portal/api/v1/health" "the portal" "$var/log/portal.log"

export CANDELA_CTL_CONFIG="$var/ctl-admin.json"
ctl() { "$candela" ctl --portal "$portal" "$@"; }
ctl login --email "$admin_email" --password-file "$var/admin.password" > /dev/null

if [ ! -f "$var/seeded" ]; then
  "$top/scripts/seed-demo.sh" "$candela" "$portal" "$var" "$origin_port"
  touch "$var/seeded"
fi
scid=$(cat "$var/demo-scid")
# The business demo: an order activated 40 days ago and last month's invoice (docs/orders.md).
if [ ! -f "$var/seeded-billing" ]; then
  "$top/scripts/seed-billing-demo.sh" "$candela" "$portal" "$var" "$origin_port" "$var/clock-offset"
  touch "$var/seeded-billing"
fi

# The edge network: a shield, the monitor's credential, the demo property filling through it.
if [ ! -f "$var/seeded-network" ]; then
  "$top/scripts/seed-network-demo.sh" "$candela" "$portal" "$var" "$shield_port"
  touch "$var/seeded-network"
fi

# start_edge ID PORT ADMIN-PORT: one edge (or shield) following the portal.
start_edge() {
  cat > "$var/$1.json" <<JSON
{
  "edge_id": "$1",
  "listen": ["127.0.0.1:$2"],
  "admin_listen": "127.0.0.1:$3",
  "capacity": {"requests_per_second": 50000, "bytes_per_second": 1250000000},
  "cache": {"ram_bytes": 268435456, "stale_while_revalidate_seconds": 30,
            "stale_if_error_seconds": 300},
  "access_log": {"path": "$var/log/$1/access.log", "compress": true,
                 "rotate_every_seconds": 60},
  "properties": []
}
JSON
  "$candela" edge --config "$var/$1.json" --portal "$portal" --edge-id "$1" \
    --node-token-file "$var/$1.token" --state-dir "$var/$1" --routing-domain "$cdn_domain" \
    > "$var/log/$1.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$3/healthz" "$1" "$var/log/$1.log"
}
start_edge demo-shield-1 "$shield_port" "$shield_admin_port"
for i in 0 1; do
  start_edge "demo-edge-$((i + 1))" "${edge_ports[$i]}" "${admin_ports[$i]}"
done

# The demo configuration is deployed once both edges follow the feed.
for _ in $(seq 100); do
  ok=0
  for port in "${edge_ports[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: demo.candela.test' \
      "http://127.0.0.1:$port/index.html" || true)
    [ "$code" = 200 ] && ok=$((ok + 1))
  done
  [ "$ok" = 2 ] && break
  sleep 0.1
done

# The support demo needs traffic on the edges (the maintenance window's affected services).
if [ ! -f "$var/seeded-support" ]; then
  "$top/scripts/seed-support-demo.sh" "$candela" "$portal" "$var"
  touch "$var/seeded-support"
fi

# The monitor polls every edge's health and metrics each second and reports to the portal; the
# router asks it which edges are available. Every client on this machine is in cache group
# "local" (docs/router.md: coverage zones).
"$candela" monitor --portal "$portal" --token-file "$var/monitor.token" \
  --monitor-id demo-monitor --listen "127.0.0.1:$monitor_port" > "$var/log/monitor.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$monitor_port/healthz" "the monitor" "$var/log/monitor.log"
cat > "$var/coverage-zone.json" <<JSON
{"default_group": "local",
 "groups": [{"name": "local", "networks": ["127.0.0.0/8", "::1/128"]}]}
JSON
"$candela" router --monitor "http://127.0.0.1:$monitor_port" \
  --coverage-zone "$var/coverage-zone.json" --domain "$cdn_domain" \
  --http-listen "127.0.0.1:$router_http_port" --dns-listen "127.0.0.1:$router_dns_port" \
  --admin-listen "127.0.0.1:$router_admin_port" > "$var/log/router.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$router_admin_port/healthz" "the router" "$var/log/router.log"

cat <<TEXT

Candela is up.

  Web portal:       $portal/
  API:              $portal/api/v1/   (OpenAPI: $portal/api/v1/openapi.json)
  Router:           http://127.0.0.1:$router_http_port/ (HTTP 302 to an edge)
                    DNS on 127.0.0.1:$router_dns_port (UDP and TCP), authoritative for $cdn_domain
  Edges (cache):    http://127.0.0.1:${edge_ports[0]}/  http://127.0.0.1:${edge_ports[1]}/
                    (Host: demo.candela.test or localhost)
  Shield:           http://127.0.0.1:$shield_port/ (the edges fill through it)
  Edge admin:       http://127.0.0.1:${admin_ports[0]}/metrics  http://127.0.0.1:${admin_ports[1]}/metrics
                    http://127.0.0.1:$shield_admin_port/metrics (shield)
  Monitor:          http://127.0.0.1:$monitor_port/state
  Demo origin:      http://127.0.0.1:$origin_port/   (request counters: /_origin/stats)
  Demo service:     SCID $scid (customer "Demo Media"), deployed to both edges
  Logs:             $var/log/
  Mail catcher:     smtp://127.0.0.1:$smtp_port — every mail the portal sends is in $var/mail/

Sign in to the portal with (all passwords are in $credentials):
$(sed 's/^/  /' "$credentials")

Try:
  curl -si -H 'Host: demo.candela.test' http://127.0.0.1:${edge_ports[0]}/index.html   # miss, then hit
  curl -si -H 'Host: demo.candela.test' http://127.0.0.1:$router_http_port/index.html  # 302 to an edge
  curl -si --connect-to ::127.0.0.1: "\$(curl -s -o /dev/null -w '%{redirect_url}' \\
       -H 'Host: demo.candela.test' http://127.0.0.1:$router_http_port/index.html)"  # follow it
  drill -p $router_dns_port @127.0.0.1 $scid.$cdn_domain A       # the router's DNS answer
  curl -s http://127.0.0.1:$monitor_port/state                   # what the monitor sees
  curl -s -X POST http://127.0.0.1:${admin_ports[0]}/drain        # drain demo-edge-1; DELETE undrains
  $candela ctl --portal $portal login --email $admin_email --password-file $var/admin.password
  $candela ctl services list
  $candela ctl config show $scid
  $candela ctl purge $scid --url http://demo.candela.test/index.html --wait 10
  Usage report and live view: $portal/services/$scid/usage   (edges post every 10 s)
  Log files:                  $portal/services/$scid/logs    (demo edges ship every minute)
  Support tickets:            $portal/tickets       (a demo impairment ticket is open)
  Maintenance calendar:       $portal/maintenance   (a demo window next Saturday, notices in $var/mail/)
  NOC dashboard:              $portal/noc           (sign in as noc-engineer@candela.test)
  Network (topology, health): $portal/network
  Orders:                     $portal/orders        (order $(cat "$var/demo-order") activated SCID $(cat "$var/demo-shop-scid");
                              disconnect order $(cat "$var/demo-disconnect-order") waits for the account director's quote)
  Connection notice:          $portal/services/$(cat "$var/demo-shop-scid")/connection-notice
  Billing:                    $portal/billing       (invoice $(cat "$var/demo-invoice") with an open billing request;
                              sign in as billing-coordinator@candela.test to record a payment)
  $candela ctl orders list
  $candela ctl invoices download $(cat "$var/demo-invoice") --format pdf -o invoice.pdf

Press Ctrl-C to stop.
TEXT
wait
