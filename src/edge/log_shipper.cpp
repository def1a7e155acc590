// LogShipper: outbox first, then the oldest ready source; each chunk is deleted only once the
// portal has it, and the portal keys chunks (edge, property, hour, chunk), so a chunk re-sent
// after a crash replaces itself instead of doubling lines.
#include "edge/log_shipper.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "edge/portal_replies.hpp"

namespace candela::edge {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::chrono::milliseconds kFirstBackoff{250};

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string query_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// Outbox folders holding a finished split, oldest stamp first.
std::vector<std::string> outbox_folders(const fs::path& outbox) {
  std::vector<std::string> stamps;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(outbox, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) && !name.ends_with(".tmp")) stamps.push_back(name);
  }
  std::sort(stamps.begin(), stamps.end());
  return stamps;
}

// Moves `from` into `folder`, keeping its name; an Error says why it could not.
Result<std::monostate> move_into(const fs::path& from, const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  fs::rename(from, folder / from.filename(), ec);
  if (ec)
    return Error{"cannot move " + from.string() + " to " + folder.string() + ": " + ec.message()};
  return std::monostate{};
}

}  // namespace

LogShipper::LogShipper(LogShipperOptions options, PortalAddress portal, LogSourceList sources)
    : options_(std::move(options)),
      logs_dir_(options_.state_dir / "logs"),
      sources_(std::move(sources)),
      connection_(std::make_unique<PortalConnection>(std::move(portal))),
      backoff_(kFirstBackoff) {}

LogShipper::~LogShipper() {
  stop();
}

fs::path LogShipper::shipped_dir() const {
  const fs::path dir = options_.log_path.has_parent_path() ? options_.log_path.parent_path() : ".";
  return dir / "shipped";
}

Result<std::monostate> LogShipper::prepare() {
  std::error_code ec;
  for (const fs::path& dir : {outbox(), dead_letter(), shipped_dir()}) {
    fs::create_directories(dir, ec);
    if (ec) return Error{"cannot create " + dir.string() + ": " + ec.message()};
  }
  // A split interrupted by a crash: its source is still in the log folder and is split again.
  for (const auto& entry : fs::directory_iterator(outbox(), ec)) {
    if (entry.path().filename().string().ends_with(".tmp")) fs::remove_all(entry.path(), ec);
  }
  return std::monostate{};
}

void LogShipper::start() {
  if (thread_.joinable()) return;
  if (auto ready = prepare(); !ready.ok()) {
    spdlog::error("log shipping is off: {}", ready.error());
    return;
  }
  thread_ = std::thread([this] { run(); });
}

void LogShipper::stop() {
  stopping_ = true;
  connection_->cancel();
  { std::lock_guard lock(sleep_mutex_); }
  sleep_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

LogShipperStats LogShipper::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

void LogShipper::report(const std::string& problem) {
  if (problem == last_problem_) return;
  if (problem.empty()) {
    spdlog::info("log shipping: delivering again");
  } else {
    spdlog::warn("log shipping: {} (retrying)", problem);
  }
  last_problem_ = problem;
}

void LogShipper::pause() {
  std::unique_lock lock(sleep_mutex_);
  sleep_wake_.wait_for(lock, backoff_, [this] { return stopping_.load(); });
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
}

void LogShipper::run() {
  spdlog::info("log shipping: edge {} ships rotated files of {} to {}", options_.edge_id,
               options_.log_path.string(), connection_->address().url);
  while (!stopping_) {
    if (ship_pending()) {
      backoff_ = kFirstBackoff;
      std::unique_lock lock(sleep_mutex_);
      sleep_wake_.wait_for(lock, options_.interval, [this] { return stopping_.load(); });
    } else {
      pause();
    }
  }
}

bool LogShipper::ship_pending() {
  while (!stopping_) {
    if (const auto folders = outbox_folders(outbox()); !folders.empty()) {
      if (!send_folder(folders.front())) return false;
      continue;
    }
    const std::vector<RotatedLogFile> sources = sources_();
    if (sources.empty()) return true;
    const RotatedLogFile& source = sources.front();
    LogSplitOptions split_options;
    split_options.max_chunk_bytes = options_.max_chunk_bytes;
    auto split = split_log_file(source.files.front(), source.stamp, outbox(), split_options);
    if (!split.ok()) {
      if (split.error_kind() == ErrorKind::kInvalid) {
        if (!refuse_source(source, split.error())) return false;
        continue;
      }
      report(split.error());
      return false;
    }
    if (split->lines_invalid > 0) {
      spdlog::warn("log shipping: {} line(s) of {} are not access-log lines and are not shipped",
                   split->lines_invalid, source.files.front().string());
    }
  }
  return false;
}

bool LogShipper::send_folder(const std::string& stamp) {
  const fs::path folder = outbox() / stamp;
  auto manifest = read_log_manifest(folder);
  if (!manifest.ok()) {
    // Written before the folder got its name, so only outside damage gets here.
    spdlog::error("log shipping: {}; moving the folder to {}", manifest.error(),
                  dead_letter().string());
    std::error_code ec;
    fs::remove_all(dead_letter() / stamp, ec);
    if (auto moved = move_into(folder, dead_letter()); !moved.ok()) {
      report(moved.error());
      return false;
    }
    return true;
  }
  for (const LogChunk& chunk : manifest->chunks) {
    if (stopping_) return false;
    const fs::path file = folder / chunk.file;
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;  // sent (or refused) before
    const auto body = read_file(file);
    if (!body) {
      report("cannot read " + file.string());
      return false;
    }
    auto token = read_node_token(options_.node_token_file);
    if (!token.ok()) {
      report(token.error());
      return false;
    }
    const std::string target =
        "/api/v1/edges/" + query_escape(options_.edge_id) + "/log-chunks/" +
        query_escape(chunk.chunk) + "?property=" + query_escape(chunk.property) +
        "&hour=" + query_escape(chunk.hour) + "&lines=" + std::to_string(chunk.lines);
    auto reply = connection_->request("PUT", target, *token, *body, options_.request_timeout,
                                      "application/gzip");
    const int status = reply.ok() ? reply->status : 0;
    const bool accepted = status == 200 || status == 201;
    // Refused for good: the chunk itself is wrong or its SCID unknown. Anything else (no answer,
    // 5xx, 401/403 while a token or the edge's state is being fixed, ...) is worth retrying.
    const bool refused = status == 400 || status == 404 || status == 413;
    if (!accepted && !refused) {
      if (stopping_) return false;
      {
        std::lock_guard lock(stats_mutex_);
        ++stats_.failed_attempts;
      }
      report(reply.ok()
                 ? "the portal answered " + describe_reply(*reply)
                 : "portal " + connection_->address().url + " unreachable: " + reply.error());
      return false;
    }
    report("");
    if (accepted) {
      fs::remove(file, ec);
      std::lock_guard lock(stats_mutex_);
      ++stats_.chunks_sent;
      stats_.lines_sent += chunk.lines;
    } else {
      if (!refuse(stamp, chunk, describe_reply(*reply))) return false;
    }
  }
  return finish_source(stamp);
}

bool LogShipper::refuse(const std::string& stamp, const LogChunk& chunk, const std::string& why) {
  spdlog::error("log shipping: the portal refused chunk {} ({} lines of {} in {}): {}; kept in {}",
                chunk.chunk, chunk.lines, chunk.property, chunk.hour, why,
                (dead_letter() / stamp).string());
  const fs::path folder = dead_letter() / stamp;
  if (auto moved = move_into(outbox() / stamp / chunk.file, folder); !moved.ok()) {
    report(moved.error());
    return false;
  }
  const json note = {{"file", chunk.file},   {"property", chunk.property}, {"hour", chunk.hour},
                     {"chunk", chunk.chunk}, {"lines", chunk.lines},       {"bytes", chunk.bytes},
                     {"refused", why}};
  std::ofstream(folder / (chunk.file + ".json")) << note.dump(2) << '\n';
  std::lock_guard lock(stats_mutex_);
  ++stats_.chunks_refused;
  return true;
}

bool LogShipper::refuse_source(const RotatedLogFile& source, const std::string& why) {
  spdlog::error("log shipping: {}; moving it to {}", why, dead_letter().string());
  for (const auto& file : source.files) {
    if (auto moved = move_into(file, dead_letter()); !moved.ok()) {
      report(moved.error());
      return false;
    }
  }
  return true;
}

bool LogShipper::finish_source(const std::string& stamp) {
  // Every chunk is in the portal (or dead-letter/): the source file is done. Until it has left
  // the log folder the outbox folder stays, or the file would be split and sent again.
  for (const auto& source : list_rotated_logs(options_.log_path)) {
    if (source.stamp != stamp) continue;
    for (const auto& file : source.files) {
      if (auto moved = move_into(file, shipped_dir()); !moved.ok()) {
        report(moved.error());
        return false;
      }
    }
  }
  std::error_code ec;
  fs::remove_all(outbox() / stamp, ec);
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.sources_shipped;
  }
  prune_shipped();
  return true;
}

void LogShipper::prune_shipped() {
  if (options_.keep_shipped == 0) return;
  auto shipped = list_rotated_logs(options_.log_path, shipped_dir());
  if (shipped.size() <= options_.keep_shipped) return;
  for (std::size_t i = 0; i + options_.keep_shipped < shipped.size(); ++i) {
    for (const auto& file : shipped[i].files) {
      std::error_code ec;
      fs::remove(file, ec);
    }
  }
}

}  // namespace candela::edge
