// Wiring the router's threads and listeners together, and their orderly shutdown.
#include "router/router_service.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <stdexcept>
#include <thread>

#include "common/metrics.hpp"
#include "http/listen_address.hpp"
#include "router/admin_server.hpp"
#include "router/coverage_zone.hpp"
#include "router/dns_tcp_session.hpp"
#include "router/dns_udp.hpp"
#include "router/http_session.hpp"
#include "router/serving_thread.hpp"
#include "router/state_poller.hpp"

namespace candela::router {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

bool disabled(const std::string& listen) {
  return listen.empty() || listen == "off";
}

http::ListenAddress listen_address(const std::string& text, const char* what) {
  auto parsed = http::parse_listen_address(text);
  if (!parsed) throw std::runtime_error(std::string(what) + ": " + parsed.error());
  return *parsed;
}

tcp::acceptor open_acceptor(asio::io_context& io, const http::ListenAddress& where,
                            std::uint16_t port, bool reuse_port) {
  const tcp::endpoint endpoint(asio::ip::make_address(where.host), port);
  tcp::acceptor acceptor(io);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  if (reuse_port) {
    const int on = 1;
    ::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  }
  boost::system::error_code ec;
  acceptor.bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + where.host + ":" + std::to_string(port) + ": " +
                             ec.message());
  }
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor;
}

std::string shown(const std::string& host, std::uint16_t port) {
  return (host.find(':') == std::string::npos ? host : "[" + host + "]") + ":" +
         std::to_string(port);
}

}  // namespace

struct RouterService::Impl {
  RouterOptions options;
  metrics::Registry registry;
  RouterMetrics metrics{registry};
  RoutingState state;
  DnsZone zone;
  std::unique_ptr<StatePoller> poller;
  AdminHandlers admin_handlers;

  std::vector<std::unique_ptr<ServingThread>> serving;
  std::vector<tcp::acceptor> http_acceptors;
  std::vector<tcp::acceptor> dns_acceptors;
  std::unique_ptr<tcp::acceptor> admin_acceptor;
  std::vector<int> udp_fds;
  std::vector<std::unique_ptr<DnsResponder>> udp_responders;
  std::atomic<bool> stopping{false};
  std::vector<std::thread> threads;
  std::uint16_t http_port = 0;
  std::uint16_t dns_port = 0;
  std::uint16_t admin_port = 0;

  ~Impl() {
    for (const int fd : udp_fds)
      ::close(fd);
  }

  void bind_http(std::size_t count);
  void bind_dns(std::size_t count);
  void bind_admin();
  void register_state_gauges();
};

void RouterService::Impl::bind_http(std::size_t count) {
  const auto where = listen_address(options.http_listen, "--http-listen");
  std::uint16_t port = where.port;
  for (std::size_t i = 0; i < count; ++i) {
    http_acceptors.push_back(open_acceptor(serving[i]->io, where, port, true));
    port = http_acceptors.back().local_endpoint().port();
  }
  http_port = port;
}

void RouterService::Impl::bind_dns(std::size_t count) {
  const auto where = listen_address(options.dns_listen, "--dns-listen");
  // With port 0 the kernel picks the UDP port; TCP must then get the same one, which another
  // program may hold: pick again a few times.
  for (int attempt = 0;; ++attempt) {
    std::vector<int> fds;
    std::vector<tcp::acceptor> acceptors;
    try {
      std::uint16_t port = where.port;
      for (std::size_t i = 0; i < count; ++i) {
        fds.push_back(open_udp_socket(where.host, port));
        port = bound_port(fds.back());
      }
      for (std::size_t i = 0; i < count; ++i) {
        acceptors.push_back(open_acceptor(serving[i]->io, where, port, true));
      }
      udp_fds = std::move(fds);
      dns_acceptors = std::move(acceptors);
      dns_port = port;
      break;
    } catch (const std::exception&) {
      for (const int fd : fds)
        ::close(fd);
      if (where.port != 0 || attempt == 4) throw;
    }
  }
  const auto ip = parse_ip_address(where.host);
  // ns1.<domain> is the router itself, when it listens on one specific address.
  if (ip && masked(*ip, 0) != *ip) zone.ns_address = ip;
}

void RouterService::Impl::bind_admin() {
  const auto where = listen_address(options.admin_listen, "--admin-listen");
  admin_acceptor =
      std::make_unique<tcp::acceptor>(open_acceptor(serving[0]->io, where, where.port, false));
  admin_port = admin_acceptor->local_endpoint().port();
  admin_handlers.healthy = [this] { return state.current() != nullptr; };
  admin_handlers.metrics = [this] { return registry.render(); };
}

void RouterService::Impl::register_state_gauges() {
  registry.callback_gauge("candela_router_state_sequence",
                          "The monitor's state sequence of the routing table in use", {},
                          [this] { return static_cast<double>(poller->sequence()); });
  registry.callback_gauge(
      "candela_router_state_age_seconds",
      "Seconds since a monitor last answered GET /state (-1: never)", {}, [this] {
        const std::int64_t last = poller->last_success_ms();
        if (last == 0) return -1.0;
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
        return static_cast<double>(now - last) / 1000.0;
      });
  registry.callback_gauge("candela_router_candidate_edges",
                          "Edges that can take new clients in the routing table in use", {},
                          [this] {
                            const auto table = state.current();
                            return table ? static_cast<double>(table->candidate_count()) : 0.0;
                          });
}

RouterService::RouterService(const RouterOptions& options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = options;
  if (options.monitors.empty()) throw std::runtime_error("give at least one --monitor URL");
  std::vector<MonitorUrl> monitors;
  for (const auto& text : options.monitors) {
    auto url = parse_monitor_url(text);
    if (!url) throw std::runtime_error(url.error());
    monitors.push_back(*url);
  }
  auto zone = load_coverage_zone(options.coverage_zone_path);
  if (!zone) throw std::runtime_error(zone.error());
  s.zone.domain = options.domain;
  s.zone.ttl = options.ttl;
  s.zone.max_answers = options.dns_answers;

  std::size_t count = options.threads > 0 ? static_cast<std::size_t>(options.threads)
                                          : std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < count; ++i) {
    s.serving.push_back(std::make_unique<ServingThread>(s.state, s.zone, s.metrics));
  }
  if (!disabled(options.http_listen)) s.bind_http(count);
  if (!disabled(options.dns_listen)) s.bind_dns(count);
  if (!disabled(options.admin_listen)) s.bind_admin();
  s.poller = std::make_unique<StatePoller>(
      std::move(monitors), options.state_poll,
      std::make_shared<const CoverageZone>(std::move(zone.value())), s.state, s.metrics);
  s.register_state_gauges();
}

RouterService::~RouterService() = default;

std::uint16_t RouterService::http_port() const {
  return impl_->http_port;
}
std::uint16_t RouterService::dns_port() const {
  return impl_->dns_port;
}
std::uint16_t RouterService::admin_port() const {
  return impl_->admin_port;
}

int RouterService::run() {
  Impl& s = *impl_;
  asio::io_context control(1);
  asio::signal_set signals(control, SIGINT, SIGTERM, SIGHUP);
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec,
                                                                      int signal) {
    if (ec) return;
    if (signal != SIGHUP) return control.stop();
    auto zone = load_coverage_zone(s.options.coverage_zone_path);
    if (!zone) {
      spdlog::error("router: SIGHUP: keeping the current coverage zone: {}", zone.error());
    } else {
      s.poller->replace_zone(std::make_shared<const CoverageZone>(std::move(zone.value())));
      spdlog::info("router: SIGHUP: coverage zone reloaded");
    }
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);

  // The first state before serving, so a router started beside its monitor answers at once.
  s.poller->poll_once();
  s.poller->start();
  for (std::size_t i = 0; i < s.serving.size(); ++i) {
    ServingThread& thread = *s.serving[i];
    if (i < s.http_acceptors.size()) start_http_accept(thread, s.http_acceptors[i]);
    if (i < s.dns_acceptors.size()) start_dns_tcp_accept(thread, s.dns_acceptors[i]);
    if (i == 0 && s.admin_acceptor) start_admin_accept(*s.admin_acceptor, s.admin_handlers);
    s.threads.emplace_back([&thread] {
      auto guard = asio::make_work_guard(thread.io);
      thread.io.run();
    });
  }
  for (const int fd : s.udp_fds) {
    s.udp_responders.push_back(std::make_unique<DnsResponder>(s.state, s.zone, s.metrics));
    DnsResponder& responder = *s.udp_responders.back();
    s.threads.emplace_back([fd, &responder, &s] { serve_udp(fd, responder, s.stopping); });
  }
  if (s.http_port != 0) {
    spdlog::info("router: HTTP on http://{}",
                 shown(listen_address(s.options.http_listen, "").host, s.http_port));
  }
  if (s.dns_port != 0) {
    spdlog::info("router: DNS on {} (UDP and TCP) for {}",
                 shown(listen_address(s.options.dns_listen, "").host, s.dns_port), s.zone.domain);
  }
  if (s.admin_port != 0) {
    spdlog::info("router: admin on http://{}",
                 shown(listen_address(s.options.admin_listen, "").host, s.admin_port));
  }

  control.run();

  spdlog::info("router: stopping");
  s.stopping = true;
  s.poller->stop();
  for (std::size_t i = 0; i < s.serving.size(); ++i) {
    ServingThread& thread = *s.serving[i];
    asio::post(thread.io, [&s, &thread, i] {
      boost::system::error_code ec;
      if (i < s.http_acceptors.size()) s.http_acceptors[i].close(ec);
      if (i < s.dns_acceptors.size()) s.dns_acceptors[i].close(ec);
      if (i == 0 && s.admin_acceptor) s.admin_acceptor->close(ec);
      thread.io.stop();
    });
  }
  for (auto& thread : s.threads)
    thread.join();
  return 0;
}

}  // namespace candela::router
