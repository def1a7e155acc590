// `candela router`: command-line options → RouterOptions → a running RouterService.
#include "router/router_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "router/http_answer.hpp"
#include "router/router_options.hpp"
#include "router/router_service.hpp"

namespace candela::router {

namespace {

struct RouterArgs {
  RouterOptions options;
  std::int64_t state_poll_ms = 500;
};

int run_router(RouterArgs& args) {
  RouterOptions& options = args.options;
  std::string domain;
  if (!routable_host(options.domain, domain) || options.domain.find(':') != std::string::npos) {
    std::fprintf(stderr, "candela router: --domain must be a DNS name like cdn.candela.test\n");
    return 2;
  }
  options.domain = domain;
  options.state_poll = std::chrono::milliseconds(args.state_poll_ms);
  try {
    RouterService service(options);
    std::fflush(stderr);
    return service.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "candela router: %s\n", e.what());
    return 1;
  }
}

}  // namespace

void register_router_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "router", "Send clients to a healthy nearby edge by HTTP 302 and DNS (see docs/router.md)");
  auto args = std::make_shared<RouterArgs>();
  RouterOptions& o = args->options;
  cmd->add_option("--monitor", o.monitors,
                  "Base URL of a monitor (repeatable; GET <url>/state, first answering wins)")
      ->required();
  cmd->add_option("--coverage-zone", o.coverage_zone_path,
                  "Coverage zone JSON: client networks per cache group (SIGHUP re-reads it)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--domain", o.domain, "The CDN domain (routed names and the DNS zone)")
      ->required();
  cmd->add_option("--http-listen", o.http_listen, "HTTP redirect listener (\"off\": none)")
      ->capture_default_str();
  cmd->add_option("--dns-listen", o.dns_listen, "DNS listener, UDP and TCP (\"off\": none)")
      ->capture_default_str();
  cmd->add_option("--admin-listen", o.admin_listen, "/healthz and /metrics (\"off\": none)")
      ->capture_default_str();
  cmd->add_option("--ttl", o.ttl, "TTL of DNS answers and the SOA minimum, seconds")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  cmd->add_option("--dns-answers", o.dns_answers, "A/AAAA records per service answer")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_option("--state-poll-ms", args->state_poll_ms, "How often to poll the monitor")
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Serving threads (0: one per core)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run_router(*args); });
}

}  // namespace candela::router
