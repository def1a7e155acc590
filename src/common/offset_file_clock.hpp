// A clock for drills and end-to-end tests of time rules (escalations, maintenance notices): the
// system clock plus a number of seconds read from a file, so a test can move a running portal's
// time forward by rewriting the file (`candela portal --clock-offset-file`).
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>

#include "common/clock.hpp"

namespace candela {

class OffsetFileClock final : public Clock {
 public:
  // How often the file is looked at; a rewrite takes effect within this long.
  static constexpr std::chrono::milliseconds kRecheckInterval{100};

  explicit OffsetFileClock(std::filesystem::path file);
  SysTime now() const override;
  // The offset in effect (after re-reading the file if it is due).
  std::chrono::seconds offset() const;

 private:
  void refresh_if_due() const;

  std::filesystem::path file_;
  mutable std::mutex refresh_mutex_;
  mutable std::atomic<long long> offset_seconds_{0};
  mutable std::atomic<long long> next_check_ns_{0};  // steady clock
};

// Parses the file's text: an optionally signed integer of seconds, surrounding whitespace
// allowed; nullopt for anything else.
std::optional<long long> parse_clock_offset(std::string_view text);

}  // namespace candela
