// `candela origin`: command-line options → OriginOptions → a running OriginServer.
#include "origin/origin_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "origin/origin_options.hpp"
#include "origin/origin_server.hpp"

namespace candela::origin {

namespace {
// Parsed values live here until the subcommand's callback runs after parsing.
struct OriginArgs {
  std::vector<std::string> listen;
  std::string root = ".";
  int threads = 1;
  std::string cache_control;
  std::int64_t delay_ms = 0;
  std::uint64_t throttle = 0;
  bool no_etag = false;
  bool no_last_modified = false;
};

int run_origin(const OriginArgs& args) {
  OriginOptions options;
  for (const auto& text :
       args.listen.empty() ? std::vector<std::string>{"127.0.0.1:8081"} : args.listen) {
    auto addr = http::parse_listen_address(text);
    if (!addr) {
      std::fprintf(stderr, "candela origin: %s\n", addr.error().c_str());
      return 2;
    }
    options.listen.push_back(std::move(addr.value()));
  }
  options.root = args.root;
  options.threads = args.threads;
  options.cache_control = args.cache_control;
  options.delay = std::chrono::milliseconds(args.delay_ms);
  options.throttle_bytes_per_sec = args.throttle;
  options.etag = !args.no_etag;
  options.last_modified = !args.no_last_modified;

  try {
    OriginServer server(options);
    const auto ports = server.ports();
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const auto& host = options.listen[i].host;
      const std::string shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
      std::fprintf(stderr, "candela origin: listening on http://%s:%u (root %s, %d thread%s)\n",
                   shown.c_str(), static_cast<unsigned>(ports[i]), args.root.c_str(),
                   options.threads, options.threads == 1 ? "" : "s");
    }
    std::fflush(stderr);
    const int status = server.run();
    std::fprintf(stderr, "candela origin: stopped\n");
    return status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "candela origin: %s\n", e.what());
    return 1;
  }
}
}  // namespace

void register_origin_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "origin", "Static origin server for demos, tests and benchmarks (see docs/origin.md)");
  auto args = std::make_shared<OriginArgs>();
  cmd->add_option("--listen", args->listen,
                  "Address to listen on, host:port (repeatable; default 127.0.0.1:8081; "
                  "port 0 picks a free one)");
  cmd->add_option("--root", args->root, "Directory whose files are served")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--cache-control", args->cache_control,
                  "Cache-Control added to every file and /_origin/bytes response unless a "
                  "sidecar or ?cc= overrides it");
  cmd->add_option("--delay-ms", args->delay_ms, "Delay before every response head")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--throttle-bytes-per-sec", args->throttle,
                  "Pace response bodies to this rate (0: unpaced)");
  cmd->add_flag("--no-etag", args->no_etag, "Send no ETag");
  cmd->add_flag("--no-last-modified", args->no_last_modified, "Send no Last-Modified");
  cmd->callback([args, &exit_code] { exit_code = run_origin(*args); });
}

}  // namespace candela::origin
