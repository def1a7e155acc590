// Wires `candela edge` into the command line.
#pragma once

namespace CLI {
class App;
}

namespace candela::edge {
// Adds the `edge` subcommand; when it runs, its exit status is written to `exit_code`.
void register_edge_command(CLI::App& app, int& exit_code);
}  // namespace candela::edge
