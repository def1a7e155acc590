// `candela ctl`: subcommands → actions (ctl_actions.hpp).
#include "ctl/ctl_command.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "ctl/ctl_actions.hpp"

namespace candela::ctl {
namespace {

struct CtlArgs {
  CtlOptions options;
  LoginArgs login;
  std::string scid;
  std::string state;
  std::string version = "latest";
  std::string file;
  std::string output;
  std::string comment;
  std::string from;
  std::string to;
  DeployArgs deploy;
  PurgeArgs purge;
  RawArgs raw;
  PaymentArgs payment;
  OrderTransitionArgs order;
  BillingRunArgs billing;
  InvoiceListArgs invoices;
  InvoiceDownloadArgs download;
};

// Adds `name` under `parent`; its callback runs `run` with a context built from the options.
CLI::App* action(CLI::App* parent, const char* name, const char* help,
                 const std::shared_ptr<CtlArgs>& args, int& exit_code,
                 std::function<int(CtlContext&, CtlArgs&)> run) {
  auto* cmd = parent->add_subcommand(name, help);
  cmd->callback([args, &exit_code, run = std::move(run)] {
    CtlContext ctx(args->options);
    exit_code = run(ctx, *args);
  });
  return cmd;
}

void add_config_commands(CLI::App* ctl, const std::shared_ptr<CtlArgs>& args, int& exit_code) {
  auto* config = ctl->add_subcommand("config", "Configurations: show, edit, validate, diff");
  config->require_subcommand(1);
  action(config, "history", "Versions of a service's configuration", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return config_history(c, a.scid); })
      ->add_option("scid", args->scid, "Service component ID")
      ->required();
  auto* show =
      action(config, "show", "Print a version's document", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return config_show(c, a.scid, a.version, a.output); });
  show->add_option("scid", args->scid, "Service component ID")->required();
  show->add_option("--version", args->version, "Version number or 'latest' (default)");
  show->add_option("-o,--output", args->output, "Write to this file instead of stdout");
  auto* validate =
      action(config, "validate", "Validate a document without storing it", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return config_validate(c, a.scid, a.file); });
  validate->add_option("scid", args->scid, "Service component ID")->required();
  validate->add_option("file", args->file, "Configuration document (JSON; - for stdin)")
      ->required();
  auto* push =
      action(config, "push", "Store a document as the next version", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return config_push(c, a.scid, a.file, a.comment); });
  push->add_option("scid", args->scid, "Service component ID")->required();
  push->add_option("file", args->file, "Configuration document (JSON; - for stdin)")->required();
  push->add_option("-m,--comment", args->comment, "Why this version")->required();
  auto* edit =
      action(config, "edit", "Edit the latest version in $EDITOR and store it", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return config_edit(c, a.scid, a.comment); });
  edit->add_option("scid", args->scid, "Service component ID")->required();
  edit->add_option("-m,--comment", args->comment, "Why this version")->required();
  auto* diff =
      action(config, "diff", "Differences between two versions", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return config_diff(c, a.scid, a.from, a.to); });
  diff->add_option("scid", args->scid, "Service component ID")->required();
  diff->add_option("from", args->from, "Older version")->required();
  diff->add_option("to", args->to, "Newer version")->required();
}

void add_delivery_commands(CLI::App* ctl, const std::shared_ptr<CtlArgs>& args, int& exit_code) {
  auto* deploy_cmd = action(ctl, "deploy", "Deploy a configuration version", args, exit_code,
                            [](CtlContext& c, CtlArgs& a) { return deploy(c, a.deploy); });
  deploy_cmd->add_option("scid", args->deploy.scid, "Service component ID")->required();
  deploy_cmd->add_option("version", args->deploy.version, "Version number or 'latest'")->required();
  deploy_cmd->add_option("-e,--environment", args->deploy.environment,
                         "production (default) or staging");
  deploy_cmd->add_option("-m,--comment", args->deploy.comment, "Why");
  deploy_cmd->add_option("--wait", args->deploy.wait_seconds,
                         "Wait up to this many seconds until every edge applied it");
  auto* rollback_cmd =
      action(ctl, "rollback", "Deploy the version deployed before the current one", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return rollback(c, a.deploy); });
  rollback_cmd->add_option("scid", args->deploy.scid, "Service component ID")->required();
  rollback_cmd->add_option("-e,--environment", args->deploy.environment,
                           "production (default) or staging");

  auto* purge_cmd = action(ctl, "purge", "Invalidate cached content on every edge", args, exit_code,
                           [](CtlContext& c, CtlArgs& a) { return purge(c, a.purge); });
  purge_cmd->add_option("scid", args->purge.scid, "Service component ID")->required();
  purge_cmd->add_option("--url", args->purge.urls, "Full URL, e.g. https://www.example.com/a.jpg");
  purge_cmd->add_option("--pattern", args->purge.patterns, "Path pattern, e.g. /img/*.jpg");
  purge_cmd->add_option("--tag", args->purge.tags, "Cache tag (Surrogate-Key / Cache-Tag value)");
  purge_cmd->add_option("--property", args->purge.property_ids,
                        "Limit patterns and tags to these properties");
  purge_cmd->add_flag("--soft", args->purge.soft, "Mark stale (revalidate) instead of deleting");
  purge_cmd->add_option("--wait", args->purge.wait_seconds,
                        "Wait up to this many seconds until every edge applied it");

  action(ctl, "status", "Recent deployments and invalidations of a service", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return status(c, a.scid); })
      ->add_option("scid", args->scid, "Service component ID")
      ->required();
}

void add_order_commands(CLI::App* ctl, const std::shared_ptr<CtlArgs>& args, int& exit_code) {
  auto* orders = ctl->add_subcommand("orders", "Orders and connection notices (docs/orders.md)");
  orders->require_subcommand(1);
  action(orders, "list", "Orders you can see, newest first", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return list_orders(c, a.state); })
      ->add_option("--state", args->state, "Only orders in this state");
  action(orders, "show", "One order with its events", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return show_order(c, a.order.order_number); })
      ->add_option("order_number", args->order.order_number, "e.g. ORD-2026-000001")
      ->required();
  action(orders, "create", "Place an order (a draft) from a JSON file", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return create_order(c, a.file); })
      ->add_option("--file", args->file, "The order (JSON, as POST /api/v1/orders; - for stdin)")
      ->required();
  auto* move = action(orders, "transition", "Move an order to another state", args, exit_code,
                      [](CtlContext& c, CtlArgs& a) { return transition_order(c, a.order); });
  move->add_option("order_number", args->order.order_number, "e.g. ORD-2026-000001")->required();
  move->add_option("--to", args->order.to,
                   "quoted, signed, validated, provisioning, completed, "
                   "cancelled, rejected or draft")
      ->required();
  move->add_option("--reason", args->order.reason, "Why (required to cancel or reject)");
  move->add_option("--signer-name", args->order.signer_name, "Signing: the customer's signatory");
  move->add_option("--signer-title", args->order.signer_title, "Signing: the signatory's title");
  action(orders, "notice", "Print a service's connection notice", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return show_connection_notice(c, a.scid); })
      ->add_option("scid", args->scid, "Service component ID")
      ->required();
}

void add_billing_commands(CLI::App* ctl, const std::shared_ptr<CtlArgs>& args, int& exit_code) {
  auto* billing = ctl->add_subcommand("billing", "Billing runs (docs/billing.md)");
  billing->require_subcommand(1);
  auto* run =
      action(billing, "run", "Bill a month that has ended (billing coordinator)", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return run_billing(c, a.billing); });
  run->add_option("--period", args->billing.period, "The month, YYYY-MM")->required();
  run->add_option("--customer", args->billing.customer, "Only this customer, e.g. C0412345");
  auto* invoices = ctl->add_subcommand("invoices", "Invoices: list, show, download");
  invoices->require_subcommand(1);
  auto* list = action(invoices, "list", "Invoices you can see, newest first", args, exit_code,
                      [](CtlContext& c, CtlArgs& a) { return list_invoices(c, a.invoices); });
  list->add_option("--customer", args->invoices.customer, "Only this customer's invoices");
  list->add_option("--period", args->invoices.period, "Only this month, YYYY-MM");
  list->add_option("--status", args->invoices.status, "open, paid or overdue");
  action(invoices, "show", "One invoice with its lines", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return show_invoice(c, a.download.invoice_number); })
      ->add_option("invoice_number", args->download.invoice_number, "e.g. INV-2026-000001")
      ->required();
  auto* download =
      action(invoices, "download", "Save an invoice as PDF, HTML or CSV", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return download_invoice(c, a.download); });
  download->add_option("invoice_number", args->download.invoice_number, "e.g. INV-2026-000001")
      ->required();
  download->add_option("--format", args->download.format, "pdf (default), html or csv");
  download->add_option("-o,--output", args->download.output,
                       "File to write (default <invoice number>.<format>; - for stdout)");
}

}  // namespace

void register_ctl_command(CLI::App& app, int& exit_code) {
  auto* ctl = app.add_subcommand("ctl", "Command-line client of the portal's API (docs/ctl.md)");
  ctl->require_subcommand(1);
  auto args = std::make_shared<CtlArgs>();
  auto& options = args->options;
  ctl->add_option("--portal", options.portal_url,
                  "Portal URL, e.g. http://127.0.0.1:9000 (default: the signed-in one)");
  ctl->add_option("--credentials", options.credentials_file,
                  "Credentials file (default $CANDELA_CTL_CONFIG or ~/.config/candela/ctl.json)");
  ctl->add_option("--api-key-id", options.api_key_id, "Sign requests with this API key")
      ->envname("CANDELA_API_KEY_ID");
  ctl->add_option("--api-key-secret-file", options.api_key_secret_file,
                  "File holding the API key's secret")
      ->envname("CANDELA_API_KEY_SECRET_FILE");
  ctl->add_flag("--json", options.json, "Print the API's JSON instead of tables");

  auto* login_cmd = action(ctl, "login", "Sign in and keep the session", args, exit_code,
                           [](CtlContext& c, CtlArgs& a) { return login(c, a.login); });
  login_cmd->add_option("--email", args->login.email, "Your sign-in email")->required();
  login_cmd->add_option("--password-file", args->login.password_file,
                        "Read the password from this file (else $CANDELA_PASSWORD or a prompt)");
  action(ctl, "logout", "End the session and forget it", args, exit_code,
         [](CtlContext& c, CtlArgs&) { return logout(c); });
  action(ctl, "whoami", "Show who you are signed in as, and your roles", args, exit_code,
         [](CtlContext& c, CtlArgs&) { return whoami(c); });

  auto* services = ctl->add_subcommand("services", "List or show services");
  services->require_subcommand(1);
  action(services, "list", "Services you can see", args, exit_code, [](CtlContext& c, CtlArgs& a) {
    return list_services(c, a.state);
  })->add_option("--state", args->state, "Only services in this state");
  action(services, "show", "One service", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return show_service(c, a.scid); })
      ->add_option("scid", args->scid, "Service component ID")
      ->required();

  auto* payments = ctl->add_subcommand("payments", "Record or list payments (docs/payments.md)");
  payments->require_subcommand(1);
  auto* record =
      action(payments, "record", "Record a payment (billing coordinator)", args, exit_code,
             [](CtlContext& c, CtlArgs& a) { return record_payment(c, a.payment); });
  record->add_option("--customer", args->payment.customer, "Customer number, e.g. C0412345")
      ->required();
  record->add_option("--method", args->payment.method, "eft (default), wire, check or card");
  record->add_option("--reference", args->payment.reference, "Transfer reference (EFT: required)");
  record->add_option("--amount", args->payment.amount, "Amount, e.g. 1234.56")->required();
  record->add_option("--received-on", args->payment.received_on, "Date received, YYYY-MM-DD")
      ->required();
  record->add_option("--note", args->payment.note, "A note kept with the payment");
  action(payments, "list", "Payments you can see, newest first", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return list_payments(c, a.payment.customer); })
      ->add_option("--customer", args->payment.customer, "Only this customer's payments");
  action(ctl, "balance", "A customer's balance, aging and collection state", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return show_balance(c, a.payment.customer); })
      ->add_option("customer", args->payment.customer, "Customer number")
      ->required();

  auto* network =
      ctl->add_subcommand("network", "The edge network: topology, health (docs/noc.md)");
  network->require_subcommand(1);
  action(network, "topology", "Active edges with address, capacity and drain state", args,
         exit_code, [](CtlContext& c, CtlArgs& a) { return network_topology(c, a.state); })
      ->add_option("--network", args->state, "production (default) or staging");
  action(network, "health", "The monitors' freshest view of each edge", args, exit_code,
         [](CtlContext& c, CtlArgs& a) { return network_health(c, a.state); })
      ->add_option("--network", args->state, "production (default) or staging");

  add_order_commands(ctl, args, exit_code);
  add_billing_commands(ctl, args, exit_code);
  add_config_commands(ctl, args, exit_code);
  add_delivery_commands(ctl, args, exit_code);

  auto* api = action(ctl, "api", "Send any request to the API (for scripts)", args, exit_code,
                     [](CtlContext& c, CtlArgs& a) { return raw_request(c, a.raw); });
  api->add_option("method", args->raw.method, "GET, POST, PUT, PATCH or DELETE")
      ->required()
      ->check(CLI::IsMember({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  api->add_option("path", args->raw.path, "e.g. /api/v1/services")->required();
  api->add_option("-d,--data", args->raw.data, "JSON body, or @file");
  api->add_option("-H,--header", args->raw.headers, "Extra header 'Name: value' (repeatable)");
}

}  // namespace candela::ctl
