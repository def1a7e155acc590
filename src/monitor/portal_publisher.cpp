// PortalPublisher: a queue drained by one request in flight at a time; failures back off.
#include "monitor/portal_publisher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "monitor/token_file.hpp"

namespace candela::monitor {

namespace asio = boost::asio;

namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(500);
constexpr auto kMaxBackoff = std::chrono::milliseconds(30000);

enum class Outcome { kDone, kRefused, kRetry };

Outcome classify(int status) {
  if (status >= 200 && status < 300) return Outcome::kDone;
  if (status == 401 || status == 403 || status == 408 || status == 429 || status >= 500) {
    return Outcome::kRetry;  // a credential to fix or a portal to wait for
  }
  return Outcome::kRefused;
}

}  // namespace

struct PortalPublisher::State : std::enable_shared_from_this<PortalPublisher::State> {
  State(asio::io_context& io_context, HostPort p, std::string t, std::chrono::milliseconds to,
        std::size_t max)
      : io(io_context),
        portal(std::move(p)),
        token_file(std::move(t)),
        timeout(to),
        max_alarms(max),
        retry_timer(io_context) {}

  void pump() {
    if (busy || backing_off || stopped) return;
    FetchRequest request;
    request.peer = portal;
    request.timeout = timeout;
    bool is_alarm = false;
    std::optional<nlohmann::json> sent_report;
    if (!alarms.empty()) {
      is_alarm = true;
      request.method = "POST";
      request.target = "/api/v1/noc/alarms";
      request.body = alarm_json(alarms.front()).dump();
    } else if (report) {
      request.method = "PUT";
      request.target = "/api/v1/network/health";
      sent_report = std::move(report);
      report.reset();
      request.body = sent_report->dump();
    } else {
      return;
    }
    auto token = read_token_file(token_file);
    if (!token) {
      spdlog::error("monitor: {}; nothing can be sent to the portal", token.error());
      return back_off(std::move(sent_report));
    }
    request.headers.emplace_back("Authorization", "Bearer " + token.value());
    busy = true;
    const std::string what = request.method + " " + request.target;
    async_fetch(io, std::move(request),
                [self = shared_from_this(), is_alarm, what,
                 sent_report = std::move(sent_report)](Result<FetchReply> reply) mutable {
                  self->busy = false;
                  if (self->stopped) return;
                  if (!reply) {
                    spdlog::warn("monitor: {} to the portal: {}", what, reply.error());
                    return self->back_off(std::move(sent_report));
                  }
                  switch (classify(reply->status)) {
                    case Outcome::kDone:
                      self->backoff = kFirstBackoff;
                      if (is_alarm) {
                        self->alarms.pop_front();
                        ++self->stats.alarms_sent;
                      } else {
                        ++self->stats.reports_sent;
                      }
                      break;
                    case Outcome::kRefused:
                      spdlog::error("monitor: the portal refused {} ({}): {}", what, reply->status,
                                    reply->body.substr(0, 1000));
                      if (is_alarm) {
                        self->alarms.pop_front();
                        ++self->stats.alarms_refused;
                      }
                      break;
                    case Outcome::kRetry:
                      spdlog::warn("monitor: {} answered {}: {}", what, reply->status,
                                   reply->body.substr(0, 300));
                      return self->back_off(std::move(sent_report));
                  }
                  self->pump();
                });
  }

  // Waits before the next attempt; a report that failed goes back unless a newer one came.
  void back_off(std::optional<nlohmann::json> unsent_report) {
    ++stats.failures;
    if (unsent_report && !report) report = std::move(unsent_report);
    backing_off = true;
    retry_timer.expires_after(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
    retry_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped) return;
      self->backing_off = false;
      self->pump();
    });
  }

  asio::io_context& io;
  HostPort portal;
  std::string token_file;
  std::chrono::milliseconds timeout;
  std::size_t max_alarms;
  asio::steady_timer retry_timer;
  std::deque<Alarm> alarms;
  std::optional<nlohmann::json> report;
  bool busy = false;
  bool backing_off = false;
  bool stopped = false;
  std::chrono::milliseconds backoff = kFirstBackoff;
  PublisherStats stats;
};

PortalPublisher::PortalPublisher(asio::io_context& io, HostPort portal, std::string token_file,
                                 std::chrono::milliseconds timeout, std::size_t max_alarms)
    : state_(std::make_shared<State>(io, std::move(portal), std::move(token_file), timeout,
                                     std::max<std::size_t>(1, max_alarms))) {}

PortalPublisher::~PortalPublisher() {
  state_->stopped = true;
  state_->retry_timer.cancel();
}

void PortalPublisher::raise(Alarm alarm) {
  auto& s = *state_;
  if (s.alarms.size() >= s.max_alarms) {
    if (s.busy && s.alarms.size() == 1) {
      spdlog::error("monitor: alarm queue full ({}); dropping {} {}", s.max_alarms, alarm.key(),
                    alarm.state);
      ++s.stats.alarms_dropped;
      return;
    }
    // The one in flight (front) is kept: its answer pops it.
    const auto victim = s.busy && s.alarms.size() > 1 ? s.alarms.begin() + 1 : s.alarms.begin();
    spdlog::error("monitor: alarm queue full ({}); dropping {} {}", s.max_alarms, victim->key(),
                  victim->state);
    s.alarms.erase(victim);
    ++s.stats.alarms_dropped;
  }
  s.alarms.push_back(std::move(alarm));
  s.pump();
}

void PortalPublisher::report_health(nlohmann::json report) {
  state_->report = std::move(report);
  state_->pump();
}

PublisherStats PortalPublisher::stats() const {
  PublisherStats out = state_->stats;
  out.queued = state_->alarms.size();
  return out;
}

}  // namespace candela::monitor
