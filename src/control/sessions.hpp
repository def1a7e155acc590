// Sessions: sign-in with lockout, session tokens and CSRF tokens, expiry, sign-out and "mimic
// user".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/passwords.hpp"
#include "control/principal.hpp"

namespace candela::control {

struct SessionPolicy {
  std::chrono::seconds ttl{std::chrono::hours(8)};
  // This many consecutive failed sign-ins lock the account for lockout_duration.
  int lockout_threshold = 5;
  std::chrono::seconds lockout_duration{std::chrono::minutes(15)};
  PasswordCost password_cost = PasswordCost::interactive();
};

struct ActiveSession {
  // The cookie value: only known right after sign-in (the store keeps its SHA-256).
  std::string token;
  std::string csrf_token;
  SysTime expires_at;
  long long signed_in_user_id = 0;  // who signed in (the admin, while mimicking)
  // Who the session acts as: the mimicked user while mimicking (with mimicked_by set).
  Principal principal;
};

struct SignInRefusal {
  std::string message;
  // Set when the account is locked: how long until it may try again.
  std::optional<std::chrono::seconds> retry_after;
};

// Exactly one of the two is set. A refusal is not an Error: the failed attempt it counts must
// be committed.
struct SignInOutcome {
  std::optional<ActiveSession> session;
  std::optional<SignInRefusal> refusal;
};

// Runs its own transactions (unlike the repositories that work on a caller's session) so the
// slow password verification happens outside any transaction and a failed attempt is counted
// even though the sign-in fails.
class Sessions {
 public:
  Sessions(Database& database, const Clock& clock, SessionPolicy policy)
      : database_(database), clock_(clock), policy_(policy) {}

  Result<SignInOutcome> sign_in(const std::string& email, const std::string& password);
  // The live session of a cookie token; kUnauthorized when unknown, expired or disabled.
  Result<ActiveSession> resolve(std::string_view token);
  // Ends the session (a no-op for an unknown token).
  Status sign_out(std::string_view token);
  // The signed-in user of `token` starts acting as `target_user_id`: a provider_admin may mimic
  // anyone; a customer admin a user whose roles all lie in groups it administers. Audited.
  Result<ActiveSession> start_mimic(std::string_view token, long long target_user_id);
  // Back to the signed-in user; audited. kConflict when not mimicking.
  Result<ActiveSession> end_mimic(std::string_view token);
  // Deletes expired sessions; returns how many.
  Result<long long> purge_expired();

 private:
  Database& database_;
  const Clock& clock_;
  SessionPolicy policy_;
};

}  // namespace candela::control
