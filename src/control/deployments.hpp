// Deployments: a configuration version sent to the staging or production network through the
// feed (the deployment row and its feed event commit together), rollback to an older version,
// the deployment history of an SCID and what is current per environment.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/edge_registry.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class Environment { kStaging, kProduction };

std::string_view environment_name(Environment environment);
std::optional<Environment> parse_environment(std::string_view name);

struct Deployment {
  long long id = 0;
  std::string scid;
  int version = 0;
  Environment environment = Environment::kStaging;
  std::string action;  // "deploy" or "rollback"
  std::string comment;
  std::optional<long long> requested_by;
  std::string requested_by_name;  // empty for API keys and the system
  std::optional<std::string> requested_by_key;
  SysTime requested_at;
  long long feed_sequence = 0;
};

struct DeploymentRequest {
  int version = 0;
  Environment environment = Environment::kStaging;
  std::string comment;
};

struct DeploymentPage {
  std::vector<Deployment> deployments;            // newest first
  std::optional<long long> next_before_sequence;  // pass as `before` for the next page
};

// What each environment runs now: the newest deployment per environment, if any.
struct CurrentDeployments {
  std::optional<Deployment> staging;
  std::optional<Deployment> production;
};

// Which edges of the deployment's network have applied it. `complete` when every active edge of
// the network has applied it (also when the network has no active edge yet).
struct DeploymentStatus {
  Deployment deployment;
  std::vector<EdgeEventStatus> edges;  // active edges of the network, and any that acknowledged
  int applied = 0;
  int failed = 0;
  int pending = 0;
  bool complete = false;
};

class Deployments {
 public:
  static constexpr std::size_t kMaxCommentLength = 1000;
  static constexpr int kMaxPageSize = 500;

  // Works on the caller's session; deploy() and rollback() must run inside the caller's
  // transaction, which then also holds the feed's append lock until it commits.
  Deployments(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Deploys a stored version (Action::kConfigure). Staging takes pending and active services,
  // production only active ones (kConflict otherwise). An unknown version is kInvalid located
  // at "/version". The version's aliases are checked again against every other service
  // (kConflict), since an older version may name an alias that another service has claimed
  // since. Appends the "deployment" feed event; the caller signals its sequence after commit.
  Result<Deployment> deploy(const Principal& principal, std::string_view scid,
                            const DeploymentRequest& request);
  // Deploys the newest version deployed to `environment` before the current one that is older
  // (lower) than the current one; kConflict when there is none. Repeated rollbacks step back
  // one version at a time.
  Result<Deployment> rollback(const Principal& principal, std::string_view scid,
                              Environment environment, const std::string& comment);
  // The SCID's deployments newest first, `limit` of them below feed sequence `before`.
  Result<DeploymentPage> list(const Principal& principal, std::string_view scid,
                              std::optional<long long> before, int limit);
  Result<CurrentDeployments> current(const Principal& principal, std::string_view scid);
  // One deployment by id, if the principal may see its service (kNotFound otherwise).
  Result<Deployment> get(const Principal& principal, long long id);
  // The deployment with the per-edge state of its feed event.
  Result<DeploymentStatus> status(const Principal& principal, long long id);

  // Unchecked: the newest deployment of `scid` to `environment`.
  Result<std::optional<Deployment>> current_of(const std::string& scid, Environment environment);

 private:
  Result<Deployment> send(const Principal& principal, const std::string& scid,
                          const DeploymentRequest& request, const std::string& action);

  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
