// ConfigurationStore: the immutable, numbered configuration versions of each SCID — validated
// (document rules, the URL's SCID, CDN-wide alias ownership), stored with author, time and
// comment, listed, read and diffed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/configuration_diff.hpp"
#include "control/configuration_document.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct ConfigurationVersion {
  std::string scid;
  int version = 0;
  std::string document;  // canonical JSON (to_json); empty in listings
  std::optional<long long> author_user_id;
  std::string author_name;  // the user's name at read time; empty for API keys and the system
  std::optional<std::string> author_key_id;
  SysTime created_at;
  std::string comment;
};

struct ConfigurationVersionPage {
  std::vector<ConfigurationVersion> versions;  // newest first, without documents
  std::optional<int> next_before;              // pass as `before` for the next page
};

struct ConfigurationDiffResult {
  int from_version = 0;  // the older side ("against")
  int to_version = 0;
  std::vector<ConfigurationChange> changes;
  std::string text;  // render_diff: "--- version N" / "+++ version M" and one hunk per change
};

class ConfigurationStore {
 public:
  static constexpr std::size_t kMaxCommentLength = 1000;
  static constexpr int kMaxPageSize = 500;

  // Works on the caller's session (inside its transaction for create, so the version and its
  // audit record commit together).
  ConfigurationStore(soci::session& session, const Clock& clock)
      : session_(session), clock_(clock) {}

  // Every problem with `document` as a new version of `scid`, located by JSON pointer into the
  // document: validation errors, a "/scid" that differs from `scid`, and aliases already held
  // by another service (named only when the principal may see it). Empty when it is valid.
  // Needs Action::kConfigure on the service.
  Result<ValidationErrors> check(const Principal& principal, std::string_view scid,
                                 const nlohmann::json& document);

  // Stores `document` (canonical form) as the next version. `expected_latest` is the version
  // the client edited (0: it expects no version yet); a different latest version is
  // kPrecondition. Invalid documents are kInvalid and alias conflicts kConflict, both with every
  // problem in `fields` (pointers into the document). A disconnected service takes no versions.
  Result<ConfigurationVersion> create(const Principal& principal, std::string_view scid,
                                      const nlohmann::json& document, const std::string& comment,
                                      std::optional<int> expected_latest);

  // The latest version number, 0 when the service has none yet (Action::kRead).
  Result<int> latest_version(const Principal& principal, std::string_view scid);
  // One version with its document; nullopt = the latest. kNotFound for an unknown version.
  Result<ConfigurationVersion> get(const Principal& principal, std::string_view scid,
                                   std::optional<int> version);
  // Versions newest first, `limit` of them below `before` (all when empty).
  Result<ConfigurationVersionPage> list(const Principal& principal, std::string_view scid,
                                        std::optional<int> before, int limit);
  // What changed from version `against` to version `version`.
  Result<ConfigurationDiffResult> diff(const Principal& principal, std::string_view scid,
                                       int version, int against);

  // Unchecked reads for other domain modules that already authorised the caller.
  Result<int> latest_version_of(const std::string& scid);
  Result<ConfigurationVersion> load(const std::string& scid, int version);

 private:
  // Validation errors, or the parsed document.
  struct Checked {
    std::optional<ConfigurationDocument> document;
    ValidationErrors errors;
    ValidationErrors alias_conflicts;
  };
  Result<Checked> check_document(const Principal& principal, const std::string& scid,
                                 const nlohmann::json& document);

  soci::session& session_;
  const Clock& clock_;
};

// Aliases held CDN-wide by every SCID except `except_scid`: the latest version and the
// versions currently deployed (staging, production) of every service that is not disconnected.
// Conflicts found against them are located in `document`; the owner is named only if
// `principal` may see the owner's service, otherwise "another service".
Result<ValidationErrors> alias_conflicts(soci::session& session, const Principal& principal,
                                         const ConfigurationDocument& document);

}  // namespace candela::control
