// Log delivery's domain: chunks edges upload (checked, written to the LogStore, one row each),
// the per-hour listing and the chunk files customers download, per-service retention and the job
// that enforces it. Knows nothing of HTTP.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/log_chunk_check.hpp"
#include "control/log_store.hpp"
#include "control/log_time.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct LogChunkUpload {
  std::string edge_id;        // the authenticated edge
  std::string edge_property;  // "<SCID>.<property>", as the edge names it
  std::string hour;           // "2026-11-25T01:00:00Z"
  std::string chunk;          // the edge's name for the chunk
  long long lines = 0;        // the line count the edge announces
};

// An upload whose names and content passed every check; ready to be recorded.
struct CheckedLogChunk {
  LogChunkKey key;
  std::filesystem::path path;
  long long bytes = 0;
  ChunkSummary summary;
};

struct StoredLogChunk {
  LogChunkKey key;
  bool created = false;  // false: the same key was delivered before and has been replaced
  long long bytes = 0;
  long long lines = 0;
  std::string sha256;
};

struct LogFileQuery {
  std::optional<long long> from_ms;  // inclusive
  std::optional<long long> to_ms;    // exclusive
  std::optional<std::string> property;
  // Keyset: list (hour, property) pairs after this one.
  std::optional<std::pair<long long, std::string>> after;
  int limit = 50;
};

struct LogFileEntry {
  std::string property;
  long long hour_ms = 0;
  long long lines = 0;
  long long bytes = 0;
  long long chunks = 0;
};

struct LogFilePage {
  std::vector<LogFileEntry> files;  // ascending by hour, then property
  bool more = false;                // another page follows the last entry
  int retention_days = 0;
};

struct LogChunkFile {
  LogChunkKey key;
  long long bytes = 0;
  std::filesystem::path path;
};

class LogChunks {
 public:
  static constexpr int kMaxPageSize = 500;
  static constexpr int kMinRetentionDays = 1;
  static constexpr int kMaxRetentionDays = 366;
  static constexpr std::size_t kMaxReasonLength = 1000;

  // Works on the caller's session (inside its transaction for changes).
  LogChunks(soci::session& session, const Clock& clock, const LogStore& store)
      : session_(session), clock_(clock), store_(store) {}

  // Checks names and content without touching the store (CPU only; call it outside a
  // transaction). kInvalid with located fields: "/path/chunk", "/query/property",
  // "/query/hour", "/query/lines", "/body", "/body/line/N".
  static Result<CheckedLogChunk> check(const LogStore& store, const LogChunkUpload& upload,
                                       std::string_view body);
  // Writes the file (replacing an earlier delivery of the same key) and its row. kNotFound when
  // the SCID is unknown. The edge was authenticated by the caller.
  Result<StoredLogChunk> record(const CheckedLogChunk& chunk, std::string_view body);

  // The (property, hour) files of a service the principal may read (kNotFound otherwise).
  Result<LogFilePage> list(const Principal& principal, std::string_view scid,
                           const LogFileQuery& query);
  // The chunks of one property in [period.start_ms, period.end_ms) in download order (hour, edge,
  // chunk); kNotFound when there are none or the principal may not read the service.
  Result<std::vector<LogChunkFile>> files(const Principal& principal, std::string_view scid,
                                          std::string_view property, LogPeriod period);
  // Sets the retention (kConfigure on the service), audited; returns the new value.
  Result<int> set_retention(const Principal& principal, std::string_view scid, int days,
                            const std::string& reason);

  // The retention job: deletes chunks (rows, then files and empty folders) whose hour ended more
  // than their service's retention_days before the clock's now. Returns how many were deleted.
  // Runs its own short transactions on `database`.
  static Result<long long> expire(Database& database, const Clock& clock, const LogStore& store);

 private:
  soci::session& session_;
  const Clock& clock_;
  const LogStore& store_;
};

}  // namespace candela::control
