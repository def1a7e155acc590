#!/usr/bin/env bash
# Seeds the business side of the demo: a new-service order placed and walked to activation by
# the roles the handbook names 40 days ago (the portal's clock is moved back for it through
# --clock-offset-file, then forward again), so that last month has ended with the service in it;
# then last month's billing run, an open billing request on its invoice, and a disconnect order
# waiting for its quote.
set -euo pipefail
candela=${1:?usage: seed-billing-demo.sh candela portal-url var-dir origin-port clock-offset-file}
portal=${2:?}
var=${3:?}
origin_port=${4:?}
clock_file=${5:?}
# shellcheck source=demo-lib.sh
source "$(dirname "$0")/demo-lib.sh"

org=$(as_user admin@candela.test api GET /api/v1/access-groups |
  python3 -c "import json,sys; print(next(g['id'] for g in json.load(sys.stdin)['items'] if g['name'] == 'Demo Media'))")
customer=$(as_user admin@candela.test api GET /api/v1/customers |
  python3 -c "import json,sys; print(next(c['customer_number'] for c in json.load(sys.stdin)['items'] if c['name'] == 'Demo Media Ltd'))")

# 40 days ago: the order, from draft to completed.
echo $((-40 * 86400)) > "$clock_file"
sleep 0.3
forget_sessions
activated=$(date -u -d '-40 days' +%Y-%m-%d)
order=$(as_user account-director@candela.test api POST /api/v1/orders -d "{
  \"type\": \"new_service\", \"customer_number\": \"$customer\", \"access_group_id\": $org,
  \"customer_commit_date\": \"$activated\",
  \"items\": [{\"product\": \"cdn-delivery\", \"description\": \"Demo shop delivery\",
    \"pricing_basis\": \"standard\", \"mrc_minor\": 50000, \"nrc_minor\": 100000,
    \"usage_plan\": {\"kind\": \"per_gb\", \"tiers\": [
      {\"up_to_gb\": 10000, \"rate_milli_minor_per_gb\": 4500},
      {\"up_to_gb\": 100000, \"rate_milli_minor_per_gb\": 3000},
      {\"up_to_gb\": null, \"rate_milli_minor_per_gb\": 2000}]},
    \"term_months\": 12, \"etc_percent\": 100}],
  \"technical\": {\"aliases\": [\"shop.candela.test\"],
    \"origin\": {\"host\": \"127.0.0.1\", \"port\": $origin_port, \"scheme\": \"http\"}}}" |
  field order_number)
step() { as_user "$1" api POST "/api/v1/orders/$order/transitions" -d "$2" > /dev/null; }
step account-director@candela.test '{"to": "quoted"}'
step admin@demo-media.test '{"to": "signed", "signature": {"name": "Demo Admin", "title": "Head of Platform"}}'
step customer-care-manager@candela.test '{"to": "validated"}'
step activation-engineer@candela.test '{"to": "provisioning"}'
step activation-engineer@candela.test '{"to": "completed"}'
shop_scid=$(as_user admin@demo-media.test api GET "/api/v1/orders/$order" | field scid)

# Today again: last month's invoice, and a question about it.
echo 0 > "$clock_file"
sleep 0.3
forget_sessions
period=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%Y-%m)
as_user billing-coordinator@candela.test api POST /api/v1/billing/runs \
  -d "{\"period\": \"$period\", \"customer_number\": \"$customer\"}" > /dev/null
invoice=$(as_user billing-coordinator@candela.test api GET \
  "/api/v1/invoices?customer_number=$customer&period=$period" |
  python3 -c "import json,sys; print(json.load(sys.stdin)['items'][0]['invoice_number'])")
as_user admin@demo-media.test api POST /api/v1/billing-requests -d "{
  \"invoice_number\": \"$invoice\", \"line_number\": 1, \"kind\": \"inquiry\",
  \"subject\": \"Proration of the first month\",
  \"description\": \"Please confirm the days counted for the activation month.\"}" > /dev/null

# A disconnect of the shop service at the end of next month: its early termination charge is
# quoted when the account director quotes the order.
cessation=$(date -u -d "$(date -u -d '+2 months' +%Y-%m-01) -1 day" +%Y-%m-%d)
disconnect=$(as_user admin@demo-media.test api POST /api/v1/orders -d "{
  \"type\": \"disconnect\", \"customer_number\": \"$customer\",
  \"scid\": \"$shop_scid\", \"customer_commit_date\": \"$cessation\",
  \"disconnect\": {\"cessation_date\": \"$cessation\"}}" | field order_number)

printf '%s\n' "$order" > "$var/demo-order"
printf '%s\n' "$shop_scid" > "$var/demo-shop-scid"
printf '%s\n' "$invoice" > "$var/demo-invoice"
printf '%s\n' "$disconnect" > "$var/demo-disconnect-order"
