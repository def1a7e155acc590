// `candela portal`: the control plane and web portal, until SIGINT/SIGTERM.
#include "portal/portal_command.hpp"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "common/offset_file_clock.hpp"
#include "http/listen_address.hpp"
#include "portal/portal_app.hpp"

namespace candela::portal {
namespace {

struct PortalArgs {
  std::string listen = "127.0.0.1:9000";
  std::string database = "sqlite://var/portal.db";
  std::string web_root;
  unsigned threads = 32;
  bool secure_cookies = false;
  int session_minutes = 480;
  std::string public_url;
  std::string master_key_file = "var/portal-master.key";
  std::string bootstrap_admin_email;
  std::string bootstrap_admin_password_file;
  int usage_minute_days = 100;
  std::string log_store;          // empty: logs/ next to the SQLite file, else var/logs
  std::string clock_offset_file;  // drills and tests: seconds added to the system clock
  std::string smtp_url;           // empty: mail stays queued
  std::string mail_from = "noc@candela.test";
  int mail_max_attempts = 10;
  int maintenance_reminder_hours = 24;             // reminder of a scheduled maintenance window
  std::string attachment_store;                    // empty: attachments/ next to the SQLite file
  std::string cdn_domain = "cdn.candela.example";  // CNAME targets in connection notices
  std::string invoice_depository_email = "invoices@london.candela.example";  // non-US invoices
};

// The first line of the file, without its line ending (so `echo secret > file` works).
std::optional<std::string> read_password_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// --log-store, or its default: "logs" beside the SQLite file (sqlite://var/portal.db →
// var/logs), "var/logs" in the current folder with PostgreSQL.
std::filesystem::path log_store_folder(const std::string& option, const std::string& database) {
  if (!option.empty()) return option;
  constexpr std::string_view kSqlite = "sqlite://";
  if (!database.starts_with(kSqlite)) return "var/logs";
  std::string file = database.substr(kSqlite.size());
  file = file.substr(0, file.find('?'));
  return std::filesystem::path(file).parent_path() / "logs";
}

// Ticket attachments: like the log store, beside the SQLite file unless told otherwise.
std::filesystem::path attachment_store_folder(const std::string& option,
                                              const std::string& database) {
  if (!option.empty()) return option;
  if (!database.starts_with("sqlite://")) return "var/attachments";
  return log_store_folder("", database).parent_path() / "attachments";
}

// Blocks SIGINT/SIGTERM in every thread (call before any thread starts), then waits for one.
int wait_for_stop_signal(sigset_t& set) {
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

int run_portal(const PortalArgs& args) {
  auto address = http::parse_listen_address(args.listen);
  if (!address.ok()) {
    std::fprintf(stderr, "candela portal: --listen: %s\n", address.error().c_str());
    return 2;
  }
  PortalOptions options;
  options.database_url = args.database;
  options.host = address->host;
  options.port = address->port;
  options.threads = args.threads;
  if (!args.web_root.empty()) options.web_root = args.web_root;
  options.settings.secure_cookies = args.secure_cookies;
  options.settings.session_ttl = std::chrono::minutes(args.session_minutes);
  options.settings.public_url = args.public_url.empty() ? "http://" + args.listen : args.public_url;
  options.settings.master_key_file = args.master_key_file;
  options.settings.usage_minute_days = args.usage_minute_days;
  options.settings.log_store = log_store_folder(args.log_store, args.database);
  options.settings.attachment_store = attachment_store_folder(args.attachment_store, args.database);
  options.settings.cdn_domain = args.cdn_domain;
  options.settings.invoice_depository_email = args.invoice_depository_email;
  options.settings.smtp_url = args.smtp_url;
  options.settings.mail_from = args.mail_from;
  options.settings.mail_max_attempts = args.mail_max_attempts;
  options.settings.maintenance_reminder = std::chrono::hours(args.maintenance_reminder_hours);
  if (args.bootstrap_admin_email.empty() != args.bootstrap_admin_password_file.empty()) {
    std::fprintf(stderr,
                 "candela portal: --bootstrap-admin-email and --bootstrap-admin-password-file go "
                 "together\n");
    return 2;
  }
  if (!args.bootstrap_admin_email.empty()) {
    std::string error;
    auto password = read_password_file(args.bootstrap_admin_password_file, error);
    if (!password) {
      std::fprintf(stderr, "candela portal: --bootstrap-admin-password-file: %s\n", error.c_str());
      return 2;
    }
    options.bootstrap_admin = PortalOptions::BootstrapAdmin{args.bootstrap_admin_email, *password};
  }

  std::optional<OffsetFileClock> offset_clock;
  if (!args.clock_offset_file.empty()) {
    offset_clock.emplace(args.clock_offset_file);
    options.clock = &*offset_clock;
    std::fprintf(stderr, "candela portal: clock offset from %s (now %lld s)\n",
                 args.clock_offset_file.c_str(),
                 static_cast<long long>(offset_clock->offset().count()));
  }

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  try {
    PortalApp app(options);
    app.start();
    std::fprintf(stderr, "candela portal: listening on http://%s:%u (store %s)\n",
                 address->host.c_str(), static_cast<unsigned>(app.port()),
                 app.context().db.display_url().c_str());
    std::fflush(stderr);
    wait_for_stop_signal(set);
    std::fprintf(stderr, "candela portal: stopping\n");
    app.stop();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "candela portal: %s\n", e.what());
    return 1;
  }
}

}  // namespace

void register_portal_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("portal", "Run the control plane and web portal (docs/portal.md)");
  auto args = std::make_shared<PortalArgs>();
  cmd->add_option("--listen", args->listen, "host:port to serve on (default 127.0.0.1:9000)");
  cmd->add_option("--db", args->database,
                  "Store: sqlite://path.db (default sqlite://var/portal.db) or "
                  "postgresql://user@host:port/dbname");
  cmd->add_option("--web-root", args->web_root, "Folder of the built web UI (web/dist)");
  cmd->add_option("--threads", args->threads, "Handler threads (default 32)")
      ->check(CLI::Range(2u, 1024u));
  cmd->add_flag("--secure-cookies", args->secure_cookies,
                "Mark cookies Secure (when users reach the portal over HTTPS)");
  cmd->add_option("--session-minutes", args->session_minutes, "Session lifetime (default 480)")
      ->check(CLI::Range(1, 60 * 24 * 30));
  cmd->add_option("--public-url", args->public_url, "The portal's URL as users reach it");
  cmd->add_option("--master-key-file", args->master_key_file,
                  "File of 32 random bytes that encrypts API signing keys at rest; created "
                  "(mode 0600) if missing (default var/portal-master.key)");
  cmd->add_option("--bootstrap-admin-email", args->bootstrap_admin_email,
                  "Create this provider_admin at start unless a user has the email");
  cmd->add_option("--bootstrap-admin-password-file", args->bootstrap_admin_password_file,
                  "File whose first line is the bootstrap admin's password (12+ characters)");
  cmd->add_option("--usage-minute-days", args->usage_minute_days,
                  "Keep usage minute rows this many days (default 100; hour and day rollups are "
                  "kept)")
      ->check(CLI::Range(3, 3660));
  cmd->add_option("--log-store", args->log_store,
                  "Folder of delivered access logs (default: logs/ beside the SQLite --db file, "
                  "var/logs with PostgreSQL)");
  cmd->add_option("--attachment-store", args->attachment_store,
                  "Folder of ticket attachments (default: attachments/ beside the SQLite --db "
                  "file, var/attachments with PostgreSQL)");
  cmd->add_option("--cdn-domain", args->cdn_domain,
                  "The CDN's edge domain: a service's aliases are CNAMEs of "
                  "<scid>.<domain> in its connection notice (default cdn.candela.example)");
  cmd->add_option("--invoice-depository-email", args->invoice_depository_email,
                  "Where invoices of customers outside the US go: the central depository in "
                  "London for printing and distribution (default invoices@london.candela.example)");
  cmd->add_option("--clock-offset-file", args->clock_offset_file,
                  "For drills and tests: the portal's clock runs ahead by the number of seconds "
                  "in this file (re-read when it changes; missing file: 0)");
  cmd->add_option("--smtp-url", args->smtp_url,
                  "SMTP server for notification mail, e.g. smtp://127.0.0.1:2525 (default none: "
                  "mail stays queued)");
  cmd->add_option("--mail-from", args->mail_from,
                  "Sender address of notification mail (default noc@candela.test)");
  cmd->add_option("--mail-max-attempts", args->mail_max_attempts,
                  "Delivery attempts before a message is given up as failed (default 10)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--maintenance-reminder-hours", args->maintenance_reminder_hours,
                  "Remind affected customers of scheduled maintenance this many hours before it "
                  "starts (default 24)")
      ->check(CLI::Range(1, 168));
  cmd->callback([&exit_code, args] { exit_code = run_portal(*args); });
}

}  // namespace candela::portal
