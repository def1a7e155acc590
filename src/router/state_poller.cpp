// The poll loop over the monitors and the publication of routing tables.
#include "router/state_poller.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace candela::router {

StatePoller::StatePoller(std::vector<MonitorUrl> monitors, std::chrono::milliseconds interval,
                         std::shared_ptr<const CoverageZone> zone, RoutingState& state,
                         RouterMetrics& metrics)
    : monitors_(std::move(monitors)),
      interval_(interval),
      state_(state),
      metrics_(metrics),
      zone_(std::move(zone)) {}

StatePoller::~StatePoller() {
  stop();
}

void StatePoller::start() {
  thread_ = std::thread([this] { run(); });
}

void StatePoller::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StatePoller::replace_zone(std::shared_ptr<const CoverageZone> zone) {
  {
    std::lock_guard lock(zone_mu_);
    zone_ = std::move(zone);
    zone_changed_ = true;
  }
  {
    std::lock_guard lock(mu_);
    poll_now_ = true;
  }
  wake_.notify_all();
}

bool StatePoller::poll_once() {
  // A monitor that takes longer than the interval is as good as down for routing.
  const auto timeout =
      std::clamp(interval_, std::chrono::milliseconds(200), std::chrono::milliseconds(2000));
  for (std::size_t i = 0; i < monitors_.size(); ++i) {
    auto body = fetch_state(monitors_[i], timeout);
    if (!body) {
      spdlog::debug("router: monitor {}: {}", monitors_[i].text, body.error());
      continue;
    }
    auto parsed = parse_monitor_state(*body);
    if (!parsed) {
      spdlog::warn("router: monitor {} sent an unusable /state: {}", monitors_[i].text,
                   parsed.error());
      continue;
    }
    metrics_.polls_ok.inc();
    if (reported_outage_ || i != last_source_) {
      spdlog::info("router: routing from monitor {} ({}), sequence {}", monitors_[i].text,
                   parsed->monitor_id, parsed->sequence);
    }
    reported_outage_ = false;
    last_source_ = i;
    std::shared_ptr<const CoverageZone> zone;
    bool zone_changed = false;
    {
      std::lock_guard lock(zone_mu_);
      zone = zone_;
      zone_changed = zone_changed_;
      zone_changed_ = false;
    }
    if (zone_changed || !last_ || !last_->same_routing(*parsed)) {
      state_.publish(std::make_shared<const RoutingTable>(zone, *parsed, next_version_++));
      metrics_.state_updates.inc();
      last_ = std::move(parsed.value());
    }
    sequence_ = last_->sequence;
    last_success_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now().time_since_epoch())
                           .count();
    return true;
  }
  metrics_.polls_failed.inc();
  if (!reported_outage_) {
    spdlog::warn("router: no monitor answered GET /state; keeping the last good state{}",
                 last_ ? "" : " (none yet: answering 503 / SERVFAIL)");
    reported_outage_ = true;
  }
  return false;
}

void StatePoller::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    poll_once();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_ || poll_now_; });
    poll_now_ = false;
  }
}

}  // namespace candela::router
