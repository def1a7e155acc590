#!/usr/bin/env bash
# Seeds the support side of the demo once the edges carry traffic: an impairment ticket opened by
# the demo customer's admin, and a service-affecting maintenance window of the demo cache group
# next week (its notices go to the demo customer, whose service the edges have served).
set -euo pipefail
candela=${1:?usage: seed-support-demo.sh candela portal-url var-dir}
portal=${2:?}
var=${3:?}
# shellcheck source=demo-lib.sh
source "$(dirname "$0")/demo-lib.sh"
scid=$(cat "$var/demo-scid")

utc() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

as_user admin@demo-media.test api POST /api/v1/tickets -d "{
  \"type\": \"service_impairment\", \"severity\": 3,
  \"subject\": \"Slow first byte on /video for viewers in Dublin\",
  \"scid\": \"$scid\",
  \"description\": \"Cache misses on /video take 2-3 s before the first byte since this morning.\",
  \"alarm_info\": \"Player QoE monitor: time-to-first-frame alarm (threshold 2 s), Dublin.\",
  \"problem_started_at\": \"$(utc '-2 hours')\",
  \"contact\": {\"name\": \"Demo Admin\", \"email\": \"admin@demo-media.test\",
                \"phones\": [\"+353 1 555 0100\"],
                \"alternate_contact\": \"Night desk +353 1 555 0199\"}}" > /dev/null

# The window's affected services come from the edges' usage reports: wait until the demo
# service's first minutes have arrived (edges post every 10 s).
hour=$(date -u +%Y-%m-%dT%H:00:00Z)
next=$(date -u -d '+2 hours' +%Y-%m-%dT%H:00:00Z)
for _ in $(seq 60); do
  requests=$(as_user admin@candela.test api GET \
    "/api/v1/usage?scid=$scid&from=$hour&to=$next&granularity=hour" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['totals'].get('requests', 0))")
  [ "$requests" -gt 0 ] && break
  sleep 1
done
start=$(date -u -d 'next saturday 02:00' +%Y-%m-%dT%H:%M:%SZ)
end=$(date -u -d "$start + 2 hours" +%Y-%m-%dT%H:%M:%SZ)
as_user noc-engineer@candela.test api POST /api/v1/maintenance -d "{
  \"kind\": \"scheduled\", \"impact\": \"service_affecting\",
  \"title\": \"Cache software upgrade in the local cache group\",
  \"description\": \"The edges of the group restart one at a time; each drains first.\",
  \"starts_at\": \"$start\", \"ends_at\": \"$end\",
  \"cache_groups\": [\"local\"], \"edges\": []}" > /dev/null
