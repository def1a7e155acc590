// Wires `candela router` into the command line.
#pragma once

namespace CLI {
class App;
}

namespace candela::router {
// Adds the `router` subcommand; when it runs, its exit status is written to `exit_code`.
void register_router_command(CLI::App& app, int& exit_code);
}  // namespace candela::router
