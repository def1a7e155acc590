// Cache key construction, allocation-free on a warm output string.
#include "cache/cache_key.hpp"

#include <algorithm>
#include <charconv>

namespace candela::cache {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

char upper_hex(char c) noexcept {
  return (c >= 'a' && c <= 'f') ? static_cast<char>(c - 32) : c;
}

// Appends `s` with percent-encoding normalised. A '%' not followed by two hex digits is
// malformed; it is taken as a literal '%' and written %25, so that normalising is idempotent
// and a decoded triplet can never form a new one ("%%41" and "%A" both mean "%A").
// With `escape_question`, a raw '?' becomes %3F (used for paths, see build_cache_key).
void append_normalized(std::string_view s, std::string& out, bool escape_question = false) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '?' && escape_question) {
      out.append("%3F");
    } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      const char decoded = static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      if (is_unreserved(decoded)) {
        out.push_back(decoded);
      } else {
        out.push_back('%');
        out.push_back(upper_hex(s[i + 1]));
        out.push_back(upper_hex(s[i + 2]));
      }
      i += 2;
    } else if (c == '%') {
      out.append("%25");
    } else {
      out.push_back(c);
    }
  }
}

std::string_view param_name(std::string_view param) noexcept {
  return param.substr(0, param.find('='));
}

// Appends the allowed parameters ordered by name (the allowlist is sorted); parameters with
// the same name keep their relative order, since that order can be meaningful (a=1&a=2).
void append_allowed(std::string_view query, const KeyPolicy& policy, std::string& out) {
  bool first = true;
  for (const std::string& allowed : policy.allowlist) {
    std::string_view rest = query;
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view param = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      if (param.empty() || param_name(param) != allowed) continue;
      out.push_back(first ? '?' : '&');
      first = false;
      append_normalized(param, out);
    }
  }
}

}  // namespace

void KeyPolicy::normalize() {
  std::sort(allowlist.begin(), allowlist.end());
  allowlist.erase(std::unique(allowlist.begin(), allowlist.end()), allowlist.end());
}

void build_property_prefix(std::string_view property_id, std::string& out) {
  out.clear();
  char len[20];
  out.append(len, std::to_chars(len, len + sizeof len, property_id.size()).ptr);
  out.push_back(':');
  out.append(property_id);
}

void build_cache_key(std::string_view property_id, std::string_view path, std::string_view query,
                     const KeyPolicy& policy, std::string& out) {
  build_property_prefix(property_id, out);
  // A raw '?' inside `path` would blur the query boundary; callers split at the first '?',
  // but encode any stray one so the key stays unambiguous whatever they pass.
  append_normalized(path, out, /*escape_question=*/true);
  switch (policy.query) {
    case QueryPolicy::kKeepAll:
      if (!query.empty()) {
        out.push_back('?');
        append_normalized(query, out);
      }
      break;
    case QueryPolicy::kIgnoreAll:
      break;
    case QueryPolicy::kAllowlist:
      append_allowed(query, policy, out);
      break;
  }
}

std::string_view key_property_prefix(std::string_view key) noexcept {
  const auto colon = key.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 19) return {};
  std::size_t length = 0;
  const auto [end, ec] = std::from_chars(key.data(), key.data() + colon, length);
  if (ec != std::errc{} || end != key.data() + colon || length > key.size() - colon - 1) return {};
  return key.substr(0, colon + 1 + length);
}

std::string_view key_property_id(std::string_view key) noexcept {
  const std::string_view prefix = key_property_prefix(key);
  return prefix.substr(std::min(prefix.size(), prefix.find(':') + 1));
}

std::string_view key_primary(std::string_view key) noexcept {
  return key.substr(0, key.find(kVariantSeparator));
}

std::string_view key_path(std::string_view key) noexcept {
  const std::string_view target = key_primary(key).substr(key_property_prefix(key).size());
  return target.substr(0, target.find('?'));
}

std::string_view key_query(std::string_view key) noexcept {
  const std::string_view target = key_primary(key).substr(key_property_prefix(key).size());
  const auto question = target.find('?');
  return question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
}

}  // namespace candela::cache
