// UsageReporter: snapshot → spool → post in order, with capped backoff while the portal is away.
#include "edge/usage_reporter.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace candela::edge {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

constexpr milliseconds kFirstBackoff{100};
// Keeps a batch well under the portal's 1 MiB body limit (a row is about 450 bytes).
constexpr std::size_t kMaxRowsPerBatch = 1000;

// A batch the portal will never take as it is: malformed, or too large.
bool refused_for_good(int status) {
  return status == 400 || status == 413 || status == 422;
}

}  // namespace

UsageReporter::UsageReporter(UsageReporterOptions options, UsageMeter& meter, const Clock& clock)
    : options_(std::move(options)),
      meter_(meter),
      clock_(clock),
      spool_(fs::path(options_.state_dir) / "usage") {}

UsageReporter::~UsageReporter() {
  stop();
}

Result<std::monostate> UsageReporter::restore() {
  auto address = parse_portal_address(options_.portal_url);
  if (!address.ok()) return Error{address.failure()};
  if (options_.interval < milliseconds(100)) {
    return Error{"--usage-interval-ms must be at least 100"};
  }
  auto opened = spool_.open();
  if (!opened.ok()) return opened;
  const fs::path open_minutes = spool_.open_minutes_path();
  std::error_code ec;
  if (fs::exists(open_minutes, ec)) {
    std::ifstream in(open_minutes, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto document = nlohmann::json::parse(text.str(), nullptr, false);
    auto loaded = document.is_discarded() ? Result<std::size_t>(Error{"not valid JSON"})
                                          : ledger_.load_open_minutes(document);
    if (loaded.ok()) {
      spdlog::info("usage: {} open minute row(s) of the previous run restored", *loaded);
    } else {
      // The counts in it are lost either way; the edge serves on and keeps the file to look at.
      const fs::path aside = open_minutes.string() + ".bad";
      fs::rename(open_minutes, aside, ec);
      spdlog::error("usage: {} cannot be used ({}); moved to {}", open_minutes.string(),
                    loaded.error(), aside.string());
    }
  }
  connection_ = std::make_unique<PortalConnection>(std::move(address).value());
  const auto waiting = spool_.pending().size();
  if (waiting > 0) spdlog::info("usage: {} spooled batch(es) to post first", waiting);
  return std::monostate{};
}

void UsageReporter::start() {
  if (!connection_ || thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void UsageReporter::stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  if (connection_) connection_->cancel();
  { std::lock_guard lock(sleep_mu_); }
  sleep_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!connection_) return;  // never restored: nothing was counted for the portal
  auto last = snapshot();
  if (!last.ok()) spdlog::error("usage: the final batch could not be spooled: {}", last.error());
  // One short attempt, so the portal has the final counts without waiting for the next start.
  PortalConnection final_connection(connection_->address());
  std::lock_guard lock(work_mu_);
  for (const long long batch : spool_.pending()) {
    if (post_one(batch, final_connection, options_.final_post_timeout) == Delivery::kRetry) break;
  }
  if (const auto left = spool_.pending().size(); left > 0) {
    spdlog::info("usage: {} batch(es) stay in {} for the next start", left,
                 spool_.folder().string());
  }
}

void UsageReporter::report(const std::string& problem) {
  if (problem == last_problem_) return;
  last_problem_ = problem;
  if (!problem.empty()) spdlog::warn("usage: {}", problem);
}

Result<long long> UsageReporter::snapshot() {
  std::lock_guard lock(work_mu_);
  const std::int64_t final_before = minute_of(clock_.now() - kUsageGrace);
  ledger_.add(meter_.drain());
  if (ledger_.late_dropped() != reported_late_) {
    spdlog::warn("usage: {} request(s) counted after their minute was final were not reported",
                 ledger_.late_dropped() - reported_late_);
    reported_late_ = ledger_.late_dropped();
  }
  const auto rows = ledger_.changed_rows();
  const std::int64_t complete_until = std::max(complete_until_, final_before);
  if (rows.empty() && complete_until == complete_until_) {
    // Nothing changed and no minute became final (that would move complete_until).
    return 0LL;
  }
  long long batch = 0;
  for (std::size_t first = 0; first == 0 || first < rows.size(); first += kMaxRowsPerBatch) {
    const auto end =
        rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), first + kMaxRowsPerBatch));
    const std::vector<UsageRow> part(rows.begin() + static_cast<std::ptrdiff_t>(first), end);
    const bool last_part = end == rows.end();
    auto reserved = spool_.reserve();
    if (!reserved.ok()) return Error{reserved.error()};
    batch = *reserved;
    // Only the last part completes the minutes: earlier parts do not hold all their rows.
    const std::string body =
        usage_batch_json(batch, last_part ? complete_until : complete_until_, part).dump();
    auto stored = spool_.store(batch, body);
    if (!stored.ok()) return Error{stored.error()};
    if (last_part) break;
  }
  complete_until_ = complete_until;
  ledger_.commit(final_before);
  save_open_minutes();
  return batch;
}

void UsageReporter::save_open_minutes() {
  auto saved = write_file_durably(spool_.open_minutes_path(), ledger_.open_minutes().dump() + "\n");
  if (!saved.ok()) spdlog::error("usage: cannot keep the open minutes: {}", saved.error());
}

bool UsageReporter::post_pending() {
  std::lock_guard lock(work_mu_);
  for (const long long batch : spool_.pending()) {
    if (stopping_) return false;
    if (post_one(batch, *connection_, options_.request_timeout) == Delivery::kRetry) return false;
  }
  report("");
  return true;
}

UsageReporter::Delivery UsageReporter::post_one(long long batch, PortalConnection& connection,
                                                milliseconds timeout) {
  auto token = read_node_token(options_.node_token_file);
  if (!token.ok()) {
    report(token.error());
    return Delivery::kRetry;
  }
  auto body = spool_.read(batch);
  if (!body.ok()) {
    report(body.error());
    return Delivery::kRetry;
  }
  auto reply = connection.request("POST", "/api/v1/edges/" + options_.edge_id + "/usage", *token,
                                  *body, timeout);
  if (!reply.ok()) {
    if (!stopping_) report("portal " + connection.address().url + " unreachable: " + reply.error());
    return Delivery::kRetry;
  }
  if (reply->status >= 200 && reply->status < 300) {
    auto removed = spool_.remove(batch);
    if (!removed.ok()) {
      // Posting it again is harmless (same revision: ignored), but do not spin on it.
      report(removed.error());
      return Delivery::kRetry;
    }
    spdlog::debug("usage: batch {} posted: {}", batch, reply->body);
    return Delivery::kPosted;
  }
  if (refused_for_good(reply->status)) {
    auto moved = spool_.reject(batch);
    if (!moved.ok()) {
      report(moved.error());
      return Delivery::kRetry;
    }
    spdlog::error("usage: the portal refused batch {} ({}); it is kept in {}", batch,
                  describe_reply(*reply), spool_.rejected_folder().string());
    return Delivery::kRejected;
  }
  report("batch " + std::to_string(batch) + " not accepted, will retry: " + describe_reply(*reply));
  return Delivery::kRetry;
}

void UsageReporter::run() {
  spdlog::info("usage: edge {} reports to {} every {} ms", options_.edge_id,
               connection_->address().url, options_.interval.count());
  auto next_snapshot = steady_clock::now() + options_.interval;
  while (!stopping_) {
    auto now = steady_clock::now();
    if (now >= next_snapshot) {
      auto spooled = snapshot();
      if (!spooled.ok()) report("cannot spool usage: " + spooled.error());
      next_snapshot += options_.interval;
      if (next_snapshot <= now) next_snapshot = now + options_.interval;
    }
    const bool delivered = post_pending();
    if (stopping_) break;
    now = steady_clock::now();
    auto wake = next_snapshot;
    if (delivered) {
      backoff_ = kFirstBackoff;
    } else {
      wake = std::min(wake, now + backoff_);
      backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    }
    std::unique_lock lock(sleep_mu_);
    sleep_wake_.wait_until(lock, wake, [this] { return stopping_.load(); });
  }
}

}  // namespace candela::edge
