// How `candela ctl` prints: aligned tables for people, the raw JSON with --json for scripts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace candela::ctl {

// The list in a list response: its "items" member, else the first array member, else the body
// itself when it is an array; an empty array otherwise.
nlohmann::json list_items(const nlohmann::json& body);

// A cell's text: strings as they are, null as "-", anything else as compact JSON.
std::string cell_text(const nlohmann::json& value);

// One row per item with the given columns (members of each item; "a.b" reaches into objects),
// headers upper-cased, columns padded to their widest cell.
std::string format_table(const nlohmann::json& items, const std::vector<std::string>& columns);

}  // namespace candela::ctl
