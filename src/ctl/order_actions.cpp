// `ctl orders list|show|create|transition|notice` (docs/orders.md).
#include <iostream>

#include "ctl/ctl_actions.hpp"
#include "ctl/output.hpp"

namespace candela::ctl {
namespace {

std::string order_path(const std::string& number) {
  return "/api/v1/orders/" + url_component(number);
}

}  // namespace

int list_orders(CtlContext& ctx, const std::string& state) {
  if (!ctx.connect()) return kExitUsage;
  std::string path = "/api/v1/orders?limit=200";
  if (!state.empty()) path += "&state=" + url_component(state);
  auto result = ctx.call("GET", path);
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json(), {"order_number", "type", "state", "customer_number", "scid",
                                      "customer_commit_date", "totals.mrc_minor"});
  return kExitOk;
}

int show_order(CtlContext& ctx, const std::string& number) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", order_path(number));
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

int create_order(CtlContext& ctx, const std::string& file) {
  auto text = read_text_file(file);
  if (!text.ok()) {
    std::cerr << "candela ctl: " << text.error() << "\n";
    return kExitUsage;
  }
  auto body = nlohmann::json::parse(*text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    std::cerr << "candela ctl: " << file << " is not a JSON object\n";
    return kExitUsage;
  }
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("POST", "/api/v1/orders", body);
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

int transition_order(CtlContext& ctx, const OrderTransitionArgs& args) {
  if (args.signer_name.empty() != args.signer_title.empty()) {
    std::cerr << "candela ctl: give both --signer-name and --signer-title\n";
    return kExitUsage;
  }
  nlohmann::json body = {{"to", args.to}};
  if (!args.reason.empty()) body["reason"] = args.reason;
  if (!args.signer_name.empty()) {
    body["signature"] = {{"name", args.signer_name}, {"title", args.signer_title}};
  }
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("POST", order_path(args.order_number) + "/transitions", body);
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

int show_connection_notice(CtlContext& ctx, const std::string& scid) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", "/api/v1/services/" + url_component(scid) + "/connection-notice");
  if (!result.ok()) return result.exit_code;
  const auto body = result.response->json();
  if (ctx.options().json) {
    ctx.print(body);
  } else {
    std::cout << body.value("body", "");
  }
  return kExitOk;
}

}  // namespace candela::ctl
