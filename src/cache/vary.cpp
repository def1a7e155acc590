// Vary parsing and secondary keys, normalised so semantically equal requests share a variant.
#include "cache/vary.hpp"

#include <algorithm>
#include <array>

#include "cache/cache_key.hpp"
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

// Calls fn(member) for each non-empty comma-separated member, trimmed.
template <typename Fn>
void for_each_member(std::string_view list, Fn&& fn) {
  while (true) {
    const auto comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

// Appends one member with inner whitespace runs collapsed to a single space.
void append_collapsed(std::string_view member, std::string& out) {
  bool space = false;
  for (char c : member) {
    if (http::is_ows(c)) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
}

bool is_zero_q(std::string_view params) noexcept {
  // params like ";q=0", "; q=0.000"; only an explicit zero weight excludes a coding.
  std::size_t pos = 0;
  while ((pos = params.find(';', pos)) != std::string_view::npos) {
    std::string_view p = trim(params.substr(pos + 1));
    const auto next = p.find(';');
    std::string_view param = trim(p.substr(0, next));
    pos += 1;
    if (param.size() < 2 || http::ascii_lower(param[0]) != 'q') continue;
    std::string_view rest = trim(param.substr(1));
    if (rest.empty() || rest.front() != '=') continue;
    rest = trim(rest.substr(1));
    if (rest.empty() || rest.front() != '0') return false;
    return rest.find_first_not_of("0.") == std::string_view::npos;
  }
  return false;
}

// Accept-Encoding → sorted unique codings with q > 0, without allocating: codings are few,
// so the sort runs over a fixed array of views.
void append_accept_encoding(const http::HeaderView& request, std::string& out) {
  constexpr std::size_t kMaxCodings = 16;
  std::array<std::string_view, kMaxCodings> codings;
  std::size_t n = 0;
  bool overflow = false;
  for (const auto& f : request) {
    if (!http::iequals(f.name, "Accept-Encoding")) continue;
    for_each_member(f.value, [&](std::string_view member) {
      const auto semi = member.find(';');
      const std::string_view coding = trim(member.substr(0, semi));
      if (coding.empty()) return;
      if (semi != std::string_view::npos && is_zero_q(member.substr(semi))) return;
      if (n == kMaxCodings) {
        overflow = true;
        return;
      }
      codings[n++] = coding;
    });
  }
  auto less = [](std::string_view a, std::string_view b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return http::ascii_lower(x) < http::ascii_lower(y);
    });
  };
  std::sort(codings.begin(), codings.begin() + static_cast<std::ptrdiff_t>(n), less);
  bool first = true;
  std::string_view prev;
  for (std::size_t i = 0; i < n; ++i) {
    if (!first && http::iequals(prev, codings[i])) continue;
    if (!first) out.push_back(',');
    for (char c : codings[i])
      out.push_back(http::ascii_lower(c));
    prev = codings[i];
    first = false;
  }
  // Pathological lists keep their excess verbatim so they never collide with a short list.
  if (overflow) out.append(",+overflow");
}

}  // namespace

bool vary_has_star(std::string_view vary_value) noexcept {
  bool star = false;
  for_each_member(vary_value, [&](std::string_view m) { star = star || m == "*"; });
  return star;
}

std::vector<std::string> varied_fields(const http::HeaderView& response) {
  std::vector<std::string> names;
  for (const auto& f : response) {
    if (!http::iequals(f.name, "Vary")) continue;
    for_each_member(f.value, [&](std::string_view m) {
      std::string name(m);
      for (char& c : name)
        c = http::ascii_lower(c);
      names.push_back(std::move(name));
    });
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

namespace {

// One field's contribution to a secondary key: "name:value\n", or "name\n" when absent.
void append_field_key(std::string_view name, const http::HeaderView& request, std::string& out,
                      const VaryOptions& options) {
  out.append(name);
  if (!request.contains(name)) {
    out.push_back('\n');
    return;
  }
  out.push_back(':');
  if (options.normalize_accept_encoding && name == "accept-encoding") {
    append_accept_encoding(request, out);
  } else {
    bool first = true;
    for (const auto& f : request) {
      if (!http::iequals(f.name, name)) continue;
      for_each_member(f.value, [&](std::string_view member) {
        if (!first) out.push_back(',');
        first = false;
        append_collapsed(member, out);
      });
    }
  }
  out.push_back('\n');
}

}  // namespace

void secondary_key(std::span<const std::string> fields, const http::HeaderView& request,
                   std::string& out, const VaryOptions& options) {
  out.clear();
  for (const std::string& name : fields)
    append_field_key(name, request, out, options);
}

std::string pack_varied_fields(std::span<const std::string> fields) {
  std::string out;
  for (const std::string& name : fields) {
    if (!out.empty()) out.push_back(',');
    out.append(name);
  }
  return out;
}

void append_variant_key(std::string_view packed_fields, const http::HeaderView& request,
                        std::string& key, const VaryOptions& options) {
  key.push_back(kVariantSeparator);
  while (!packed_fields.empty()) {
    const auto comma = packed_fields.find(',');
    append_field_key(packed_fields.substr(0, comma), request, key, options);
    packed_fields =
        comma == std::string_view::npos ? std::string_view{} : packed_fields.substr(comma + 1);
  }
}

}  // namespace candela::cache
