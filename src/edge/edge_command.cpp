// `candela edge`: load the configuration, then run the edge server until SIGTERM.
#include "edge/edge_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "edge/edge_server.hpp"

namespace candela::edge {

void register_edge_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("edge", "Run a caching edge server (see docs/edge.md)");
  auto config_path = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(-1);
  auto check_only = std::make_shared<bool>(false);
  cmd->add_option("-c,--config", *config_path, "Edge configuration JSON file")->required();
  cmd->add_option("-t,--threads", *threads, "Event loops (default: from config, else one per core)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--check", *check_only, "Validate the configuration and exit");
  cmd->callback([&exit_code, config_path, threads, check_only] {
    auto config = load_edge_config(*config_path);
    if (!config.ok()) {
      std::fprintf(stderr, "candela edge: %s\n", config.error().c_str());
      exit_code = 2;
      return;
    }
    if (*check_only) {
      std::printf("%s: configuration is valid (%zu properties)\n", config_path->c_str(),
                  config->properties.size());
      return;
    }
    if (*threads > 0) config->threads = static_cast<unsigned>(*threads);
    EdgeServer server(std::move(config).value(), *config_path);
    exit_code = server.run();
  });
}

}  // namespace candela::edge
