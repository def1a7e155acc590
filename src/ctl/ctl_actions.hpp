// The actions of `candela ctl`, one function per command; each returns the exit status.
#pragma once

#include <string>
#include <vector>

#include "ctl/ctl_context.hpp"

namespace candela::ctl {

bool http_name_is(std::string_view a, std::string_view b);

struct LoginArgs {
  std::string email;
  std::string password_file;
};
int login(CtlContext& ctx, const LoginArgs& args);
int logout(CtlContext& ctx);
int whoami(CtlContext& ctx);

int list_services(CtlContext& ctx, const std::string& state);
int show_service(CtlContext& ctx, const std::string& scid);

int config_history(CtlContext& ctx, const std::string& scid);
int config_show(CtlContext& ctx, const std::string& scid, const std::string& version,
                const std::string& output_file);
int config_validate(CtlContext& ctx, const std::string& scid, const std::string& file);
int config_push(CtlContext& ctx, const std::string& scid, const std::string& file,
                const std::string& comment);
int config_edit(CtlContext& ctx, const std::string& scid, const std::string& comment);
int config_diff(CtlContext& ctx, const std::string& scid, const std::string& from,
                const std::string& to);

struct DeployArgs {
  std::string scid;
  std::string version;  // a number, or "latest"
  std::string environment = "production";
  std::string comment;
  int wait_seconds = 0;  // > 0: wait until every edge has applied it
};
int deploy(CtlContext& ctx, const DeployArgs& args);
int rollback(CtlContext& ctx, const DeployArgs& args);

struct PurgeArgs {
  std::string scid;
  std::vector<std::string> urls;
  std::vector<std::string> patterns;
  std::vector<std::string> tags;
  std::vector<std::string> property_ids;
  bool soft = false;
  int wait_seconds = 0;
};
int purge(CtlContext& ctx, const PurgeArgs& args);

int status(CtlContext& ctx, const std::string& scid);

struct RawArgs {
  std::string method;
  std::string path;
  std::string data;                  // JSON text, or @file
  std::vector<std::string> headers;  // "Name: value"
};
int raw_request(CtlContext& ctx, const RawArgs& args);

// `ctl payments record|list`, `ctl balance` (docs/payments.md).
struct PaymentArgs {
  std::string customer;
  std::string method = "eft";
  std::string reference;
  std::string amount;  // "1234.56": major units with at most two decimals
  std::string received_on;
  std::string note;
};
int record_payment(CtlContext& ctx, const PaymentArgs& args);
int list_payments(CtlContext& ctx, const std::string& customer);
int show_balance(CtlContext& ctx, const std::string& customer);

// `ctl orders list|show|create|transition|notice` (docs/orders.md).
struct OrderTransitionArgs {
  std::string order_number;
  std::string to;
  std::string reason;
  std::string signer_name;
  std::string signer_title;
};
int list_orders(CtlContext& ctx, const std::string& state);
int show_order(CtlContext& ctx, const std::string& number);
int create_order(CtlContext& ctx, const std::string& file);
int transition_order(CtlContext& ctx, const OrderTransitionArgs& args);
int show_connection_notice(CtlContext& ctx, const std::string& scid);

// `ctl billing run`, `ctl invoices list|show|download` (docs/billing.md).
struct BillingRunArgs {
  std::string period;    // YYYY-MM
  std::string customer;  // empty: every customer
};
struct InvoiceListArgs {
  std::string customer;
  std::string period;
  std::string status;  // open, paid, overdue
};
struct InvoiceDownloadArgs {
  std::string invoice_number;
  std::string format = "pdf";  // pdf, html, csv
  std::string output;          // empty: <invoice number>.<format>; "-": stdout
};
int run_billing(CtlContext& ctx, const BillingRunArgs& args);
int list_invoices(CtlContext& ctx, const InvoiceListArgs& args);
int show_invoice(CtlContext& ctx, const std::string& invoice_number);
int download_invoice(CtlContext& ctx, const InvoiceDownloadArgs& args);

// `ctl network topology|health [--network production|staging]` (docs/noc.md): the edges with
// drain state, or the monitors' freshest health per edge.
int network_topology(CtlContext& ctx, const std::string& network);
int network_health(CtlContext& ctx, const std::string& network);

}  // namespace candela::ctl
