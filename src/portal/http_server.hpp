// The portal's HTTP/1.1 server: request limits, timeouts, Router dispatch, graceful stop.
// Requests outside the API that match no route go to the web UI's static files.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "portal/router.hpp"

namespace candela::portal {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the system picks a free port; see HttpServer::port()
  unsigned threads = 2;    // handlers run on these threads and may block (database calls)
  std::size_t max_header_bytes = 16 * 1024;  // request line + fields; more is a 431
  std::size_t max_body_bytes = 1024 * 1024;  // more is a 413
  // A larger limit for some requests (e.g. log chunk uploads), decided from the method and
  // target once the header has arrived; every other request keeps max_body_bytes, so a large
  // buffer is only ever granted where a route expects one.
  std::function<std::optional<std::size_t>(std::string_view method, std::string_view target)>
      body_limit_for;
  // Time to receive a whole request once its first byte arrived, and to write a response.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  // Time a kept-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // The web UI folder; GET/HEAD requests outside `api_prefix` that match no route go there.
  std::optional<std::filesystem::path> static_root;
  std::string api_prefix = "/api/";
};

class HttpServer {
 public:
  // `router` must outlive the server.
  HttpServer(HttpServerOptions options, const Router& router);
  ~HttpServer();  // stops if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads; throws std::runtime_error if it cannot listen or the
  // static folder is missing.
  void start();
  // The bound port (useful with port 0); valid after start().
  std::uint16_t port() const;
  // Stops accepting, closes idle connections, lets requests in flight finish (their responses
  // carry Connection: close) and returns when every thread has ended. Must not be called from a
  // handler. Idempotent.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace candela::portal
