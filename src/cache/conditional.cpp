// Precondition evaluation for responses served from the cache.
#include "cache/conditional.hpp"

#include "common/http_date.hpp"
#include "http/text.hpp"

namespace candela::cache {

namespace {
bool is_etagc(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x7e) || u >= 0x80;
}

// A date precondition applies only with exactly one valid HTTP-date.
std::optional<SysTime> single_date(const http::HeaderView& request, std::string_view name) {
  if (request.count(name) != 1) return std::nullopt;
  return parse_http_date(http::trim_ows(*request.get(name)));
}

bool is_get_or_head(std::string_view method) noexcept {
  return method == "GET" || method == "HEAD";
}

// Whether any line of the field matches; "*" and lists may be split over several lines.
bool any_line_matches(const http::HeaderView& request, std::string_view name,
                      std::optional<std::string_view> etag, bool strong) noexcept {
  for (const auto& f : request) {
    if (http::iequals(f.name, name) && etag_list_matches(f.value, etag, strong)) return true;
  }
  return false;
}

std::int64_t secs(SysTime t) noexcept {
  return to_unix_seconds(t);
}

}  // namespace

std::optional<EntityTag> parse_entity_tag(std::string_view text) noexcept {
  text = http::trim_ows(text);
  EntityTag tag;
  if (text.size() >= 2 && text[0] == 'W' && text[1] == '/') {
    tag.weak = true;
    text.remove_prefix(2);
  }
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (!is_etagc(text[i])) return std::nullopt;
  }
  tag.opaque = text;
  return tag;
}

bool strong_match(const EntityTag& a, const EntityTag& b) noexcept {
  return !a.weak && !b.weak && a.opaque == b.opaque;
}

bool weak_match(const EntityTag& a, const EntityTag& b) noexcept {
  return a.opaque == b.opaque;
}

bool etag_list_matches(std::string_view field_value, std::optional<std::string_view> current_etag,
                       bool strong) noexcept {
  const std::string_view value = http::trim_ows(field_value);
  // The stored response is a current representation, so "*" always matches.
  if (value == "*") return true;
  if (!current_etag) return false;
  const auto current = parse_entity_tag(*current_etag);
  if (!current) return false;
  // Commas may occur inside an opaque-tag, so members are split outside quotes only.
  std::size_t start = 0;
  bool in_quotes = false;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size()) {
      if (value[i] == '"') in_quotes = !in_quotes;
      if (in_quotes || value[i] != ',') continue;
    }
    const auto member = parse_entity_tag(value.substr(start, i - start));
    start = i + 1;
    if (!member) continue;
    if (strong ? strong_match(*member, *current) : weak_match(*member, *current)) return true;
  }
  return false;
}

Validators Validators::from(const http::HeaderView& stored) noexcept {
  Validators v;
  v.etag = stored.get("ETag");
  if (const auto lm = stored.get("Last-Modified"))
    v.last_modified = parse_http_date(http::trim_ows(*lm));
  if (const auto date = stored.get("Date")) v.date = parse_http_date(http::trim_ows(*date));
  return v;
}

ConditionalResult evaluate_conditionals(std::string_view method, const http::HeaderView& request,
                                        int stored_status, const Validators& stored) noexcept {
  if (stored_status < 200 || stored_status > 299) return ConditionalResult::kSendFull;

  // Step 1 / 2: the representation must still be the one the client holds.
  if (request.contains("If-Match")) {
    if (!any_line_matches(request, "If-Match", stored.etag, true)) {
      return ConditionalResult::kPreconditionFailed;
    }
  } else if (const auto ius = single_date(request, "If-Unmodified-Since");
             ius && stored.last_modified) {
    if (secs(*stored.last_modified) > secs(*ius)) return ConditionalResult::kPreconditionFailed;
  }

  // Step 3 / 4: has the client's copy changed?
  if (request.contains("If-None-Match")) {
    if (any_line_matches(request, "If-None-Match", stored.etag, false)) {
      return is_get_or_head(method) ? ConditionalResult::kNotModified
                                    : ConditionalResult::kPreconditionFailed;
    }
  } else if (is_get_or_head(method)) {
    const auto reference =
        stored.last_modified ? stored.last_modified : (stored.date ? stored.date : stored.received);
    if (const auto ims = single_date(request, "If-Modified-Since"); ims && reference) {
      if (secs(*reference) <= secs(*ims)) return ConditionalResult::kNotModified;
    }
  }
  return ConditionalResult::kSendFull;
}

bool is_not_modified_field(std::string_view name, bool has_etag) noexcept {
  for (std::string_view f :
       {"Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary"}) {
    if (http::iequals(name, f)) return true;
  }
  return !has_etag && http::iequals(name, "Last-Modified");
}

void copy_not_modified_fields(const http::HeaderView& stored, http::HeaderList& out) {
  const bool has_etag = stored.contains("ETag");
  for (const auto& f : stored) {
    if (is_not_modified_field(f.name, has_etag)) out.add(f.name, f.value);
  }
}

}  // namespace candela::cache
