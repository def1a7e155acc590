// Wires `candela origin` into the command line.
#pragma once

namespace CLI {
class App;
}

namespace candela::origin {
// Adds the `origin` subcommand; when it runs, its exit status is written to `exit_code`.
void register_origin_command(CLI::App& app, int& exit_code);
}  // namespace candela::origin
