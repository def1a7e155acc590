// The example configuration documents of tests/unit/control/data (docs/configuration.md quotes
// them word for word).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace candela::control {

inline const std::filesystem::path kExampleDir =
    std::filesystem::path(CANDELA_SOURCE_DIR) / "tests/unit/control/data";

// The user documentation, whose examples and field lists the tests compare with the code.
inline const std::filesystem::path kDocsDir = std::filesystem::path(CANDELA_SOURCE_DIR) / "docs";

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The text of an example, e.g. example_text("configuration_full.json").
inline std::string example_text(const std::string& name) {
  return read_text(kExampleDir / name);
}

}  // namespace candela::control
