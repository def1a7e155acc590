// Splits one rotated access-log file into gzip chunks, one per (property, hour of `ts`), written
// into the log shipper's outbox as a folder that appears complete or not at all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace candela::edge {

// The portal refuses chunks larger than this (docs/access-log.md, "Shipping").
constexpr std::uint64_t kMaxLogChunkBytes = 32ull << 20;

// One chunk waiting in the outbox: the gzip file `file` inside the source's folder holds
// `lines` access-log lines of `property` whose `ts` lies in `hour`.
struct LogChunk {
  std::string file;      // e.g. 000001.jsonl.gz
  std::string property;  // e.g. SC0000001.www
  std::string hour;      // e.g. 2026-11-25T01:00:00Z
  std::string chunk;     // the source's stamp, plus -partN when one group needed several parts
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;  // compressed size
};

struct LogSplit {
  std::string stamp;  // the source file's rotation stamp
  std::vector<LogChunk> chunks;
  std::uint64_t lines_unmatched = 0;  // requests that matched no property: not shipped
  std::uint64_t lines_invalid = 0;    // not a whole access-log line (e.g. cut off by a crash)
};

struct LogSplitOptions {
  std::uint64_t max_chunk_bytes = kMaxLogChunkBytes;
  std::size_t buffer_bytes = 8u << 20;  // lines held in memory before going to group files
};

// The manifest of a finished split, kept as manifest.json in the outbox folder.
inline constexpr std::string_view kLogManifestName = "manifest.json";

// Reads `source` (gzip or plain), groups its lines by (property, hour) — skipping lines of no
// property and lines that are not valid access-log JSON — and writes <outbox>/<stamp>/ with one
// gzip file per chunk and manifest.json. Everything is written into <outbox>/<stamp>.tmp/,
// synced, then renamed, so after a crash the folder is either complete or absent (a stale .tmp
// folder is the caller's to remove). The split is deterministic: the same source gives the same
// chunk names and contents, which keeps re-sending after a crash idempotent.
// Errors: ErrorKind::kInvalid when the source cannot be read as a log (corrupt gzip),
// ErrorKind::kUnavailable when the outbox cannot be written (disk full): try again later.
Result<LogSplit> split_log_file(const std::filesystem::path& source, const std::string& stamp,
                                const std::filesystem::path& outbox,
                                const LogSplitOptions& options = {});

// Reads <folder>/manifest.json.
Result<LogSplit> read_log_manifest(const std::filesystem::path& folder);

// "2026-11-24T19:00:00Z" for a line starting {"ts":"2026-11-24T19:37:38.123Z", and the
// line's "property"; nullopt when the line is not an access-log line.
struct LogLineKey {
  std::string hour;
  std::string property;
};
std::optional<LogLineKey> log_line_key(std::string_view line);

}  // namespace candela::edge
