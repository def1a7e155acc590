// `candela monitor`: command-line options → MonitorOptions → a running MonitorService.
#include "monitor/monitor_command.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <regex>

#include "monitor/monitor_service.hpp"
#include "monitor/token_file.hpp"

namespace candela::monitor {

namespace {

struct MonitorArgs {
  std::string portal;
  std::string token_file;
  std::string topology_file;
  std::string listen = "127.0.0.1:9300";
  std::string monitor_id = "monitor-1";
  std::string network = "production";
  long long interval_ms = 1000;
  long long timeout_ms = 800;
  int down_after = 2;
  int up_after = 3;
  long long topology_interval_ms = 5000;
  double error_rate = 0.10;
  double min_requests = 20;
  long long error_window_ms = 10000;
  std::size_t alarm_queue = 1000;
};

// The portal URL's host and port (plain http; put a TLS proxy's plain side here).
Result<HostPort> portal_host_port(const std::string& url) {
  if (!url.starts_with("http://")) {
    return Error{"--portal " + url + ": expected http://host[:port] (https is not supported yet)"};
  }
  std::string rest = url.substr(7);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos) {
    return Error{"--portal " + url + ": expected http://host[:port] with no path"};
  }
  const bool has_port = rest.front() == '[' ? rest.find("]:") != std::string::npos
                                            : rest.find(':') != std::string::npos;
  auto parsed = parse_host_port(has_port ? rest : rest + ":80");
  if (!parsed) return Error{"--portal " + url + ": " + parsed.error()};
  return parsed;
}

Result<MonitorOptions> make_options(const MonitorArgs& args) {
  MonitorOptions o;
  if (args.portal.empty() == args.topology_file.empty()) {
    return Error{"give either --portal (with --token-file) or --topology-file"};
  }
  if (!args.portal.empty()) {
    if (args.token_file.empty()) return Error{"--portal needs --token-file"};
    if (auto token = read_token_file(args.token_file); !token) return token.failure();
    if (auto peer = portal_host_port(args.portal); !peer) return peer.failure();
  }
  o.portal_url = args.portal;
  while (!o.portal_url.empty() && o.portal_url.back() == '/')
    o.portal_url.pop_back();
  o.token_file = args.token_file;
  o.topology_file = args.topology_file;
  auto listen = http::parse_listen_address(args.listen);
  if (!listen) return Error{"--listen: " + listen.error()};
  o.listen = listen.value();
  static const std::regex kMonitorId("[a-z0-9][a-z0-9._-]{0,63}");
  if (!std::regex_match(args.monitor_id, kMonitorId)) {
    return Error{
        "--monitor-id: 1-64 lower-case letters, digits, '-', '.', '_' (as the portal's "
        "monitor credentials)"};
  }
  o.monitor_id = args.monitor_id;
  if (args.network != "production" && args.network != "staging") {
    return Error{"--network: production or staging"};
  }
  o.network = args.network;
  o.interval = std::chrono::milliseconds(args.interval_ms);
  o.timeout = std::chrono::milliseconds(args.timeout_ms);
  o.health.down_after = args.down_after;
  o.health.up_after = args.up_after;
  o.topology_interval = std::chrono::milliseconds(args.topology_interval_ms);
  o.error_rate = args.error_rate;
  o.min_requests = args.min_requests;
  o.error_window = std::chrono::milliseconds(args.error_window_ms);
  if (o.error_window < o.interval) {
    return Error{"--error-window-ms must be at least --interval-ms (one poll interval)"};
  }
  o.alarm_queue = args.alarm_queue;
  return o;
}

int run_monitor(const MonitorArgs& args) {
  auto options = make_options(args);
  if (!options) {
    std::fprintf(stderr, "candela monitor: %s\n", options.error().c_str());
    return 2;
  }
  MonitorOptions& o = options.value();
  std::optional<Topology> initial;
  if (!o.topology_file.empty()) {
    auto topology = read_topology_file(o.topology_file);
    if (!topology) {
      std::fprintf(stderr, "candela monitor: %s\n", topology.error().c_str());
      return 2;
    }
    initial = std::move(topology.value());
  }
  try {
    boost::asio::io_context io(1);
    std::unique_ptr<TopologySource> source;
    std::unique_ptr<PortalPublisher> publisher;
    // Portal requests get a little longer than edge polls: the portal does real work.
    const auto portal_timeout = std::max(o.timeout * 4, std::chrono::milliseconds(3000));
    if (!o.portal_url.empty()) {
      const HostPort portal = portal_host_port(o.portal_url).value();
      source = std::make_unique<PortalTopologySource>(io, portal, o.portal_url, o.token_file,
                                                      o.network, portal_timeout);
      publisher = std::make_unique<PortalPublisher>(io, portal, o.token_file, portal_timeout,
                                                    o.alarm_queue);
    } else {
      source = std::make_unique<FileTopologySource>(o.topology_file);
    }
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    std::signal(SIGPIPE, SIG_IGN);
    MonitorService service(io, o, std::move(source), std::move(publisher), SystemClock::instance());
    StateServer server(io, o.listen,
                       [&service](std::string_view path) { return service.handle(path); });
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      spdlog::info("monitor: stopping");
      server.close();
      service.stop();
      io.stop();
    });
    service.start(std::move(initial));
    const std::string& host = o.listen.host;
    const std::string shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
    std::fprintf(stderr,
                 "candela monitor: %s listening on http://%s:%u (topology from %s, every %lld "
                 "ms; edges polled every %lld ms)\n",
                 o.monitor_id.c_str(), shown.c_str(), static_cast<unsigned>(server.port()),
                 o.portal_url.empty() ? o.topology_file.c_str() : o.portal_url.c_str(),
                 static_cast<long long>(o.topology_interval.count()),
                 static_cast<long long>(o.interval.count()));
    std::fflush(stderr);
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "candela monitor: %s\n", e.what());
    return 1;
  }
}

}  // namespace

void register_monitor_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "monitor",
      "Polls every edge's health and metrics, serves /state to routers, raises NOC alarms "
      "(see docs/monitor.md)");
  auto args = std::make_shared<MonitorArgs>();
  cmd->add_option("--portal", args->portal,
                  "Portal URL http://host[:port]: topology from it, health and alarms to it");
  cmd->add_option("--token-file", args->token_file,
                  "File holding the monitor's token (POST /api/v1/noc/monitors)");
  cmd->add_option("--topology-file", args->topology_file,
                  "A topology document (GET /api/v1/network/topology's JSON) instead of a portal");
  cmd->add_option("--listen", args->listen, "Address of /state, /healthz, /metrics (port 0: any)")
      ->capture_default_str();
  cmd->add_option("--monitor-id", args->monitor_id, "This monitor's id (as its credential)")
      ->capture_default_str();
  cmd->add_option("--network", args->network, "production or staging")->capture_default_str();
  cmd->add_option("--interval-ms", args->interval_ms, "Time between two polls of each edge")
      ->check(CLI::Range(50LL, 600000LL))
      ->capture_default_str();
  cmd->add_option("--timeout-ms", args->timeout_ms, "Limit of each poll (connect and answer)")
      ->check(CLI::Range(10LL, 600000LL))
      ->capture_default_str();
  cmd->add_option("--down-after", args->down_after, "Consecutive failed polls before down")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--up-after", args->up_after, "Consecutive good polls before a down edge is up")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--topology-interval-ms", args->topology_interval_ms,
                  "Time between two topology refreshes")
      ->check(CLI::Range(100LL, 3600000LL))
      ->capture_default_str();
  cmd->add_option("--error-rate", args->error_rate,
                  "5xx share above which an edge's error_rate alarm fires (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--min-requests", args->min_requests,
                  "Responses the error window must hold before error_rate may fire")
      ->check(CLI::Range(1.0, 1e12))
      ->capture_default_str();
  cmd->add_option("--error-window-ms", args->error_window_ms,
                  "Span of the error_rate alarm's sliding window")
      ->check(CLI::Range(50LL, 3600000LL))
      ->capture_default_str();
  cmd->add_option("--alarm-queue", args->alarm_queue,
                  "Alarms kept for the portal while it cannot be reached")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run_monitor(*args); });
}

}  // namespace candela::monitor
