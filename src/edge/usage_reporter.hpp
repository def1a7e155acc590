// The usage reporter: on its own thread, every interval it drains the usage meter into running
// totals, spools the changed rows as the next numbered batch, and posts spooled batches in order
// to the portal (POST /api/v1/edges/{edge_id}/usage), backing off while the portal is away.
// docs/edge.md "Usage reporting" describes what is counted, when it is final and restarts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "edge/portal_connection.hpp"
#include "edge/portal_replies.hpp"
#include "edge/usage_ledger.hpp"
#include "edge/usage_meter.hpp"
#include "edge/usage_spool.hpp"

namespace candela::edge {

struct UsageReporterOptions {
  std::string portal_url;       // http://host:port
  std::string edge_id;          // as created in the portal
  std::string node_token_file;  // holds the node token
  std::string state_dir;        // the spool is <state_dir>/usage
  std::chrono::milliseconds interval{10000};
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds max_backoff{2000};
  // On graceful stop, how long the last post of the final batch may take.
  std::chrono::milliseconds final_post_timeout{2000};
};

// A minute is final once it ended this long ago: requests completing right at its end are in.
inline constexpr std::chrono::seconds kUsageGrace{2};

class UsageReporter {
 public:
  UsageReporter(UsageReporterOptions options, UsageMeter& meter,
                const Clock& clock = SystemClock::instance());
  ~UsageReporter();
  UsageReporter(const UsageReporter&) = delete;
  UsageReporter& operator=(const UsageReporter&) = delete;

  // Opens the spool and seeds the totals from the open-minutes file of the previous run.
  Result<std::monostate> restore();
  void start();
  // Ends the thread, then spools everything counted (open minutes included), writes the
  // open-minutes file, and tries once, briefly, to post what is spooled.
  void stop();

  // One interval's work without the thread (the thread calls these; tests call them directly).
  // snapshot(): meter → totals → a spooled batch (+ open-minutes file). Returns the batch
  // number, or 0 when nothing needed sending.
  Result<long long> snapshot();
  // Posts spooled batches oldest first until one fails; true when the spool is empty.
  bool post_pending();

  const UsageSpool& spool() const { return spool_; }
  const UsageLedger& ledger() const { return ledger_; }

 private:
  enum class Delivery { kPosted, kRejected, kRetry };

  void run();
  Delivery post_one(long long batch, PortalConnection& connection,
                    std::chrono::milliseconds timeout);
  void save_open_minutes();
  // Logs a problem once until it changes or clears, so a down portal does not flood the log.
  void report(const std::string& problem);

  UsageReporterOptions options_;
  UsageMeter& meter_;
  const Clock& clock_;
  UsageSpool spool_;
  UsageLedger ledger_;
  std::unique_ptr<PortalConnection> connection_;
  std::mutex work_mu_;  // one snapshot or posting pass at a time (thread vs. stop and tests)
  std::int64_t complete_until_ = 0;  // whole minutes since the epoch; only grows
  std::uint64_t reported_late_ = 0;
  std::string last_problem_;

  std::thread thread_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  std::mutex sleep_mu_;
  std::condition_variable sleep_wake_;
  std::chrono::milliseconds backoff_{100};
};

}  // namespace candela::edge
