// Character rules for node ids and one-line texts.
#include "control/text_rules.hpp"

namespace candela::control {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool is_node_id(std::string_view id, std::size_t max_length) {
  if (id.empty() || id.size() > max_length || !lower_alnum(id.front())) return false;
  for (char c : id) {
    if (!lower_alnum(c) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

bool is_printable_text(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace candela::control
