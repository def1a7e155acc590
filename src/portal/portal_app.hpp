// The portal process: opens and migrates the store, registers every route module, runs the HTTP
// server and the background jobs until stopped.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "portal/api_context.hpp"
#include "portal/router.hpp"

namespace candela::portal {

struct PortalOptions {
  std::string database_url;  // sqlite:///…/portal.db or postgresql://…
  std::string host = "127.0.0.1";
  std::uint16_t port = 9000;
  // Handler threads; long-polling edges each hold one while they wait.
  unsigned threads = 32;
  std::optional<std::filesystem::path> web_root;  // the built web UI (web/dist)
  PortalSettings settings;
  // Creates this provider_admin at start when no user has the email (empty stores).
  struct BootstrapAdmin {
    std::string email;
    std::string password;
  };
  std::optional<BootstrapAdmin> bootstrap_admin;
  // Time source; the system clock when null (tests pass a ManualClock that outlives the app).
  const Clock* clock = nullptr;
};

class PortalApp {
 public:
  // Opens the database and applies migrations; throws std::runtime_error with a clear message.
  explicit PortalApp(PortalOptions options);
  ~PortalApp();
  PortalApp(const PortalApp&) = delete;
  PortalApp& operator=(const PortalApp&) = delete;

  ApiContext& context();
  // Every route the portal serves (tests enumerate them).
  const Router& router() const;
  // Starts serving and the jobs; returns once listening.
  void start();
  std::uint16_t port() const;
  // Stops the server (requests in flight finish) and the jobs.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace candela::portal
