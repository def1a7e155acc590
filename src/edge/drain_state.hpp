// Whether this edge asks to be taken out of rotation: by an operator (POST /drain on the admin
// listener, for maintenance) or because it is shutting down (SIGTERM). Only /healthz and the
// candela_edge_draining gauge read it: requests that still reach a draining edge are served as
// usual, so clients the router sent here before the drain finish undisturbed.
#pragma once

#include <atomic>

namespace candela::edge {

class DrainState {
 public:
  // POST /drain (true) and DELETE /drain (false). Returns the previous value.
  bool set_manual(bool on) noexcept { return manual_.exchange(on, std::memory_order_relaxed); }
  // SIGTERM: a shutdown is never undone. Returns whether it had already begun.
  bool begin_shutdown() noexcept {
    return shutting_down_.exchange(true, std::memory_order_relaxed);
  }

  bool manual() const noexcept { return manual_.load(std::memory_order_relaxed); }
  bool shutting_down() const noexcept { return shutting_down_.load(std::memory_order_relaxed); }
  bool draining() const noexcept { return manual() || shutting_down(); }

 private:
  std::atomic<bool> manual_{false};
  std::atomic<bool> shutting_down_{false};
};

}  // namespace candela::edge
