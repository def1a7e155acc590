#!/usr/bin/env bash
# Seeds the edge network of the demo (docs/network.md), as the signed-in provider admin
# ($CANDELA_CTL_CONFIG): a shield edge, a monitor credential, and a new configuration version
# of the demo service that fills through the shield tier, deployed to production.
set -euo pipefail
candela=${1:?usage: seed-network-demo.sh candela portal-url var-dir shield-port}
portal=${2:?}
var=${3:?}
shield_port=${4:?}
# shellcheck source=demo-lib.sh
source "$(dirname "$0")/demo-lib.sh"
api() { "$candela" ctl --portal "$portal" --json api "$@"; }
scid=$(cat "$var/demo-scid")

# Tokens are shown once; they are kept in var/ for the processes (0600).
token=$(api POST /api/v1/edges -d "{\"edge_id\": \"demo-shield-1\", \"cache_group\": \"local\",
  \"address\": \"127.0.0.1:$shield_port\", \"role\": \"shield\", \"network\": \"production\"}" |
  field node_token)
(umask 077 && printf '%s\n' "$token" > "$var/demo-shield-1.token")
token=$(api POST /api/v1/noc/monitors -d '{"monitor_id": "demo-monitor",
  "description": "The monitor of make up"}' | field token)
(umask 077 && printf '%s\n' "$token" > "$var/monitor.token")

# The demo property now fills through the shield: each object leaves the origin once.
python3 - "$var/demo-configuration.json" > "$var/demo-configuration-shield.json" <<'PY'
import json, sys
document = json.load(open(sys.argv[1]))
for prop in document["properties"]:
    prop["shield"] = True
print(json.dumps(document, indent=2))
PY
"$candela" ctl --portal "$portal" config push "$scid" "$var/demo-configuration-shield.json" \
  -m "fill through the shield tier" > /dev/null
"$candela" ctl --portal "$portal" deploy "$scid" latest -e production -m "shield tier" > /dev/null
