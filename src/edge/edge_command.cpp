// `candela edge`: load the configuration, then run the edge server until SIGTERM.
#include "edge/edge_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "edge/edge_server.hpp"
#include "edge/routed_host.hpp"

namespace candela::edge {

void register_edge_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("edge", "Run a caching edge server (see docs/edge.md)");
  auto config_path = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(-1);
  auto check_only = std::make_shared<bool>(false);
  auto control = std::make_shared<ControlPlaneOptions>();
  cmd->add_option("-c,--config", *config_path, "Edge configuration JSON file")->required();
  cmd->add_option("-t,--threads", *threads, "Event loops (default: from config, else one per core)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--check", *check_only, "Validate the configuration and exit");
  auto routing_domain = std::make_shared<std::string>();
  cmd->add_option("--routing-domain", *routing_domain,
                  "CDN domain of routed host names <edge_id>.<alias>.<domain> (overrides the "
                  "file's routing_domain)")
      ->check([](const std::string& text) {
        auto domain = normalize_routing_domain(text);
        return domain.ok() ? std::string() : domain.error();
      });
  // Joining the control plane (docs/control-feed.md): all four go together.
  auto* portal = cmd->add_option("--portal", control->portal_url,
                                 "Portal to follow for deployments and invalidations "
                                 "(http://host:port)");
  auto* edge_id = cmd->add_option("--edge-id", control->edge_id,
                                  "This edge's id in the portal (overrides the file's edge_id)");
  auto* token = cmd->add_option("--node-token-file", control->node_token_file,
                                "File holding the node token the portal showed at creation");
  auto* state = cmd->add_option("--state-dir", control->state_dir,
                                "Folder for last-good.json (the last applied deployments)");
  cmd->add_option("--network", control->network,
                  "Deployments to apply: production (default) or staging")
      ->check(CLI::IsMember({"production", "staging"}));
  auto* log_ship = cmd->add_option_function<int>(
      "--log-ship-interval-ms",
      [control](int ms) { control->log_ship_interval = std::chrono::milliseconds(ms); },
      "How often rotated access logs are shipped to the portal (default 2000)");
  log_ship->check(CLI::Range(10, 3'600'000));
  auto* usage_interval = cmd->add_option_function<int>(
      "--usage-interval-ms",
      [control](int ms) { control->usage_interval = std::chrono::milliseconds(ms); },
      "How often usage counts are posted to the portal (default 10000)");
  usage_interval->check(CLI::Range(100, 3'600'000));
  portal->needs(edge_id, token, state);
  usage_interval->needs(portal);
  log_ship->needs(portal);
  edge_id->needs(portal);
  token->needs(portal);
  state->needs(portal);
  cmd->callback([&exit_code, config_path, threads, check_only, control, routing_domain] {
    auto config = load_edge_config(*config_path);
    if (!config.ok()) {
      std::fprintf(stderr, "candela edge: %s\n", config.error().c_str());
      exit_code = 2;
      return;
    }
    if (!routing_domain->empty()) {
      config->routing_domain = normalize_routing_domain(*routing_domain).value();
    }
    if (*check_only) {
      std::printf("%s: configuration is valid (%zu properties)\n", config_path->c_str(),
                  config->properties.size());
      return;
    }
    if (*threads > 0) config->threads = static_cast<unsigned>(*threads);
    std::optional<ControlPlaneOptions> follow;
    if (!control->portal_url.empty()) {
      config->edge_id = control->edge_id;
      control->address = config->listen.front();
      control->admin_address = config->admin_listen;
      control->capacity_requests_per_second = config->capacity.requests_per_second;
      control->capacity_bytes_per_second = config->capacity.bytes_per_second;
      follow = *control;
    }
    EdgeServer server(std::move(config).value(), *config_path, std::move(follow));
    exit_code = server.run();
  });
}

}  // namespace candela::edge
