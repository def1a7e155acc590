#include "ctl/output.hpp"

#include <algorithm>
#include <cctype>

namespace candela::ctl {
namespace {

const nlohmann::json* member_path(const nlohmann::json& item, const std::string& path) {
  const nlohmann::json* at = &item;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto dot = path.find('.', start);
    const std::string name = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!at->is_object() || !at->contains(name)) return nullptr;
    at = &(*at)[name];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return at;
}

}  // namespace

nlohmann::json list_items(const nlohmann::json& body) {
  if (body.is_array()) return body;
  if (!body.is_object()) return nlohmann::json::array();
  if (body.contains("items") && body["items"].is_array()) return body["items"];
  for (const auto& [name, value] : body.items())
    if (value.is_array()) return value;
  return nlohmann::json::array();
}

std::string cell_text(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string format_table(const nlohmann::json& items, const std::vector<std::string>& columns) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const auto& column : columns) {
    std::string title = column;
    std::transform(title.begin(), title.end(), title.begin(),
                   [](unsigned char c) { return c == '.' || c == '_' ? ' ' : std::toupper(c); });
    header.push_back(title);
  }
  rows.push_back(header);
  for (const auto& item : items) {
    std::vector<std::string> row;
    for (const auto& column : columns) {
      const auto* value = member_path(item, column);
      row.push_back(value ? cell_text(*value) : "-");
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> widths(columns.size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace candela::ctl
