// read_token_file: one line of text.
#include "monitor/token_file.hpp"

#include <fstream>
#include <sstream>

namespace candela::monitor {

Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read the token file " + path};
  std::stringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return Error{"the token file " + path + " is empty"};
  token = token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    return Error{"the token file " + path + " must hold one token on one line"};
  }
  return token;
}

}  // namespace candela::monitor
