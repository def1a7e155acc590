#!/usr/bin/env bash
# Seeds a fresh portal through its API (as the signed-in provider admin, $CANDELA_CTL_CONFIG):
# one user per provider role, a demo customer with its account team and users, two edges (node
# tokens written to var/), and an active service whose configuration is deployed to production.
set -euo pipefail
candela=${1:?usage: seed-demo.sh candela portal-url var-dir origin-port}
portal=${2:?}
var=${3:?}
origin_port=${4:?}
credentials="$var/demo-credentials.txt"

ctl() { "$candela" ctl --portal "$portal" --json "$@"; }
api() { ctl api "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
password_for() {
  local line
  line=$(grep -F "$1 " "$credentials" || true)
  if [ -z "$line" ]; then
    line="$1 $(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20)"
    echo "$line" >> "$credentials"
  fi
  echo "${line#* }"
}

# Provider staff: one user per role.
staff_ids=()
for role in account_director sales_engineer customer_care_manager activation_engineer \
            cdn_support_technician billing_coordinator noc_engineer; do
  email="${role//_/-}@candela.test"
  name=$(echo "$role" | tr '_' ' ' | sed 's/\b./\u&/g')
  id=$(api POST /api/v1/users -d "{\"name\": \"$name\", \"email\": \"$email\",
        \"phone_office\": \"+1 303 555 0100\", \"password\": \"$(password_for "$email")\",
        \"roles\": [{\"role\": \"$role\"}]}" | field id)
  staff_ids+=("$role:$id")
done

# The demo customer: an organisation (top access group) with a child group, a customer number.
org=$(api POST /api/v1/access-groups -d '{"name": "Demo Media", "parent_id": null}' | field id)
api POST /api/v1/access-groups -d "{\"name\": \"Demo Media – Video\", \"parent_id\": $org}" > /dev/null
customer=$(api POST /api/v1/customers -d "{\"name\": \"Demo Media Ltd\", \"organisation_id\": $org,
  \"billing_address\": {\"line1\": \"1 Example Street\", \"city\": \"Dublin\",
  \"postal_code\": \"D02 XY00\"}, \"country\": \"IE\", \"invoice_delivery\": \"email\",
  \"invoice_email\": \"billing@demo-media.test\"}" | field customer_number)
for entry in "${staff_ids[@]}"; do
  role=${entry%%:*}
  id=${entry#*:}
  [ "$role" = noc_engineer ] && continue
  api PUT "/api/v1/customers/$customer/account-team/$role" -d "{\"user_id\": $id}" > /dev/null
done
for who in admin:admin technical:technical viewer:read_only; do
  email="${who%%:*}@demo-media.test"
  api POST /api/v1/users -d "{\"name\": \"Demo ${who%%:*}\", \"email\": \"$email\",
    \"password\": \"$(password_for "$email")\",
    \"roles\": [{\"role\": \"${who#*:}\", \"access_group_id\": $org}]}" > /dev/null
done

# Two edges; each node token is shown once and kept for the edge in var/ (0600).
edge_ports=(${CANDELA_EDGE_PORTS:-8080 8082})
for n in 1 2; do
  token=$(api POST /api/v1/edges -d "{\"edge_id\": \"demo-edge-$n\", \"cache_group\": \"local\",
    \"address\": \"127.0.0.1:${edge_ports[$((n - 1))]}\", \"role\": \"edge\", \"network\": \"production\"}" | field node_token)
  (umask 077 && printf '%s\n' "$token" > "$var/demo-edge-$n.token")
done

# The service, its configuration, and its deployment.
scid=$(api POST /api/v1/services -d "{\"access_group_id\": $org, \"customer_number\": \"$customer\",
  \"reason\": \"demo\"}" | field scid)
api PATCH "/api/v1/services/$scid" -d '{"state": "active", "reason": "demo activation"}' > /dev/null
cat > "$var/demo-configuration.json" <<JSON
{
  "scid": "$scid",
  "properties": [
    {
      "id": "www",
      "primary_alias": "demo.candela.test",
      "aliases": ["localhost"],
      "origin": {"host": "127.0.0.1", "port": $origin_port, "protocol": "http"}
    }
  ]
}
JSON
"$candela" ctl --portal "$portal" config push "$scid" "$var/demo-configuration.json" \
  -m "demo configuration" > /dev/null
"$candela" ctl --portal "$portal" deploy "$scid" latest -e production -m "demo" > /dev/null
echo "$scid" > "$var/demo-scid"
