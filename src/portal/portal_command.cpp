// `candela portal`: the control plane and web portal, until SIGINT/SIGTERM.
#include "portal/portal_command.hpp"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

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
};

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
  cmd->callback([&exit_code, args] { exit_code = run_portal(*args); });
}

}  // namespace candela::portal
