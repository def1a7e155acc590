// The monitor's portal credential, kept in a file (never on the command line, where `ps` shows it).
#pragma once

#include <string>

#include "common/result.hpp"

namespace candela::monitor {

// The token with surrounding white space removed; an error when the file is missing or empty.
Result<std::string> read_token_file(const std::string& path);

}  // namespace candela::monitor
