// OffsetFileClock: reads are lock-free; one thread at a time re-reads the file when due.
#include "common/offset_file_clock.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace candela {

std::optional<long long> parse_clock_offset(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  const auto last = text.find_last_not_of(" \t\r\n");
  text = text.substr(first, last - first + 1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

OffsetFileClock::OffsetFileClock(std::filesystem::path file) : file_(std::move(file)) {
  refresh_if_due();
}

SysTime OffsetFileClock::now() const {
  return std::chrono::system_clock::now() + offset();
}

std::chrono::seconds OffsetFileClock::offset() const {
  refresh_if_due();
  return std::chrono::seconds(offset_seconds_.load(std::memory_order_relaxed));
}

void OffsetFileClock::refresh_if_due() const {
  const long long steady_now = std::chrono::steady_clock::now().time_since_epoch().count();
  if (steady_now < next_check_ns_.load(std::memory_order_relaxed)) return;
  std::unique_lock lock(refresh_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another thread is reading it; use the current offset
  next_check_ns_.store(
      steady_now +
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(kRecheckInterval).count(),
      std::memory_order_relaxed);
  std::ifstream in(file_);
  if (!in) {
    offset_seconds_.store(0, std::memory_order_relaxed);  // no file: no offset
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto parsed = parse_clock_offset(text.str());
  if (!parsed) {
    // A half-written file is read again on the next check; keep the last good offset.
    spdlog::warn("clock offset file {} does not hold a number of seconds; offset stays {} s",
                 file_.string(), offset_seconds_.load());
    return;
  }
  offset_seconds_.store(*parsed, std::memory_order_relaxed);
}

}  // namespace candela
