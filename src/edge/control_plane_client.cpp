// ControlPlaneClient: register → poll → apply in order → acknowledge, with capped backoff while
// the portal is unreachable; the edge keeps serving what it has throughout.
#include "edge/control_plane_client.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace candela::edge {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
// The portal keeps at most this much of an acknowledgement's detail.
constexpr std::size_t kMaxDetail = 4000;

std::string clipped(std::string text) {
  if (text.size() > kMaxDetail) {
    text.resize(kMaxDetail - 3);
    text += "...";
  }
  return text;
}

}  // namespace

ControlPlaneClient::ControlPlaneClient(ControlPlaneOptions options, PropertyCatalog& catalog,
                                       PurgeFunction purge)
    : options_(std::move(options)), catalog_(catalog), purge_(std::move(purge)) {
  state_path_ = (std::filesystem::path(options_.state_dir) / "last-good.json").string();
}

ControlPlaneClient::~ControlPlaneClient() {
  stop();
}

Result<std::size_t> ControlPlaneClient::restore() {
  auto address = parse_portal_address(options_.portal_url);
  if (!address.ok()) return Error{address.failure()};
  if (options_.network != "production" && options_.network != "staging") {
    return Error{"--network must be production or staging, not " + options_.network};
  }
  if (auto token = read_node_token(options_.node_token_file); !token.ok())
    return Error{token.failure()};
  std::error_code ec;
  std::filesystem::create_directories(options_.state_dir, ec);
  if (ec)
    return Error{"cannot create the state folder " + options_.state_dir + ": " + ec.message()};
  connection_ = std::make_unique<PortalConnection>(std::move(address).value());

  auto loaded = load_last_good(state_path_);
  if (!loaded.ok()) return Error{loaded.failure()};
  if (!loaded->has_value()) return std::size_t{0};
  const LastGoodState& state = **loaded;
  std::size_t restored = 0;
  for (const auto& [scid, service] : state.services) {
    auto deployed = catalog_.deploy(scid, service);
    if (!deployed.ok()) {
      // Written when valid, so only a changed configuration file can make it clash now.
      spdlog::error("last-good state: not restoring {} (deployment {}): {}", scid,
                    service.deployment_id, deployed.error());
      continue;
    }
    ++restored;
  }
  catalog_.restore_service_states(state.service_states);
  state_sequence_ = state.sequence;
  persisted_sequence_ = state.sequence;
  spdlog::info("last-good state: {} service(s) restored at feed sequence {}, {} suspended",
               restored, state.sequence, state.service_states.suspended().size());
  return restored;
}

void ControlPlaneClient::start() {
  if (!connection_ || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void ControlPlaneClient::stop() {
  stopping_ = true;
  if (connection_) connection_->cancel();
  { std::lock_guard lock(sleep_mutex_); }
  sleep_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ControlPlaneClient::pause() {
  std::unique_lock lock(sleep_mutex_);
  sleep_wake_.wait_for(lock, backoff_, [this] { return stopping_.load(); });
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
}

void ControlPlaneClient::report(const std::string& problem) {
  if (problem == last_problem_) return;
  last_problem_ = problem;
  if (!problem.empty()) spdlog::warn("control plane: {}", problem);
}

void ControlPlaneClient::run() {
  spdlog::info("control plane: edge {} following {} (network {}) from sequence {}",
               options_.edge_id, connection_->address().url, options_.network,
               state_sequence_.load());
  while (!stopping_) {
    auto token = read_node_token(options_.node_token_file);
    if (!token.ok()) {
      report(token.error());
      pause();
      continue;
    }
    if (!registered_ && !register_once(*token)) {
      pause();
      continue;
    }
    if (!poll_once(*token)) {
      pause();
      continue;
    }
  }
}

nlohmann::json registration_body(const ControlPlaneOptions& options) {
  nlohmann::json body = {{"address", options.address}, {"network", options.network}};
  if (!options.admin_address.empty()) body["admin_address"] = options.admin_address;
  body["capacity"] = {{"requests_per_second", options.capacity_requests_per_second},
                      {"bytes_per_second", options.capacity_bytes_per_second}};
  return body;
}

bool ControlPlaneClient::register_once(const std::string& token) {
  auto reply =
      connection_->request("PUT", "/api/v1/edges/" + options_.edge_id + "/registration", token,
                           registration_body(options_).dump(), options_.request_timeout);
  if (!reply.ok()) {
    if (!stopping_)
      report("portal " + connection_->address().url + " unreachable: " + reply.error());
    return false;
  }
  if (reply->status != 200) {
    report("registration refused: " + describe_reply(*reply));
    return false;
  }
  registered_ = true;
  backoff_ = kFirstBackoff;
  report("");
  spdlog::info("control plane: registered with {} as {}", connection_->address().url,
               options_.edge_id);
  return true;
}

bool ControlPlaneClient::poll_once(const std::string& token) {
  const long long after = state_sequence_.load();
  const std::string target = "/api/v1/feed?after=" + std::to_string(after) +
                             "&wait=" + std::to_string(options_.poll_wait.count());
  // The portal holds the poll up to `wait`; allow for that plus a normal answer time.
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.poll_wait) +
                       options_.request_timeout;
  auto reply = connection_->request("GET", target, token, "", timeout);
  if (!reply.ok()) {
    if (!stopping_)
      report("portal " + connection_->address().url + " unreachable: " + reply.error());
    // The portal may have restarted: announce ourselves again when it is back.
    registered_ = false;
    return false;
  }
  if (reply->status != 200) {
    report("feed refused: " + describe_reply(*reply));
    registered_ = false;
    return false;
  }
  auto page = nlohmann::json::parse(reply->body, nullptr, false);
  if (!page.is_object() || !page.contains("events") || !page["events"].is_array()) {
    report("the portal's feed answer is not {\"events\": [...]}");
    return false;
  }
  backoff_ = kFirstBackoff;
  report("");
  const long long latest = page.value("latest", 0LL);
  if (latest < after) {
    // The portal's feed is behind what this edge applied: its store was replaced. Follow the
    // new feed from its start; deployments there replace what is served per SCID.
    spdlog::warn(
        "control plane: the portal's feed ends at {} but this edge applied up to {}; "
        "following the portal's feed from its start",
        latest, after);
    state_sequence_ = 0;
    return true;
  }
  for (const auto& event : page["events"]) {
    if (stopping_) break;
    const long long sequence = event.value("sequence", 0LL);
    if (sequence <= state_sequence_.load()) continue;
    const EventOutcome outcome = apply(event);
    acknowledge(sequence, outcome);
  }
  if (state_sequence_.load() != persisted_sequence_) persist();
  return true;
}

EventOutcome ControlPlaneClient::apply(const nlohmann::json& event) {
  const long long sequence = event.value("sequence", 0LL);
  const std::string kind = event.value("kind", std::string());
  const nlohmann::json payload = event.value("payload", nlohmann::json::object());
  EventOutcome outcome;
  if (kind == "deployment") {
    outcome = apply_deployment(payload);
  } else if (kind == "invalidation") {
    outcome = apply_invalidation(payload);
  } else if (kind == "service_state") {
    outcome = apply_service_state(payload);
  } else {
    outcome = {false, "this edge does not know feed events of kind \"" + kind + "\""};
  }
  state_sequence_ = std::max(state_sequence_.load(), sequence);
  // A deployment or a service state is on disk before the portal hears it was applied, so a
  // restart cannot serve a suspended service again.
  if ((kind == "deployment" || kind == "service_state") && outcome.applied) persist();
  if (outcome.applied) {
    spdlog::info("control plane: event {} ({}) applied: {}", sequence, kind, outcome.detail);
  } else {
    spdlog::error("control plane: event {} ({}) failed: {}", sequence, kind, outcome.detail);
  }
  return outcome;
}

EventOutcome ControlPlaneClient::apply_deployment(const nlohmann::json& payload) {
  const std::string scid = payload.value("scid", std::string());
  const std::string environment = payload.value("environment", std::string());
  if (scid.empty() || !payload.contains("properties")) {
    return {false, "the deployment names no scid or carries no properties"};
  }
  if (environment != options_.network) {
    return {true, "not applied here: the deployment is for the " + environment +
                      " network and this edge serves " + options_.network};
  }
  DeployedService service;
  service.deployment_id = payload.value("deployment_id", 0LL);
  service.version = payload.value("version", 0LL);
  service.properties = payload["properties"];
  auto deployed = catalog_.deploy(scid, service);
  if (!deployed.ok()) {
    return {false, clipped("deployment " + std::to_string(service.deployment_id) + " of " + scid +
                           " version " + std::to_string(service.version) +
                           " refused, the previous configuration stays: " + deployed.error())};
  }
  return {true, scid + " version " + std::to_string(service.version) + " serving; " +
                    std::to_string(*deployed) + " properties in total"};
}

EventOutcome ControlPlaneClient::apply_invalidation(const nlohmann::json& payload) {
  if (!payload.contains("targets") || !payload["targets"].is_array()) {
    return {false, "the invalidation carries no targets"};
  }
  PurgeTarget target;
  target.kind = payload.value("kind", std::string());
  target.mode = payload.value("mode", std::string());
  std::size_t affected = 0;
  std::string failures;
  for (const auto& t : payload["targets"]) {
    target.property_id = t.value("property_id", std::string());
    target.values = t.value("values", std::vector<std::string>());
    auto purged = purge_(target);
    if (!purged.ok()) {
      failures += (failures.empty() ? "" : "; ") + target.property_id + ": " + purged.error();
      continue;
    }
    affected += purged.value();
  }
  if (!failures.empty()) return {false, clipped(failures)};
  return {true, std::to_string(affected) + " object(s) " +
                    (target.mode == "soft" ? "marked stale" : "removed")};
}

EventOutcome ControlPlaneClient::apply_service_state(const nlohmann::json& payload) {
  auto change = parse_service_state_change(payload);
  if (!change.ok())
    return {false, clipped("the service state event is invalid: " + change.error())};
  // Both networks obey: a suspended service is suspended on staging too.
  auto applied = catalog_.apply_service_state(change.value());
  if (!applied.ok()) return {false, clipped(applied.error())};
  std::string detail = applied.value();
  if (!change->reason.empty()) detail += " (" + change->reason + ")";
  return {true, clipped(std::move(detail))};
}

void ControlPlaneClient::acknowledge(long long sequence, const EventOutcome& outcome) {
  const nlohmann::json body = {{"sequence", sequence},
                               {"status", outcome.applied ? "applied" : "failed"},
                               {"detail", clipped(outcome.detail)}};
  while (!stopping_) {
    auto token = read_node_token(options_.node_token_file);
    if (!token.ok()) {
      report(token.error());
      pause();
      continue;
    }
    auto reply = connection_->request("POST", "/api/v1/edges/" + options_.edge_id + "/acks", *token,
                                      body.dump(), options_.request_timeout);
    if (reply.ok() && (reply->status == 200 || reply->status == 201)) {
      backoff_ = kFirstBackoff;
      return;
    }
    if (reply.ok() && reply->status >= 400 && reply->status < 500 && reply->status != 401) {
      // The portal will never take this one (e.g. the event is gone); do not block the feed.
      spdlog::error("control plane: acknowledgement of {} refused: {}", sequence,
                    describe_reply(*reply));
      return;
    }
    if (!stopping_) {
      report("acknowledgement of " + std::to_string(sequence) +
             " not delivered: " + (reply.ok() ? describe_reply(*reply) : reply.error()));
    }
    pause();
  }
}

void ControlPlaneClient::persist() {
  LastGoodState state;
  state.sequence = state_sequence_.load();
  state.services = catalog_.deployed();
  state.service_states = catalog_.service_states();
  auto saved = save_last_good(state_path_, state);
  if (!saved.ok()) {
    spdlog::error("control plane: cannot keep the last good state: {}", saved.error());
    return;
  }
  persisted_sequence_ = state.sequence;
}

}  // namespace candela::edge
