// Small character rules shared by the registries of machines (edges, monitors) and the alarms
// they send, so that one spelling of "a node id" and "printable text" holds everywhere.
#pragma once

#include <cstddef>
#include <string_view>

namespace candela::control {

// A node id ("lon1-edge-03", "monitor.a"): 1 to `max_length` characters of lower-case letters,
// digits, '-', '.' and '_', starting with a letter or digit (safe in paths and log lines).
bool is_node_id(std::string_view id, std::size_t max_length);

// No control characters (C0 or DEL), so the text cannot break a log line or a mail header.
bool is_printable_text(std::string_view text);

}  // namespace candela::control
