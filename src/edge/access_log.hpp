// The edge's JSON-lines access log: per-thread buffering, one writer thread, rotation, gzip.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.hpp"

namespace candela::edge {

// One request as logged. Views must stay valid only for the duration of AccessLog::write(),
// which formats the line before returning. The JSON key of each field is given in brackets;
// docs/access-log.md is the reference for the format.
struct AccessLogRecord {
  SysTime time;                   // [ts] when the request arrived, UTC, millisecond precision
  std::string_view edge_id;       // [edge] the edge server that served the request
  std::string_view client_ip;     // [client_ip] textual IPv4 or IPv6 address
  std::uint16_t client_port = 0;  // [client_port]
  std::string_view method;        // [method]
  std::string_view host;          // [host] Host header (or :authority)
  std::string_view path;          // [path] request target including the query string
  std::string_view protocol;      // [proto] e.g. "HTTP/1.1"
  int status = 0;                 // [status] status code sent to the client
  std::uint64_t bytes_sent = 0;  // [bytes] all bytes sent to the client: status line, headers, body
  std::uint64_t body_bytes = 0;  // [body_bytes] body bytes sent to the client
  double duration_ms = 0;        // [duration_ms] first request byte to last response byte
  std::string_view cache_status;    // [cache] hit, miss, stale, revalidated, pass, error, ...
  std::string_view property_id;     // [property] the configured property that matched
  std::string_view service_id;      // [scid] the service component ID billed for the request
  std::optional<double> origin_ms;  // [origin_ms] time spent on origin/parent; null when none
  std::string_view range;           // [range] Range header; null when empty (no Range header)
  std::string_view user_agent;      // [ua]
  std::string_view referer;         // [referer]
};

struct AccessLogOptions {
  std::filesystem::path path;            // the live file, e.g. /var/log/candela/access.log
  std::uint64_t max_bytes = 0;           // rotate before the file would exceed this; 0 = off
  std::chrono::seconds rotate_every{0};  // rotate at each multiple (UTC); 3600 = hourly; 0 = off
  std::size_t max_files = 0;             // rotated files kept, oldest deleted; 0 = keep all
  bool gzip = false;                     // compress rotated files (in the background)
  std::chrono::milliseconds flush_interval{200};     // longest time a line waits in a buffer
  std::size_t thread_buffer_bytes = 64 * 1024;       // per-thread batch size
  std::size_t max_pending_bytes = 16 * 1024 * 1024;  // queued batches beyond this: drop lines
};

// One rotated file, possibly present twice (a crash between writing `<name>.gz` and removing
// `<name>`): `stamp` is the rotation stamp after "<live name>.", e.g. 20261124T200000.004Z or
// 20261124T200000.004Z-0001; `files` holds the existing names, the complete `.gz` first.
struct RotatedLogFile {
  std::string stamp;
  std::vector<std::filesystem::path> files;
};

// The rotated files of the live log `live_path` found in `folder` (its own folder by default),
// oldest first. Only names the AccessLog gives rotated files are listed; `.tmp` files are not.
std::vector<RotatedLogFile> list_rotated_logs(const std::filesystem::path& live_path,
                                              const std::filesystem::path& folder = {});

struct AccessLogStats {
  std::uint64_t lines_accepted = 0;  // lines formatted and buffered by write()
  std::uint64_t lines_dropped = 0;   // lines refused because the writer fell behind
  std::uint64_t lines_written = 0;   // lines the writer has written to a file
  std::uint64_t lines_lost = 0;      // lines lost to I/O errors (disk full, unwritable file)
  std::uint64_t write_errors = 0;    // failed write/open/rename/compress operations
  std::uint64_t rotations = 0;       // files rotated by size or time (not by reopen())
};

// Each calling thread formats into its own buffer (guarded by a mutex that only the writer
// thread ever contends, once per flush interval); full buffers are handed to one writer thread,
// which writes whole batches, so a line is never split or interleaved with another. If the
// writer falls max_pending_bytes behind, write() drops the line and counts it rather than
// blocking the event loop. A second background thread compresses and prunes rotated files.
class AccessLog {
 public:
  // Opens (creating or appending to) options.path; throws std::system_error if it cannot.
  // `clock` decides rotation times and rotated file names.
  explicit AccessLog(AccessLogOptions options, const Clock& clock = SystemClock::instance());
  // Drains every buffered line to the file and finishes pending compression.
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Formats one line into the calling thread's buffer. Never blocks on I/O.
  void write(const AccessLogRecord& record);

  // Blocks until every line written before the call is in the file (written, not fsynced) and
  // rotated files are compressed and pruned.
  void flush();

  // After external rotation (logrotate moved the file, then SIGHUP): lines written before the
  // call go to the old file, later ones to a freshly opened options.path. Does not block on I/O.
  void reopen();

  AccessLogStats stats() const;

  // Rotated files that are complete and that the housekeeping thread will not touch any more
  // (their compression is neither queued nor running), oldest first. With max_files = 0 nothing
  // deletes them: the log shipper takes them from here.
  std::vector<RotatedLogFile> settled_rotated_files() const;

  // Appends `record` as one JSON object and '\n' to `out`. Strings are escaped per RFC 8259;
  // bytes that are not valid UTF-8 are written as \u00XX (the byte's value).
  static void format(const AccessLogRecord& record, std::string& out);

 private:
  struct ThreadBuffer;
  // A unit of work for the writer thread, processed in queue order.
  struct Item {
    enum class Kind { kLines, kReopen, kFlush };
    Kind kind = Kind::kLines;
    std::string data;            // kLines: whole lines
    std::uint64_t flush_id = 0;  // kFlush: the flush() call to wake
  };

  ThreadBuffer& thread_buffer();
  // Moves every thread's buffered lines to the queue; lock order: buffers_mu_, then a
  // ThreadBuffer's mutex, then queue_mu_.
  void collect_all();
  void enqueue_locked(std::string data);  // needs queue_mu_
  std::string take_spare_locked();        // needs queue_mu_
  void writer_loop();
  void housekeeping_loop();

  // Writer-thread state.
  bool open_file();
  void write_batch(std::string_view data);
  bool write_all(std::string_view data);
  bool rotate();
  void maybe_rotate_by_time();
  SysTime next_rotation_after(SysTime t) const;
  std::filesystem::path rotated_name();
  void report_error(std::string_view what, int err);
  // Housekeeping-thread work.
  void compress(const std::filesystem::path& file);
  void prune();

  const AccessLogOptions options_;
  const Clock& clock_;
  const std::uint64_t id_;  // distinguishes instances in the per-thread lookup cache

  mutable std::mutex buffers_mu_;
  std::vector<std::unique_ptr<ThreadBuffer>> buffers_;

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::condition_variable flushed_cv_;
  std::deque<Item> queue_;
  std::vector<std::string> spare_;  // written batches kept for reuse: no allocation per batch
  std::size_t queued_bytes_ = 0;
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_done_ = 0;
  bool stopping_ = false;

  // Updated by the background threads, once per batch or file.
  std::atomic<std::uint64_t> lines_written_{0};
  std::atomic<std::uint64_t> lines_lost_{0};
  std::atomic<std::uint64_t> write_errors_{0};
  std::atomic<std::uint64_t> rotations_{0};

  // Owned by the writer thread.
  int fd_ = -1;
  std::uint64_t file_size_ = 0;
  SysTime next_rotation_{};
  std::string last_stamp_;  // rotated names within one millisecond get -0001, -0002, ...
  unsigned last_suffix_ = 0;

  mutable std::mutex housekeeping_mu_;
  std::condition_variable housekeeping_cv_;
  std::deque<std::filesystem::path> rotated_;   // files waiting for compression and pruning
  std::filesystem::path housekeeping_current_;  // the file being compressed, if any
  std::size_t housekeeping_busy_ = 0;           // jobs queued or running
  bool housekeeping_stopping_ = false;

  std::thread writer_;
  std::thread housekeeper_;
};

}  // namespace candela::edge
