// probe_edge: two fetches joined by a shared countdown.
#include "monitor/edge_prober.hpp"

#include <memory>

namespace candela::monitor {

ProbeResult classify_healthz(int status, const std::string& body) {
  if (status == 200) return ProbeResult::kOk;
  if (status == 503 && body.find("draining") != std::string::npos) return ProbeResult::kDraining;
  return ProbeResult::kFailed;
}

namespace {

struct Join {
  ProbeOutcome outcome;
  int pending = 2;
  std::function<void(ProbeOutcome)> done;

  void finish_one() {
    if (--pending > 0) return;
    outcome.finished_at = std::chrono::steady_clock::now();
    done(std::move(outcome));
  }
};

std::string first_line(const std::string& text, std::size_t limit) {
  std::string line = text.substr(0, std::min(text.find_first_of("\r\n"), limit));
  return line;
}

}  // namespace

void probe_edge(boost::asio::io_context& io, const HostPort& admin,
                std::chrono::milliseconds timeout, std::function<void(ProbeOutcome)> done) {
  auto join = std::make_shared<Join>();
  join->done = std::move(done);

  FetchRequest health;
  health.peer = admin;
  health.target = "/healthz";
  health.timeout = timeout;
  health.max_body_bytes = 4096;
  async_fetch(io, health, [join](Result<FetchReply> reply) {
    if (!reply) {
      join->outcome.health = ProbeResult::kFailed;
      join->outcome.detail = "/healthz: " + reply.error();
    } else {
      join->outcome.health = classify_healthz(reply->status, reply->body);
      const std::string said = first_line(reply->body, 200);
      join->outcome.detail = join->outcome.health == ProbeResult::kFailed
                                 ? "/healthz answered " + std::to_string(reply->status) +
                                       (said.empty() ? "" : ": " + said)
                                 : (said.empty() ? std::string("ok") : said);
    }
    join->finish_one();
  });

  FetchRequest metrics = health;
  metrics.target = "/metrics";
  metrics.max_body_bytes = 32u << 20;
  async_fetch(io, std::move(metrics), [join](Result<FetchReply> reply) {
    if (reply && reply->status == 200) join->outcome.metrics = std::move(reply->body);
    join->finish_one();
  });
}

}  // namespace candela::monitor
