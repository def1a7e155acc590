// Wires `candela portal` into the command line.
#pragma once

namespace CLI {
class App;
}

namespace candela::portal {
// Adds the `portal` subcommand; when it runs, its exit status is written to `exit_code`.
void register_portal_command(CLI::App& app, int& exit_code);
}  // namespace candela::portal
