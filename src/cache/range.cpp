// Range parsing and 206 / 416 / multipart building over a stored object, without copying it.
#include "cache/range.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "cache/conditional.hpp"
#include "common/http_date.hpp"
#include "http/headers.hpp"
#include "http/text.hpp"

namespace candela::cache {

namespace {

constexpr std::uint64_t kU64Max =
    std::numeric_limits<std::uint64_t>::max();  // 1*DIGIT, saturating: a position past 2^64 is
                                                // simply "past the end".
bool parse_pos(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    v = v > (kU64Max - d) / 10 ? kU64Max : v * 10 + d;
  }
  out = v;
  return true;
}

struct Spec {
  bool suffix = false;
  std::uint64_t first = 0;
  std::uint64_t last = kU64Max;  // absent last-pos: to the end
};

bool parse_spec(std::string_view s, Spec& spec) noexcept {
  const auto dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  const std::string_view a = s.substr(0, dash);
  const std::string_view b = s.substr(dash + 1);
  if (a.empty()) {
    spec.suffix = true;
    return parse_pos(b, spec.first);  // suffix-length
  }
  if (!parse_pos(a, spec.first)) return false;
  if (b.empty()) return true;
  return parse_pos(b, spec.last) && spec.last >= spec.first;
}

bool overlaps_or_touches(const ByteRange& a, const ByteRange& b) noexcept {
  const ByteRange& lo = a.first <= b.first ? a : b;
  const ByteRange& hi = a.first <= b.first ? b : a;
  return hi.first <= lo.last || hi.first - lo.last == 1;
}

void coalesce(RangeRequest& r) noexcept {
  bool any = false;
  for (std::size_t i = 0; i < r.count && !any; ++i) {
    for (std::size_t j = i + 1; j < r.count && !any; ++j) {
      any = overlaps_or_touches(r.ranges[i], r.ranges[j]);
    }
  }
  if (!any) return;
  auto* begin = r.ranges.data();
  std::sort(begin, begin + r.count,
            [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
  std::size_t out = 0;
  for (std::size_t i = 1; i < r.count; ++i) {
    if (overlaps_or_touches(r.ranges[out], r.ranges[i])) {
      r.ranges[out].last = std::max(r.ranges[out].last, r.ranges[i].last);
    } else {
      r.ranges[++out] = r.ranges[i];
    }
  }
  r.count = out + 1;
}

void append_u64(std::string& out, std::uint64_t v) {
  char buf[20];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

}  // namespace

RangeRequest parse_range(std::string_view value, std::uint64_t length) noexcept {
  RangeRequest result;
  value = http::trim_ows(value);
  const auto eq = value.find('=');
  if (eq == std::string_view::npos ||
      !http::iequals(http::trim_ows(value.substr(0, eq)), "bytes")) {
    return result;
  }
  std::string_view set = value.substr(eq + 1);

  std::array<Spec, kMaxRanges> specs{};
  std::size_t n = 0;
  while (true) {
    const auto comma = set.find(',');
    const std::string_view item = http::trim_ows(set.substr(0, comma));
    if (!item.empty()) {
      if (n == kMaxRanges || !parse_spec(item, specs[n])) return result;
      ++n;
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  if (n == 0 || length == 0) return result;

  for (std::size_t i = 0; i < n; ++i) {
    const Spec& s = specs[i];
    if (s.suffix) {
      if (s.first == 0) continue;
      result.ranges[result.count++] = {length - std::min(s.first, length), length - 1};
    } else {
      if (s.first >= length) continue;
      result.ranges[result.count++] = {s.first, std::min(s.last, length - 1)};
    }
  }
  if (result.count == 0) {
    result.status = RangeStatus::kUnsatisfiable;
    return result;
  }
  coalesce(result);
  result.status = RangeStatus::kSatisfiable;
  return result;
}

bool if_range_matches(std::string_view if_range, std::optional<std::string_view> etag,
                      std::optional<SysTime> last_modified, std::optional<SysTime> date) noexcept {
  if_range = http::trim_ows(if_range);
  if (!if_range.empty() && (if_range.front() == '"' || if_range.starts_with("W/"))) {
    const auto wanted = parse_entity_tag(if_range);
    if (!wanted || !etag) return false;
    const auto current = parse_entity_tag(*etag);
    return current && strong_match(*wanted, *current);
  }
  const auto when = parse_http_date(if_range);
  if (!when || !last_modified) return false;
  const std::int64_t lm = to_unix_seconds(*last_modified);
  if (to_unix_seconds(*when) != lm) return false;
  return date && to_unix_seconds(*date) - lm >= 60;
}

std::size_t format_content_range(ByteRange range, std::uint64_t length, char* out) noexcept {
  char* p = out;
  for (char c : std::string_view("bytes "))
    *p++ = c;
  p = std::to_chars(p, out + kMaxContentRangeLength, range.first).ptr;
  *p++ = '-';
  p = std::to_chars(p, out + kMaxContentRangeLength, range.last).ptr;
  *p++ = '/';
  p = std::to_chars(p, out + kMaxContentRangeLength, length).ptr;
  return static_cast<std::size_t>(p - out);
}

std::string content_range(ByteRange range, std::uint64_t length) {
  char buf[kMaxContentRangeLength];
  return std::string(buf, format_content_range(range, length, buf));
}

std::string unsatisfied_content_range(std::uint64_t length) {
  std::string s = "bytes */";
  append_u64(s, length);
  return s;
}

MultipartBody build_multipart_byteranges(std::span<const ByteRange> ranges, std::uint64_t length,
                                         std::string_view part_content_type,
                                         std::string_view boundary) {
  MultipartBody body;
  body.content_type = "multipart/byteranges; boundary=";
  body.content_type.append(boundary);
  body.pieces.reserve(ranges.size() * 2 + 1);
  auto add_text = [&](std::string text) {
    body.content_length += text.size();
    BodyPiece piece;
    piece.length = text.size();
    piece.text = std::move(text);
    body.pieces.push_back(std::move(piece));
  };
  bool first = true;
  for (const ByteRange& r : ranges) {
    std::string head = first ? "--" : "\r\n--";
    first = false;
    head.append(boundary);
    head.append("\r\n");
    if (!part_content_type.empty()) {
      head.append("Content-Type: ");
      head.append(part_content_type);
      head.append("\r\n");
    }
    head.append("Content-Range: ");
    head.append(content_range(r, length));
    head.append("\r\n\r\n");
    add_text(std::move(head));
    BodyPiece slice;
    slice.kind = BodyPiece::Kind::kSlice;
    slice.offset = r.first;
    slice.length = r.length();
    body.content_length += slice.length;
    body.pieces.push_back(std::move(slice));
  }
  std::string tail = "\r\n--";
  tail.append(boundary);
  tail.append("--\r\n");
  add_text(std::move(tail));
  return body;
}

std::string make_boundary(std::uint64_t seed) {
  // splitmix64 spreads any seed (even a counter) over all 64 bits before encoding.
  constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out = "candela";
  std::uint64_t x = seed;
  while (out.size() < 24) {
    x += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (int i = 0; i < 8 && out.size() < 24; ++i) {
      out.push_back(kAlphabet[z % kAlphabet.size()]);
      z /= kAlphabet.size();
    }
  }
  return out;
}

}  // namespace candela::cache
