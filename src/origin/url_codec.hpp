// Percent-decoding of request paths and parsing of query strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candela::origin {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX escapes (and '+' as space when `plus_is_space`, as in query strings);
// nullopt if an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// "a=1&b=x%20y&c" → {a:1, b:"x y", c:""}; malformed members are skipped.
QueryParams parse_query(std::string_view query);

// The value of the first parameter called `name`.
std::optional<std::string> query_param(const QueryParams& params, std::string_view name);

}  // namespace candela::origin
