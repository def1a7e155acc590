// Percent-decoding of request paths and parsing of query strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/url_encoding.hpp"

namespace candela::origin {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

using http::percent_decode;

// "a=1&b=x%20y&c" → {a:1, b:"x y", c:""}; malformed members are skipped.
QueryParams parse_query(std::string_view query);

// The value of the first parameter called `name`.
std::optional<std::string> query_param(const QueryParams& params, std::string_view name);

}  // namespace candela::origin
