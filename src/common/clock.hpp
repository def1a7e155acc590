// Injected time source: production reads the system clock, tests move a manual one.
#pragma once

#include <atomic>
#include <chrono>

namespace candela {

using SysTime = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SysTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SysTime now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& instance();
};

// A clock that only moves when told to; for tests of expiry, escalation and proration.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(SysTime start) : now_(start.time_since_epoch().count()) {}
  SysTime now() const override { return SysTime(SysTime::duration(now_.load())); }
  void advance(std::chrono::nanoseconds by) {
    now_ += std::chrono::duration_cast<SysTime::duration>(by).count();
  }
  void set(SysTime t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<SysTime::duration::rep> now_;
};

}  // namespace candela
