// `ctl payments record|list` and `ctl balance`.
#include <cstdio>

#include "common/money.hpp"
#include "ctl/ctl_actions.hpp"

namespace candela::ctl {

int record_payment(CtlContext& ctx, const PaymentArgs& args) {
  // Amounts are typed as people write them ("1234.56") and sent as minor units, never floats.
  const auto amount = parse_amount(args.amount);
  if (!amount || *amount <= 0) {
    std::fprintf(stderr,
                 "candela ctl: --amount must be a positive amount such as 1234.56 (two decimals "
                 "at most, no thousands separators), not \"%s\"\n",
                 args.amount.c_str());
    return kExitUsage;
  }
  if (!ctx.connect()) return kExitUsage;
  nlohmann::json body = {{"customer_number", args.customer},
                         {"method", args.method},
                         {"reference", args.reference},
                         {"amount_minor", *amount},
                         {"received_on", args.received_on}};
  if (!args.note.empty()) body["note"] = args.note;
  auto result = ctx.call("POST", "/api/v1/payments", body);
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

int list_payments(CtlContext& ctx, const std::string& customer) {
  if (!ctx.connect()) return kExitUsage;
  std::string path = "/api/v1/payments?limit=500";
  if (!customer.empty()) path += "&customer_number=" + url_component(customer);
  auto result = ctx.call("GET", path);
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json(), {"id", "received_on", "customer_number", "method", "reference",
                                      "amount_minor", "unapplied_minor"});
  return kExitOk;
}

int show_balance(CtlContext& ctx, const std::string& customer) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", "/api/v1/customers/" + url_component(customer) + "/balance");
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

}  // namespace candela::ctl
