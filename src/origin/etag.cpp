// Entity-tag generation and list matching (RFC 9110 §8.8.3, §13.1.1, §13.1.2).
#include "origin/etag.hpp"

#include <cstdio>

namespace candela::origin {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

struct ParsedTag {
  bool weak = false;
  std::string_view opaque;  // including the quotes
};

// Reads one entity-tag at `pos`, advancing past it; false if the text there is not one.
bool read_tag(std::string_view s, std::size_t& pos, ParsedTag& out) {
  out.weak = false;
  if (s.substr(pos, 2) == "W/") {
    out.weak = true;
    pos += 2;
  }
  if (pos >= s.size() || s[pos] != '"') return false;
  const auto close = s.find('"', pos + 1);
  if (close == std::string_view::npos) return false;
  out.opaque = s.substr(pos, close - pos + 1);
  pos = close + 1;
  return true;
}

}  // namespace

std::string make_file_etag(std::uint64_t size, std::uint64_t mtime_ns, std::uint64_t inode) {
  char buf[80];
  const int n = std::snprintf(
      buf, sizeof buf, "\"%llx-%llx-%llx\"", static_cast<unsigned long long>(size),
      static_cast<unsigned long long>(mtime_ns), static_cast<unsigned long long>(inode));
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string make_bytes_etag(std::uint64_t size) {
  char buf[40];
  const int n =
      std::snprintf(buf, sizeof buf, "\"bytes-%llx\"", static_cast<unsigned long long>(size));
  return std::string(buf, static_cast<std::size_t>(n));
}

bool etag_list_matches(std::string_view list, std::string_view etag, EtagComparison comparison) {
  std::size_t epos = 0;
  ParsedTag ours;
  if (!read_tag(etag, epos, ours) || epos != etag.size()) return false;

  std::size_t pos = 0;
  const auto first = list.find_first_not_of(" \t");
  const auto last = list.find_last_not_of(" \t");
  if (first != std::string_view::npos && list.substr(first, last - first + 1) == "*") return true;
  while (pos < list.size()) {
    while (pos < list.size() && (is_space(list[pos]) || list[pos] == ','))
      ++pos;
    if (pos >= list.size()) break;
    ParsedTag theirs;
    if (!read_tag(list, pos, theirs)) return false;
    const bool same_opaque = theirs.opaque == ours.opaque;
    if (comparison == EtagComparison::kWeak && same_opaque) return true;
    if (comparison == EtagComparison::kStrong && same_opaque && !theirs.weak && !ours.weak) {
      return true;
    }
  }
  return false;
}

}  // namespace candela::origin
