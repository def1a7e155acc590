// Wires `candela monitor` into the command line.
#pragma once

namespace CLI {
class App;
}

namespace candela::monitor {
// Adds the `monitor` subcommand; when it runs, its exit status is written to `exit_code`.
void register_monitor_command(CLI::App& app, int& exit_code);
}  // namespace candela::monitor
