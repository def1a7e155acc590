// Tolerant, conservative Cache-Control parser: one pass, no allocation unless field lists appear.
#include "cache/cache_control.hpp"

#include <algorithm>

#include "cache/structured_field.hpp"
#include "http/text.hpp"

namespace candela::cache {

namespace {
std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && http::is_ows(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && http::is_ows(s.back()))
    s.remove_suffix(1);
  return s;
}

struct Argument {
  bool present = false;
  bool quoted = false;
  bool valid = true;      // false for an unterminated quoted string
  std::string_view text;  // token, or the quoted string's inside (escapes still in place)
};

// Splits "name[=arg]" into its parts.
void split_directive(std::string_view element, std::string_view& name, Argument& arg) noexcept {
  const auto eq = element.find('=');
  name = trim(element.substr(0, eq));
  arg = {};
  if (eq == std::string_view::npos) return;
  std::string_view value = trim(element.substr(eq + 1));
  arg.present = true;
  if (!value.empty() && value.front() == '"') {
    arg.quoted = true;
    // The element splitter kept the quoted string whole; it must end with an unescaped quote.
    std::size_t i = 1;
    bool closed = false;
    for (; i < value.size(); ++i) {
      if (value[i] == '\\') {
        ++i;
      } else if (value[i] == '"') {
        closed = true;
        break;
      }
    }
    arg.valid = closed && trim(value.substr(i + 1)).empty();
    arg.text = value.substr(1, closed ? i - 1 : value.size() - 1);
  } else {
    arg.text = value;
  }
}

// delta-seconds: 1*DIGIT, clamped to 2^31. Anything else is invalid.
std::optional<std::int64_t> parse_delta(const Argument& arg) noexcept {
  if (!arg.present || !arg.valid || arg.text.empty()) return std::nullopt;
  std::int64_t v = 0;
  for (char c : arg.text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > kMaxDeltaSeconds) v = kMaxDeltaSeconds;
  }
  return v;
}

void keep_lowest(std::optional<std::int64_t>& slot, std::int64_t v) noexcept {
  slot = slot ? std::min(*slot, v) : v;
}

bool name_is(std::string_view name, std::string_view lower_literal) noexcept {
  if (name.size() != lower_literal.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (http::ascii_lower(name[i]) != lower_literal[i]) return false;
  }
  return true;
}

// Field names of a qualified no-cache / private, lower-cased; `*_fields` stay empty when the
// unqualified form has been seen, because that form covers the whole response.
void add_field_names(const Argument& arg, bool& flag, std::vector<std::string>& fields,
                     bool& unqualified_seen) {
  flag = true;
  // A broken quoted string names nothing reliably: fall back to the unqualified form.
  if (!arg.present || !arg.valid || unqualified_seen) {
    unqualified_seen = true;
    fields.clear();
    return;
  }
  std::string_view list = arg.text;
  bool added = false;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    std::string name;
    name.reserve(item.size());
    for (char c : item) {
      if (c != '\\') name.push_back(http::ascii_lower(c));
    }
    if (name.empty()) continue;
    if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
      fields.push_back(std::move(name));
    }
    added = true;
  }
  // `private=""` names nothing; treat it as the unqualified form (the safe reading).
  if (!added) {
    unqualified_seen = true;
    fields.clear();
  }
}

void apply(std::string_view name, const Argument& arg, CacheControl& cc) {
  cc.any = true;
  if (name_is(name, "max-age")) {
    // An invalid max-age makes the response stale (RFC 9111 §4.2.1).
    keep_lowest(cc.max_age, parse_delta(arg).value_or(0));
  } else if (name_is(name, "s-maxage")) {
    keep_lowest(cc.s_maxage, parse_delta(arg).value_or(0));
  } else if (name_is(name, "no-cache")) {
    bool unqualified = cc.no_cache && cc.no_cache_fields.empty();
    add_field_names(arg, cc.no_cache, cc.no_cache_fields, unqualified);
  } else if (name_is(name, "no-store")) {
    cc.no_store = true;
  } else if (name_is(name, "private")) {
    bool unqualified = cc.is_private && cc.private_fields.empty();
    add_field_names(arg, cc.is_private, cc.private_fields, unqualified);
  } else if (name_is(name, "public")) {
    cc.is_public = true;
  } else if (name_is(name, "must-revalidate")) {
    cc.must_revalidate = true;
  } else if (name_is(name, "proxy-revalidate")) {
    cc.proxy_revalidate = true;
  } else if (name_is(name, "min-fresh")) {
    if (auto v = parse_delta(arg)) keep_lowest(cc.min_fresh, *v);
  } else if (name_is(name, "max-stale")) {
    if (!arg.present) {
      cc.max_stale = true;
    } else if (auto v = parse_delta(arg)) {
      cc.max_stale = true;
      keep_lowest(cc.max_stale_limit, *v);
    }
  } else if (name_is(name, "stale-while-revalidate")) {
    if (auto v = parse_delta(arg)) keep_lowest(cc.stale_while_revalidate, *v);
  } else if (name_is(name, "stale-if-error")) {
    if (auto v = parse_delta(arg)) keep_lowest(cc.stale_if_error, *v);
  } else if (name_is(name, "no-transform")) {
    cc.no_transform = true;
  } else if (name_is(name, "only-if-cached")) {
    cc.only_if_cached = true;
  } else if (name_is(name, "immutable")) {
    cc.immutable = true;
  } else if (name_is(name, "must-understand")) {
    cc.must_understand = true;
  }
  // Unknown extension directives are ignored (RFC 9111 §5.2.3).
}

}  // namespace

void merge_cache_control(std::string_view value, CacheControl& into) {
  std::size_t start = 0;
  bool in_quotes = false;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size()) {
      const char c = value[i];
      if (in_quotes) {
        if (c == '\\') {
          if (i + 1 < value.size()) ++i;
        } else if (c == '"') {
          in_quotes = false;
        }
        continue;
      }
      if (c == '"') {
        in_quotes = true;
        continue;
      }
      if (c != ',') continue;
    }
    const std::string_view element = trim(value.substr(start, std::min(i, value.size()) - start));
    start = i + 1;
    if (element.empty()) continue;  // "a,,b" and leading/trailing commas are allowed
    std::string_view name;
    Argument arg;
    split_directive(element, name, arg);
    if (name.empty()) continue;
    apply(name, arg, into);
  }
}

CacheControl parse_cache_control(std::string_view value) {
  CacheControl cc;
  merge_cache_control(value, cc);
  return cc;
}

CacheControl parse_cache_control_fields(const http::HeaderView& fields,
                                        std::string_view field_name) {
  CacheControl cc;
  for (const auto& f : fields) {
    if (http::iequals(f.name, field_name)) merge_cache_control(f.value, cc);
  }
  return cc;
}

namespace {

// RFC 9213 §2.1: a targeted field is a Structured Field dictionary, and one that fails to parse
// is ignored as a whole. The delta-seconds directives must be Integers: `max-age="60"` is a
// parse failure there, not a quoted number as in Cache-Control.
bool is_valid_targeted_field(const http::HeaderView& response, std::string_view field) {
  const auto on_member = [](std::string_view key, SfValueType type) {
    const bool numeric = http::iequals(key, "max-age") || http::iequals(key, "s-maxage") ||
                         http::iequals(key, "stale-while-revalidate") ||
                         http::iequals(key, "stale-if-error");
    return !numeric || type == SfValueType::kInteger;
  };
  for (const auto& f : response) {
    if (http::iequals(f.name, field) && !walk_sf_dictionary(f.value, on_member)) return false;
  }
  return true;
}

}  // namespace

ResponseDirectives select_response_directives(const http::HeaderView& response,
                                              std::span<const std::string_view> targeted_fields) {
  for (std::string_view field : targeted_fields) {
    if (!response.contains(field) || !is_valid_targeted_field(response, field)) continue;
    CacheControl cc = parse_cache_control_fields(response, field);
    if (cc.any) return {std::move(cc), true};
  }
  return {parse_cache_control_fields(response, "Cache-Control"), false};
}

}  // namespace candela::cache
