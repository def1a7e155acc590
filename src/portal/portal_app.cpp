// PortalApp: store → context → routes → HTTP server, plus one thread for background jobs.
#include "portal/portal_app.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "control/bootstrap.hpp"
#include "control/migrations.hpp"
#include "portal/http_server.hpp"
#include "portal/routes.hpp"

namespace candela::portal {

class PortalApp::Impl {
 public:
  explicit Impl(PortalOptions options) : options_(std::move(options)) {
    auto db = control::Database::open(options_.database_url);
    if (!db.ok()) throw std::runtime_error(db.error());
    db_ = std::move(db).value();
    const Clock& clock = options_.clock ? *options_.clock : clock_;
    auto migrated = control::Migrator(*db_, clock).run();
    if (!migrated.ok()) throw std::runtime_error("migrations failed: " + migrated.error());
    if (options_.bootstrap_admin) {
      auto created = control::bootstrap_provider_admin(*db_, clock, options_.bootstrap_admin->email,
                                                       options_.bootstrap_admin->password,
                                                       options_.settings.password_cost);
      if (!created.ok()) throw std::runtime_error("--bootstrap-admin-email: " + created.error());
      if (created.value()) {
        std::fprintf(stderr, "candela portal: created the provider admin %s\n",
                     options_.bootstrap_admin->email.c_str());
      }
    }
    context_ = std::make_unique<ApiContext>(*db_, clock, random_, options_.settings);
    register_identity_routes(router_, *context_);
    register_meta_routes(router_, *context_);
    register_edge_routes(router_, *context_);
    register_feed_routes(router_, *context_);
    register_invalidation_routes(router_, *context_);
    register_notification_routes(router_, *context_);
    register_service_routes(router_, *context_);
    register_configuration_routes(router_, *context_);
    register_deployment_routes(router_, *context_);
    register_usage_routes(router_, *context_);
    register_log_routes(router_, *context_);
    register_noc_routes(router_, *context_);
    register_network_routes(router_, *context_);
    register_maintenance_routes(router_, *context_);
    register_support_routes(router_, *context_);
    register_ticket_routes(router_, *context_);
    register_billing_request_routes(router_, *context_);
    register_payment_routes(router_, *context_);
    register_order_routes(router_, *context_);
    register_contract_routes(router_, *context_);
    register_billing_routes(router_, *context_);
  }

  ~Impl() { stop(); }

  void start() {
    HttpServerOptions http;
    http.host = options_.host;
    http.port = options_.port;
    http.threads = options_.threads;
    http.static_root = options_.web_root;
    // Edges' log chunks and usage batches are the only large bodies; every other request keeps
    // the 1 MiB limit.
    const std::size_t chunk_limit = options_.settings.max_log_chunk_bytes;
    http.body_limit_for = [chunk_limit](std::string_view method,
                                        std::string_view target) -> std::optional<std::size_t> {
      if (method == "POST" &&
          (target.starts_with("/api/v1/tickets/") ||
           target.starts_with("/api/v1/billing-requests/")) &&
          target.substr(0, target.find('?')).ends_with("/attachments")) {
        return kTicketAttachmentBodyLimit;
      }
      if (!target.starts_with("/api/v1/edges/")) return std::nullopt;
      if (method == "PUT" && target.find("/log-chunks/") != std::string_view::npos) {
        return std::max<std::size_t>(chunk_limit, 1024 * 1024);
      }
      if (method == "POST" && target.ends_with("/usage")) return kUsageBatchBodyLimit;
      return std::nullopt;
    };
    server_ = std::make_unique<HttpServer>(http, router_);
    server_->start();
    jobs_thread_ = std::thread([this] { run_jobs(); });
  }

  std::uint16_t port() const { return server_ ? server_->port() : 0; }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    if (context_) context_->feed_signal.shut_down();
    if (server_) server_->stop();
    if (jobs_thread_.joinable()) jobs_thread_.join();
  }

  ApiContext& context() { return *context_; }
  const Router& router() const { return router_; }

 private:
  void run_jobs() {
    std::vector<SteadyTime> due(context_->jobs.size(), SteadyClock::now());
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      const auto now = SteadyClock::now();
      auto next = now + std::chrono::seconds(60);
      for (std::size_t i = 0; i < context_->jobs.size(); ++i) {
        auto& job = context_->jobs[i];
        if (due[i] <= now) {
          lock.unlock();
          try {
            job.run();
          } catch (const std::exception& e) {
            std::fprintf(stderr, "candela portal: job %s failed: %s\n", job.name.c_str(), e.what());
          }
          lock.lock();
          due[i] = SteadyClock::now() + job.interval;
        }
        next = std::min(next, due[i]);
      }
      wake_.wait_until(lock, next, [this] { return stopping_; });
    }
  }

  using SteadyClock = std::chrono::steady_clock;
  using SteadyTime = SteadyClock::time_point;

  PortalOptions options_;
  SystemClock clock_;
  SystemRandom random_;
  std::unique_ptr<control::Database> db_;
  std::unique_ptr<ApiContext> context_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread jobs_thread_;
};

PortalApp::PortalApp(PortalOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
PortalApp::~PortalApp() = default;
ApiContext& PortalApp::context() {
  return impl_->context();
}
const Router& PortalApp::router() const {
  return impl_->router();
}
void PortalApp::start() {
  impl_->start();
}
std::uint16_t PortalApp::port() const {
  return impl_->port();
}
void PortalApp::stop() {
  impl_->stop();
}

}  // namespace candela::portal
