// Via parsing for loop prevention: entries split at top-level commas, comments skipped whole.
#include "edge/via_chain.hpp"

namespace candela::edge {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

// One entry: "received-protocol RWS received-by [RWS comment]".
void read_entry(std::string_view entry, std::string_view edge_id, ViaChain& out) {
  entry = trim(entry);
  if (entry.empty()) return;
  std::size_t space = 0;
  while (space < entry.size() && !is_space(entry[space]))
    ++space;
  std::string_view rest = trim(entry.substr(space));
  std::size_t end = 0;
  while (end < rest.size() && !is_space(rest[end]) && rest[end] != '(')
    ++end;
  const std::string_view received_by = rest.substr(0, end);
  const std::string_view comment = trim(rest.substr(end));
  if (!received_by.empty() && http::iequals(received_by, edge_id)) out.names_self = true;
  if (http::iequals(comment, kCandelaViaComment)) ++out.candela_hops;
}

}  // namespace

ViaChain read_via_chain(const http::HeaderView& fields, std::string_view edge_id) {
  ViaChain out;
  for (const auto& field : fields) {
    if (!http::iequals(field.name, "Via")) continue;
    const std::string_view value = field.value;
    std::size_t start = 0;
    int depth = 0;
    bool escaped = false;
    for (std::size_t i = 0; i <= value.size(); ++i) {
      if (i < value.size()) {
        const char c = value[i];
        if (depth > 0) {
          // Inside a comment: quoted-pairs and nested comments (RFC 9110 §5.6.5).
          if (escaped) {
            escaped = false;
          } else if (c == '\\') {
            escaped = true;
          } else if (c == '(') {
            ++depth;
          } else if (c == ')') {
            --depth;
          }
          continue;
        }
        if (c == '(') {
          depth = 1;
          continue;
        }
        if (c != ',') continue;
      }
      read_entry(value.substr(start, i - start), edge_id, out);
      start = i + 1;
    }
  }
  return out;
}

}  // namespace candela::edge
