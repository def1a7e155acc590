// `ctl billing run` and `ctl invoices list|show|download` (docs/billing.md).
#include <cstdio>
#include <fstream>
#include <iostream>

#include "ctl/ctl_actions.hpp"
#include "ctl/output.hpp"

namespace candela::ctl {

int run_billing(CtlContext& ctx, const BillingRunArgs& args) {
  if (!ctx.connect()) return kExitUsage;
  nlohmann::json body = {{"period", args.period}};
  if (!args.customer.empty()) body["customer_number"] = args.customer;
  auto result = ctx.call("POST", "/api/v1/billing/runs", body);
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

int list_invoices(CtlContext& ctx, const InvoiceListArgs& args) {
  if (!ctx.connect()) return kExitUsage;
  std::string path = "/api/v1/invoices?limit=500";
  if (!args.customer.empty()) path += "&customer_number=" + url_component(args.customer);
  if (!args.period.empty()) path += "&period=" + url_component(args.period);
  if (!args.status.empty()) path += "&status=" + url_component(args.status);
  auto result = ctx.call("GET", path);
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json(),
            {"invoice_number", "customer_number", "period", "issue_date", "due_date", "currency",
             "new_charges_minor", "amount_due_minor", "outstanding_minor", "status"});
  return kExitOk;
}

int show_invoice(CtlContext& ctx, const std::string& invoice_number) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", "/api/v1/invoices/" + url_component(invoice_number));
  if (!result.ok()) return result.exit_code;
  const nlohmann::json invoice = result.response->json();
  if (ctx.options().json) {
    ctx.print(invoice);
    return kExitOk;
  }
  // A header of the totals, then the lines as a table.
  for (const char* name :
       {"invoice_number", "customer_number", "customer_name", "period", "issue_date", "due_date",
        "currency", "previous_balance_minor", "payments_minor", "new_charges_minor",
        "amount_due_minor", "paid_minor", "outstanding_minor", "disputed_minor", "status"}) {
    std::cout << name << ": " << cell_text(invoice.value(name, nlohmann::json())) << "\n";
  }
  std::cout << "\n"
            << format_table(
                   invoice.value("lines", nlohmann::json::array()),
                   {"line_number", "kind", "scid", "description", "quantity", "amount_minor"});
  return kExitOk;
}

int download_invoice(CtlContext& ctx, const InvoiceDownloadArgs& args) {
  if (args.format != "pdf" && args.format != "html" && args.format != "csv") {
    std::fprintf(stderr, "candela ctl: --format must be pdf, html or csv, not \"%s\"\n",
                 args.format.c_str());
    return kExitUsage;
  }
  if (!ctx.connect()) return kExitUsage;
  auto result =
      ctx.call("GET", "/api/v1/invoices/" + url_component(args.invoice_number) + "/" + args.format);
  if (!result.ok()) return result.exit_code;
  const std::string output =
      args.output.empty() ? args.invoice_number + "." + args.format : args.output;
  if (output == "-") {
    std::cout << result.response->body;
    return kExitOk;
  }
  std::ofstream out(output, std::ios::binary);
  out << result.response->body;
  if (!out) {
    std::fprintf(stderr, "candela ctl: cannot write %s\n", output.c_str());
    return kExitUsage;
  }
  std::fprintf(stderr, "wrote %s (%zu bytes)\n", output.c_str(), result.response->body.size());
  return kExitOk;
}

}  // namespace candela::ctl
