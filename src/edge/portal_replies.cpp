// Node token file and refused-reply descriptions for the edge's portal clients.
#include "edge/portal_replies.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace candela::edge {

Result<std::string> read_node_token(const std::string& file) {
  std::ifstream in(file);
  if (!in) return Error{"cannot read the node token file " + file};
  std::stringstream text;
  text << in.rdbuf();
  const std::string token = text.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return Error{"the node token file " + file + " is empty"};
  const auto last = token.find_last_not_of(" \t\r\n");
  return token.substr(first, last - first + 1);
}

std::string describe_reply(const PortalReply& reply) {
  const auto body = nlohmann::json::parse(reply.body, nullptr, false);
  std::string text = "HTTP " + std::to_string(reply.status);
  if (body.is_object() && body.contains("detail") && body["detail"].is_string()) {
    text += ": " + body["detail"].get<std::string>();
  }
  if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    for (const auto& e : body["errors"]) {
      if (!e.is_object()) continue;
      text += "; " + e.value("pointer", std::string()) + " " + e.value("message", std::string());
    }
  }
  return text;
}

}  // namespace candela::edge
