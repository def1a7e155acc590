// The topology poller: fetch, select shields, swap the parent set, keep the last on failure.
#include "edge/topology_poller.hpp"

#include <spdlog/spdlog.h>

#include "edge/portal_replies.hpp"
#include "edge/topology_parents.hpp"

namespace candela::edge {

namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += (out.empty() ? "" : "; ") + l;
  return out;
}

}  // namespace

TopologyPoller::TopologyPoller(TopologyPollerOptions options, ParentDirectory& directory,
                               std::vector<ParentConfig> file_parents, ParentPolicy policy)
    : options_(std::move(options)),
      directory_(directory),
      file_parents_(std::move(file_parents)),
      policy_(policy) {}

TopologyPoller::~TopologyPoller() {
  stop();
}

Result<std::monostate> TopologyPoller::prepare() {
  auto address = parse_portal_address(options_.portal_url);
  if (!address.ok()) return Error{address.failure()};
  connection_ = std::make_unique<PortalConnection>(std::move(address).value());
  std::lock_guard lock(mutex_);
  drop_self(file_parents_);
  directory_.replace(file_parents_, policy_);
  return std::monostate{};
}

void TopologyPoller::start() {
  if (!connection_ || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void TopologyPoller::stop() {
  stopping_ = true;
  if (connection_) connection_->cancel();
  { std::lock_guard lock(mutex_); }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TopologyPoller::run() {
  while (!stopping_) {
    poll_once();
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.interval, [this] { return stopping_.load(); });
  }
}

bool TopologyPoller::poll_once() {
  auto token = read_node_token(options_.node_token_file);
  if (!token.ok()) {
    report("topology not fetched, parents unchanged: " + token.error());
    return false;
  }
  auto reply = connection_->request("GET", "/api/v1/network/topology?network=" + options_.network,
                                    *token, "", options_.request_timeout);
  if (!reply.ok()) {
    if (!stopping_) {
      report("portal " + connection_->address().url +
             " unreachable, keeping the last parents: " + reply.error());
    }
    return false;
  }
  if (reply->status != 200) {
    report("topology refused, keeping the last parents: " + describe_reply(*reply));
    return false;
  }
  auto document = nlohmann::json::parse(reply->body, nullptr, false);
  auto selected = parents_from_topology(document, options_.edge_id);
  if (!selected.ok()) {
    report("topology unusable, keeping the last parents: " + selected.error());
    return false;
  }
  report("");
  const std::string skipped = joined(selected->skipped);
  std::lock_guard lock(mutex_);
  if (skipped != last_skipped_) {
    if (!skipped.empty()) spdlog::info("shield tier: shields not used: {}", skipped);
    last_skipped_ = skipped;
  }
  from_topology_ = selected->from_topology;
  if (selected->from_topology) {
    topology_parents_ = selected->parents;
    apply(topology_parents_,
          selected->self_is_shield ? "topology (this edge is a shield)" : "topology");
  } else {
    apply(file_parents_, "configuration file (the topology lists no shield)");
  }
  return true;
}

void TopologyPoller::set_file_parents(std::vector<ParentConfig> parents, ParentPolicy policy) {
  std::lock_guard lock(mutex_);
  file_parents_ = std::move(parents);
  drop_self(file_parents_);
  policy_ = policy;
  if (from_topology_) {
    apply(topology_parents_, "topology");
  } else {
    apply(file_parents_, "configuration file");
  }
}

// With --portal the edge id comes from the command line, so the file may list this edge.
void TopologyPoller::drop_self(std::vector<ParentConfig>& parents) const {
  std::erase_if(parents, [this](const ParentConfig& p) { return p.id == options_.edge_id; });
}

// Called with mutex_ held.
void TopologyPoller::apply(const std::vector<ParentConfig>& parents, const std::string& source) {
  if (directory_.replace(parents, policy_)) {
    spdlog::info("shield tier: parents from the {}: {}", source, describe_parents(parents));
  }
}

void TopologyPoller::report(const std::string& problem) {
  std::lock_guard lock(mutex_);
  if (problem == last_problem_) return;
  last_problem_ = problem;
  if (!problem.empty()) spdlog::warn("shield tier: {}", problem);
}

}  // namespace candela::edge
