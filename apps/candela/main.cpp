// The `candela` binary: one subcommand per component; each lives in its own library.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "ctl/ctl_command.hpp"
#include "edge/edge_command.hpp"
#include "monitor/monitor_command.hpp"
#include "origin/origin_command.hpp"
#include "portal/portal_command.hpp"
#include "router/router_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Candela: an open-source content delivery network"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "candela 0.1.0");

  int exit_code = 0;
  candela::edge::register_edge_command(app, exit_code);
  candela::origin::register_origin_command(app, exit_code);
  candela::portal::register_portal_command(app, exit_code);
  candela::ctl::register_ctl_command(app, exit_code);
  candela::monitor::register_monitor_command(app, exit_code);
  candela::router::register_router_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "candela: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
