// Entity tags: generation for files and synthetic bodies, and matching of If-Match/If-None-Match.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace candela::origin {

// A strong tag that changes whenever the file is replaced or rewritten:
// "<size>-<mtime ns>-<inode>", each in lower-case hex, in double quotes.
std::string make_file_etag(std::uint64_t size, std::uint64_t mtime_ns, std::uint64_t inode);

// A strong tag for the synthetic /_origin/bytes/N body, which depends on N only.
std::string make_bytes_etag(std::uint64_t size);

enum class EtagComparison { kStrong, kWeak };

// Whether `etag` matches the field value `list` ("*" or a comma-separated list of entity tags),
// using the strong or weak comparison of RFC 9110 §8.8.3.2. Malformed members never match.
bool etag_list_matches(std::string_view list, std::string_view etag, EtagComparison comparison);

}  // namespace candela::origin
