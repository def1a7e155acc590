// Percent-decoding and query-string parsing (RFC 3986 §2.1, WHATWG form encoding for '+').
#include "origin/url_codec.hpp"

#include "http/url_encoding.hpp"

namespace candela::origin {

QueryParams parse_query(std::string_view query) {
  QueryParams out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto member = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (member.empty()) continue;
    const auto eq = member.find('=');
    auto name = http::percent_decode(member.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                              : http::percent_decode(member.substr(eq + 1), true);
    if (name && value) out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string> query_param(const QueryParams& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return std::nullopt;
}

}  // namespace candela::origin
