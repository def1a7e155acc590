// Edge process lifecycle: listeners on every loop, admin endpoints, reload and graceful drain.
#include "edge/edge_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <filesystem>
#include <thread>

#include "edge/access_log.hpp"
#include "edge/admin_server.hpp"
#include "edge/cache_purge.hpp"
#include "edge/client_connection.hpp"
#include "edge/control_plane_client.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/log_shipper.hpp"
#include "edge/property_catalog.hpp"
#include "edge/topology_poller.hpp"
#include "edge/usage_reporter.hpp"
#include "edge/worker.hpp"

namespace candela::edge {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// SO_REUSEPORT lets every loop own a listening socket on the same address; the kernel spreads
// new connections over them, so loops never share an accept queue or a lock.
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

tcp::endpoint parse_endpoint(const std::string& text) {
  std::string host;
  std::uint16_t port = 0;
  if (!split_host_port(text, host, port)) throw std::runtime_error("bad listen address " + text);
  if (host == "*" || host.empty()) host = "0.0.0.0";
  return tcp::endpoint(asio::ip::make_address(host), port);
}

// With shipping on, rotated files are the shipper's: nothing prunes them before they are
// shipped, and the shipper keeps keep_files of them in shipped/ afterwards.
std::unique_ptr<AccessLog> make_access_log(const AccessLogSettings& s, bool shipping) {
  if (s.path.empty()) return nullptr;
  // The log's folder is the edge's to manage, like the file itself.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(s.path).parent_path(), ec);
  AccessLogOptions o;
  o.path = s.path;
  o.max_bytes = s.rotate_bytes;
  o.rotate_every = std::chrono::seconds(s.rotate_hourly ? s.rotate_every_seconds : 0);
  o.max_files = shipping ? 0 : s.keep_files;
  o.gzip = s.compress;
  return std::make_unique<AccessLog>(o);
}

TopologyPollerOptions topology_options(const ControlPlaneOptions& c) {
  TopologyPollerOptions o;
  o.portal_url = c.portal_url;
  o.edge_id = c.edge_id;
  o.node_token_file = c.node_token_file;
  o.network = c.network;
  o.request_timeout = c.request_timeout;
  return o;
}

UsageReporterOptions usage_options(const ControlPlaneOptions& c) {
  UsageReporterOptions o;
  o.portal_url = c.portal_url;
  o.edge_id = c.edge_id;
  o.node_token_file = c.node_token_file;
  o.state_dir = c.state_dir;
  o.interval = c.usage_interval;
  o.request_timeout = c.request_timeout;
  o.max_backoff = c.max_backoff;
  return o;
}

}  // namespace

struct EdgeServer::Impl {
  EdgeConfig config;
  std::string config_path;
  std::optional<ControlPlaneOptions> control_options;
  std::unique_ptr<EdgeRuntime> runtime;
  // The file's properties plus those deployed by the portal; every change is published to the
  // loops from here.
  std::unique_ptr<PropertyCatalog> catalog;
  std::unique_ptr<ControlPlaneClient> control_plane;
  // With a portal: the shields of the network topology become this edge's parents.
  std::unique_ptr<TopologyPoller> topology;
  std::unique_ptr<UsageReporter> usage;     // with a portal: per-minute usage, spooled and posted
  std::unique_ptr<LogShipper> log_shipper;  // declared after runtime: stops before its log goes
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::vector<std::unique_ptr<tcp::acceptor>>> acceptors;  // per worker
  std::unique_ptr<tcp::acceptor> admin;
  asio::io_context control{1};
  std::atomic<unsigned> drained{0};

  void accept_on(Worker& w, tcp::acceptor& a) {
    a.async_accept(w.io(), [this, &w, &a](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !a.is_open()) return;
      if (!ec) {
        if (runtime->open_connections() >= config.limits.max_connections) {
          // Over the cap: refuse quickly rather than queue work we cannot serve.
          static constexpr std::string_view kBusy =
              "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
          boost::system::error_code wec;
          socket.non_blocking(true, wec);
          socket.write_some(asio::buffer(kBusy), wec);
          socket.close(wec);
        } else {
          std::make_shared<ClientConnection>(w, std::move(socket))->start();
        }
      }
      accept_on(w, a);
    });
  }

  void open_listeners() {
    acceptors.resize(workers.size());
    for (const auto& address : config.listen) {
      const tcp::endpoint ep = parse_endpoint(address);
      // SO_REUSEPORT would let this edge share a port another process is already listening on
      // and take half its traffic; a plain bind first turns that into a clear start-up error.
      try {
        tcp::acceptor probe(control);
        probe.open(ep.protocol());
        probe.set_option(tcp::acceptor::reuse_address(true));
        probe.bind(ep);
      } catch (const boost::system::system_error& e) {
        throw std::runtime_error(address + ": " + e.code().message());
      }
      for (auto& w : workers) {
        auto a = std::make_unique<tcp::acceptor>(w->io());
        try {
          a->open(ep.protocol());
          a->set_option(tcp::acceptor::reuse_address(true));
          a->set_option(ReusePort(true));
          a->bind(ep);
          a->listen(4096);
        } catch (const boost::system::system_error& e) {
          // The operator needs the address, not Asio's source location.
          throw std::runtime_error(address + ": " + e.code().message());
        }
        accept_on(*w, *a);
        acceptors[w->index()].push_back(std::move(a));
      }
    }
    if (!config.admin_listen.empty()) {
      try {
        admin =
            std::make_unique<tcp::acceptor>(workers[0]->io(), parse_endpoint(config.admin_listen));
      } catch (const boost::system::system_error& e) {
        throw std::runtime_error(config.admin_listen + " (admin): " + e.code().message());
      }
      start_admin_accept(*workers[0], *admin);
    }
  }

  void reload() {
    auto fresh = load_edge_config(config_path);
    if (!fresh.ok()) {
      spdlog::error("reload refused, keeping the running configuration: {}", fresh.error());
      return;
    }
    auto served = catalog->replace_local(fresh->properties);
    if (!served.ok()) {
      spdlog::error("reload refused, keeping the running configuration: {}", served.error());
      return;
    }
    if (runtime->access_log()) runtime->access_log()->reopen();
    if (topology) {
      topology->set_file_parents(fresh->parents, fresh->parent_policy);
    } else if (runtime->parents().replace(fresh->parents, fresh->parent_policy)) {
      spdlog::info("shield tier: parents from the configuration file: {}",
                   describe_parents(fresh->parents));
    }
    spdlog::info("configuration reloaded: {} properties", served.value());
  }

  void shutdown() {
    if (runtime->drain().begin_shutdown()) return;
    spdlog::info("draining: finishing in-flight responses (up to {} ms)",
                 config.limits.shutdown_grace.count());
    for (auto& w : workers) {
      asio::post(w->io(), [this, worker = w.get()] {
        for (auto& a : acceptors[worker->index()]) {
          boost::system::error_code ec;
          a->close(ec);
        }
        // The admin listener stays open: /healthz answers 503 "draining" so that monitors
        // and routers see the drain; it ends with the loop.
        worker->begin_drain();
      });
    }
  }
};

EdgeServer::EdgeServer(EdgeConfig config, std::string config_path,
                       std::optional<ControlPlaneOptions> control)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->config_path = std::move(config_path);
  impl_->control_options = std::move(control);
}

EdgeServer::~EdgeServer() = default;

int EdgeServer::run() {
  Impl& s = *impl_;
  unsigned threads = s.config.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  s.runtime = std::make_unique<EdgeRuntime>(s.config);
  const bool ship_logs = s.control_options && !s.config.access_log.path.empty();
  s.runtime->set_access_log(make_access_log(s.config.access_log, ship_logs));
  s.catalog = std::make_unique<PropertyCatalog>(s.config.properties);
  if (s.control_options) {
    s.control_plane = std::make_unique<ControlPlaneClient>(*s.control_options, *s.catalog,
                                                           cache_purge(*s.runtime, *s.catalog));
    // The last good state is served before the portal is asked anything.
    auto restored = s.control_plane->restore();
    if (!restored.ok()) {
      spdlog::error("cannot join the control plane: {}", restored.error());
      return 1;
    }
    s.topology =
        std::make_unique<TopologyPoller>(topology_options(*s.control_options), s.runtime->parents(),
                                         s.config.parents, s.config.parent_policy);
    if (auto prepared = s.topology->prepare(); !prepared.ok()) {
      spdlog::error("cannot follow the network topology: {}", prepared.error());
      return 1;
    }
    s.runtime->set_usage_meter(std::make_unique<UsageMeter>());
    s.usage = std::make_unique<UsageReporter>(usage_options(*s.control_options),
                                              *s.runtime->usage_meter(), s.runtime->clock());
    if (auto usage = s.usage->restore(); !usage.ok()) {
      spdlog::error("cannot report usage: {}", usage.error());
      return 1;
    }
  }
  if (ship_logs) {
    LogShipperOptions o;
    o.log_path = s.config.access_log.path;
    o.state_dir = s.control_options->state_dir;
    o.edge_id = s.control_options->edge_id;
    o.node_token_file = s.control_options->node_token_file;
    o.interval = s.control_options->log_ship_interval;
    o.keep_shipped = s.config.access_log.keep_files;
    if (!s.config.access_log.rotate_hourly) {
      spdlog::warn(
          "log shipping: access_log.rotate_hourly is off, so logs ship only when "
          "rotated by size");
    }
    AccessLog* log = s.runtime->access_log();
    s.log_shipper =
        std::make_unique<LogShipper>(o, parse_portal_address(s.control_options->portal_url).value(),
                                     [log] { return log->settled_rotated_files(); });
  }
  auto table = s.catalog->table();
  for (unsigned i = 0; i < threads; ++i) {
    s.workers.push_back(std::make_unique<Worker>(*s.runtime, i));
    s.workers.back()->set_properties(table);
    s.workers.back()->start_sweeping();
  }
  s.runtime->on_drained = [&s](Worker& w) {
    // The last connection of this loop closed: its loop may end, except the loop of the admin
    // listener, which keeps answering /healthz "draining" until every loop has drained.
    if (w.index() != 0 || !s.admin) w.io().stop();
    if (s.drained.fetch_add(1) + 1 == s.workers.size())
      asio::post(s.control, [&s] { s.control.stop(); });
  };
  // Registered before the listeners open: a client (or test) that sees the port may send SIGTERM at
  // once, and asio queues a signal that arrives before async_wait instead of letting it kill us.
  asio::signal_set signals(s.control, SIGTERM, SIGINT, SIGHUP);
  try {
    s.open_listeners();
  } catch (const std::exception& e) {
    spdlog::error("cannot listen: {}", e.what());
    return 1;
  }
  // Each new property set goes to every loop; requests in flight keep the table they started with.
  s.catalog->set_publisher([&s](std::shared_ptr<const PropertyTable> fresh) {
    for (auto& w : s.workers) {
      asio::post(w->io(), [worker = w.get(), fresh] { worker->set_properties(fresh); });
    }
  });
  if (s.control_plane) s.control_plane->start();
  if (s.topology) s.topology->start();
  if (s.usage) s.usage->start();
  if (s.log_shipper) s.log_shipper->start();

  asio::steady_timer grace(s.control);
  std::function<void()> wait_signal = [&] {
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        s.reload();
        return wait_signal();
      }
      s.shutdown();
      grace.expires_after(s.config.limits.shutdown_grace);
      grace.async_wait([&](boost::system::error_code gec) {
        if (gec) return;
        spdlog::warn("grace period over: closing remaining connections");
        for (auto& w : s.workers)
          w->io().stop();
        s.control.stop();
      });
      wait_signal();
    });
  };
  wait_signal();
  std::signal(SIGPIPE, SIG_IGN);

  std::vector<std::thread> loops;
  for (auto& w : s.workers) {
    loops.emplace_back([worker = w.get()] {
      auto guard = asio::make_work_guard(worker->io());
      worker->io().run();
    });
  }
  std::string listening;
  for (const auto& l : s.config.listen)
    listening += (listening.empty() ? "" : ", ") + l;
  spdlog::info("edge {} serving {} properties on {} with {} loop(s)", s.config.edge_id,
               table->size(), listening, threads);
  if (!s.topology && !s.config.parents.empty()) {
    spdlog::info("shield tier: parents from the configuration file: {}",
                 describe_parents(s.config.parents));
  }
  if (!s.config.routing_domain.empty()) {
    spdlog::info("routed host names {}.<alias>.{} are served as <alias>", s.config.edge_id,
                 s.config.routing_domain);
  }
  s.control.run();
  // No more feed events once the loops are going away.
  if (s.control_plane) s.control_plane->stop();
  if (s.topology) s.topology->stop();
  // The live access.log is not rotated at shutdown: the next run appends to it.
  if (s.log_shipper) s.log_shipper->stop();
  for (auto& w : s.workers)
    w->io().stop();
  for (auto& t : loops)
    t.join();
  // Connections destroyed with the loops must not call back into the stopped control loop.
  s.runtime->on_drained = nullptr;
  // Every response is counted now: the final usage batch holds them all.
  if (s.usage) s.usage->stop();
  if (s.runtime->access_log()) s.runtime->access_log()->flush();
  spdlog::info("edge {} stopped", s.config.edge_id);
  return 0;
}

}  // namespace candela::edge
