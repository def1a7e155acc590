// Percent-decoding and query-string parsing (RFC 3986 §2.1, WHATWG form encoding for '+').
#include "origin/url_codec.hpp"

namespace candela::origin {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

QueryParams parse_query(std::string_view query) {
  QueryParams out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto member = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (member.empty()) continue;
    const auto eq = member.find('=');
    auto name = percent_decode(member.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                              : percent_decode(member.substr(eq + 1), true);
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
