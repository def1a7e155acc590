// Wires `candela ctl`, the command-line client of the portal's REST API, into the command line.
#pragma once

namespace CLI {
class App;
}

namespace candela::ctl {
// Adds the `ctl` subcommand; its exit status goes to `exit_code`: 0 success, 1 the portal
// refused (its problem is printed), 2 bad usage or input, 3 the portal could not be reached.
void register_ctl_command(CLI::App& app, int& exit_code);
}  // namespace candela::ctl
