// Checks a log chunk before it is stored: valid gzip (one or more members), exactly the
// announced number of lines, each a JSON object of the announced property whose `ts` lies in the
// announced hour. Decompresses as a stream: memory stays bounded by the longest line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::control {

struct ChunkExpectation {
  std::string property;   // the edge property id every line carries, e.g. "SC0000001.www"
  long long hour_ms = 0;  // start of the UTC hour every line's ts falls in
  long long lines = 0;
};

struct ChunkSummary {
  long long lines = 0;
  long long uncompressed_bytes = 0;
  std::string sha256;  // of the compressed bytes, lower-case hex
};

inline constexpr std::size_t kMaxLogLineBytes = 1024 * 1024;
// A chunk may expand to at most this much (a guard against gzip bombs).
inline constexpr long long kMaxChunkUncompressedBytes = 4LL * 1024 * 1024 * 1024;

// kInvalid errors locate the problem: "/body" (not gzip), "/body/line/N" (1-based line N),
// "/query/lines" (count differs).
Result<ChunkSummary> check_log_chunk(std::string_view gzip, const ChunkExpectation& expected);

}  // namespace candela::control
