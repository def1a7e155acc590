// The log shipper: on its own thread it splits each rotated access-log file into per-property,
// per-hour gzip chunks and PUTs them to the portal's log store, oldest first, resuming after
// failures and restarts from what it keeps in <state-dir>/logs/ (docs/access-log.md, Shipping).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "edge/access_log.hpp"
#include "edge/log_splitter.hpp"
#include "edge/portal_connection.hpp"

namespace candela::edge {

struct LogShipperOptions {
  std::filesystem::path log_path;   // the live access log; rotated files lie beside it
  std::filesystem::path state_dir;  // progress lives in <state_dir>/logs/
  std::string edge_id;
  std::string node_token_file;
  std::chrono::milliseconds interval{2000};  // how often to look for rotated files
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds max_backoff{5000};  // longest wait between retries
  std::size_t keep_shipped = 48;                // newest files kept in <log dir>/shipped/; 0 = all
  std::uint64_t max_chunk_bytes = kMaxLogChunkBytes;
};

struct LogShipperStats {
  std::uint64_t chunks_sent = 0;      // accepted by the portal (201 or 200)
  std::uint64_t lines_sent = 0;       // lines in those chunks
  std::uint64_t chunks_refused = 0;   // refused for good (400/404), kept in dead-letter/
  std::uint64_t sources_shipped = 0;  // rotated files completely shipped
  std::uint64_t failed_attempts = 0;  // requests to retry (no answer, 5xx, 401, ...)
};

// The rotated files ready to ship, oldest first (AccessLog::settled_rotated_files in the edge).
using LogSourceList = std::function<std::vector<RotatedLogFile>()>;

class LogShipper {
 public:
  LogShipper(LogShipperOptions options, PortalAddress portal, LogSourceList sources);
  ~LogShipper();
  LogShipper(const LogShipper&) = delete;
  LogShipper& operator=(const LogShipper&) = delete;

  // Creates the folders under <state_dir>/logs/ and removes split folders a crash left
  // half-written. start() calls it; tests may call it to drive ship_pending() themselves.
  Result<std::monostate> prepare();
  void start();
  // Cancels the request in progress and joins the thread; chunks not yet accepted stay in the
  // outbox for the next run.
  void stop();

  // Ships what is in the outbox, then every ready source, oldest first. Returns true when all
  // is shipped, false when it stopped at a failure worth retrying (the thread waits, then calls
  // it again). Exposed for tests; the thread calls it.
  bool ship_pending();

  LogShipperStats stats() const;
  std::filesystem::path outbox() const { return logs_dir_ / "outbox"; }
  std::filesystem::path dead_letter() const { return logs_dir_ / "dead-letter"; }
  std::filesystem::path shipped_dir() const;

 private:
  void run();
  // Sends every chunk left in outbox/<stamp>/; true when none is left and the source is done.
  bool send_folder(const std::string& stamp);
  // Each returns false when a file could not be moved (tried again after a pause).
  bool finish_source(const std::string& stamp);
  bool refuse(const std::string& stamp, const LogChunk& chunk, const std::string& why);
  bool refuse_source(const RotatedLogFile& source, const std::string& why);
  void prune_shipped();
  // Logs a problem once until it changes or clears, so a down portal does not flood the log.
  void report(const std::string& problem);
  void pause();

  LogShipperOptions options_;
  std::filesystem::path logs_dir_;
  LogSourceList sources_;
  std::unique_ptr<PortalConnection> connection_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex sleep_mutex_;
  std::condition_variable sleep_wake_;
  std::chrono::milliseconds backoff_;
  std::string last_problem_;
  mutable std::mutex stats_mutex_;
  LogShipperStats stats_;
};

}  // namespace candela::edge
