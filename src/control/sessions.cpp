// Sessions: the sign-in sequence (read, verify outside a transaction, record), token resolution
// and mimic.
#include "control/sessions.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/principal_audit.hpp"
#include "control/secrets.hpp"
#include "control/users.hpp"

namespace candela::control {
namespace {

constexpr const char* kWrongCredentials = "the email or password is wrong";

struct Credentials {
  long long id = 0;
  std::string hash;
  bool has_hash = false;
  std::optional<SysTime> locked_until;
  bool disabled = false;
};

std::optional<Credentials> read_credentials(soci::session& session, const std::string& email) {
  Credentials c;
  long long locked = 0;
  int disabled = 0;
  soci::indicator hash_ind = soci::i_ok;
  soci::indicator locked_ind = soci::i_ok;
  session << "SELECT id, password_hash, locked_until, disabled FROM users WHERE email = :e",
      soci::use(email), soci::into(c.id), soci::into(c.hash, hash_ind),
      soci::into(locked, locked_ind), soci::into(disabled);
  if (!session.got_data()) return std::nullopt;
  c.has_hash = hash_ind == soci::i_ok && !c.hash.empty();
  if (locked_ind == soci::i_ok) c.locked_until = from_epoch_ms(locked);
  c.disabled = disabled != 0;
  return c;
}

std::chrono::seconds seconds_until(SysTime then, SysTime now) {
  const auto left = std::chrono::ceil<std::chrono::seconds>(then - now);
  return std::max(left, std::chrono::seconds(1));
}

std::string minutes_text(std::chrono::seconds s) {
  const auto minutes = (s.count() + 59) / 60;
  return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

SignInRefusal locked_refusal(SysTime until, SysTime now) {
  const auto left = seconds_until(until, now);
  return {"this account is locked after too many failed sign-ins; try again in " +
              minutes_text(left) + " or ask an administrator to unlock it",
          left};
}

bool is_token_shaped(std::string_view token) {
  if (token.size() != 43) return false;
  for (char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

struct SessionRow {
  long long user_id = 0;
  std::string csrf_token;
  SysTime expires_at;
  std::optional<long long> mimic_of;
};

std::optional<SessionRow> read_session(soci::session& session, const std::string& token_hash) {
  SessionRow row;
  long long expires = 0;
  long long mimic = 0;
  soci::indicator mimic_ind = soci::i_ok;
  session << "SELECT user_id, csrf_token, expires_at, mimic_of FROM sessions"
             " WHERE token_hash = :t",
      soci::use(token_hash), soci::into(row.user_id), soci::into(row.csrf_token),
      soci::into(expires), soci::into(mimic, mimic_ind);
  if (!session.got_data()) return std::nullopt;
  row.expires_at = from_epoch_ms(expires);
  if (mimic_ind == soci::i_ok) row.mimic_of = mimic;
  return row;
}

Error unauthorized(std::string message) {
  return Error{std::move(message), ErrorKind::kUnauthorized};
}

// The session's effective principal: the signed-in user, or the mimicked one.
Result<ActiveSession> active_session(soci::session& session, const Clock& clock,
                                     const SessionRow& row) {
  Users users(session, clock);
  ActiveSession active;
  active.csrf_token = row.csrf_token;
  active.expires_at = row.expires_at;
  active.signed_in_user_id = row.user_id;
  auto principal = users.load_principal(row.mimic_of.value_or(row.user_id));
  if (!principal.ok()) return Error{principal.failure()};
  active.principal = std::move(principal).value();
  if (row.mimic_of) {
    auto admin = users.load_principal(row.user_id);
    if (!admin.ok()) return Error{admin.failure()};
    active.principal.mimicked_by = row.user_id;
  }
  return active;
}

std::string sql_failure(const char* what, const soci::soci_error& e) {
  return std::string(what) + ": " + e.what();
}

}  // namespace

Result<SignInOutcome> Sessions::sign_in(const std::string& email_input,
                                        const std::string& password) {
  std::string email = email_input;
  for (char& c : email)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  while (!email.empty() && (email.back() == ' ' || email.back() == '\t'))
    email.pop_back();
  while (!email.empty() && (email.front() == ' ' || email.front() == '\t'))
    email.erase(email.begin());

  auto found = database_.with_session([&](soci::session& s) -> Result<std::optional<Credentials>> {
    try {
      return read_credentials(s, email);
    } catch (const soci::soci_error& e) {
      return Error{sql_failure("could not read the user", e), ErrorKind::kInternal};
    }
  });
  if (!found.ok()) return Error{found.failure()};
  if (!found.value() || password.size() > kMaxPasswordLength) {
    waste_password_verification(password.substr(0, kMaxPasswordLength), policy_.password_cost);
    return SignInOutcome{std::nullopt, SignInRefusal{kWrongCredentials, std::nullopt}};
  }
  const Credentials credentials = **found;
  if (credentials.locked_until && *credentials.locked_until > clock_.now()) {
    return SignInOutcome{std::nullopt, locked_refusal(*credentials.locked_until, clock_.now())};
  }
  bool right = false;
  if (credentials.has_hash) {
    right = verify_password(credentials.hash, password);
  } else {
    waste_password_verification(password, policy_.password_cost);
  }

  return database_.with_transaction([&](soci::session& s) -> Result<SignInOutcome> {
    const SysTime now = clock_.now();
    const long long now_ms = to_epoch_ms(now);
    try {
      if (!right) {
        s << "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = :id",
            soci::use(credentials.id);
        int failures = 0;
        s << "SELECT failed_logins FROM users WHERE id = :id", soci::use(credentials.id),
            soci::into(failures);
        if (failures < policy_.lockout_threshold) {
          return SignInOutcome{std::nullopt, SignInRefusal{kWrongCredentials, std::nullopt}};
        }
        // Counting restarts once the lock has run out.
        const SysTime until = now + policy_.lockout_duration;
        const long long until_ms = to_epoch_ms(until);
        s << "UPDATE users SET failed_logins = 0, locked_until = :u WHERE id = :id",
            soci::use(until_ms), soci::use(credentials.id);
        AuditEntry entry =
            audit_entry(system_principal(), "user", std::to_string(credentials.id), "lock");
        entry.actor_user_id.reset();
        entry.reason = std::to_string(failures) + " consecutive failed sign-ins";
        auto audited = AuditLog(s, clock_).append(entry);
        if (!audited.ok()) return Error{audited.error(), ErrorKind::kInternal};
        return SignInOutcome{std::nullopt, locked_refusal(until, now)};
      }
      // Another attempt may have locked the account while the password was being verified.
      auto current = read_credentials(s, email);
      if (!current || current->id != credentials.id)
        return SignInOutcome{std::nullopt, SignInRefusal{kWrongCredentials, std::nullopt}};
      if (current->locked_until && *current->locked_until > now)
        return SignInOutcome{std::nullopt, locked_refusal(*current->locked_until, now)};
      if (current->disabled) {
        return SignInOutcome{
            std::nullopt,
            SignInRefusal{"this account is disabled; ask your administrator", std::nullopt}};
      }
      s << "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id",
          soci::use(credentials.id);
      ActiveSession session;
      session.token = random_token();
      session.csrf_token = random_token();
      session.expires_at = now + policy_.ttl;
      session.signed_in_user_id = credentials.id;
      const std::string token_hash = sha256_hex(session.token);
      const long long expires_ms = to_epoch_ms(session.expires_at);
      s << "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)"
           " VALUES (:t, :u, :c, :now, :exp)",
          soci::use(token_hash), soci::use(credentials.id), soci::use(session.csrf_token),
          soci::use(now_ms), soci::use(expires_ms);
      auto principal = Users(s, clock_).load_principal(credentials.id);
      if (!principal.ok()) return Error{principal.failure()};
      session.principal = std::move(principal).value();
      return SignInOutcome{std::move(session), std::nullopt};
    } catch (const soci::soci_error& e) {
      return Error{sql_failure("could not record the sign-in", e), ErrorKind::kInternal};
    }
  });
}

Result<ActiveSession> Sessions::resolve(std::string_view token) {
  if (!is_token_shaped(token))
    return unauthorized("the session cookie is not valid; sign in again");
  const std::string token_hash = sha256_hex(token);
  auto row = database_.with_session([&](soci::session& s) -> Result<std::optional<SessionRow>> {
    try {
      return read_session(s, token_hash);
    } catch (const soci::soci_error& e) {
      return Error{sql_failure("could not read the session", e), ErrorKind::kInternal};
    }
  });
  if (!row.ok()) return Error{row.failure()};
  if (!row.value()) return unauthorized("the session has ended; sign in again");
  if ((*row)->expires_at <= clock_.now()) {
    (void)sign_out(token);
    return unauthorized("the session has expired; sign in again");
  }
  return database_.with_session([&](soci::session& s) { return active_session(s, clock_, **row); });
}

Status Sessions::sign_out(std::string_view token) {
  if (!is_token_shaped(token)) return ok_status();
  const std::string token_hash = sha256_hex(token);
  return database_.with_session([&](soci::session& s) -> Status {
    try {
      s << "DELETE FROM sessions WHERE token_hash = :t", soci::use(token_hash);
    } catch (const soci::soci_error& e) {
      return Error{sql_failure("could not end the session", e), ErrorKind::kInternal};
    }
    return ok_status();
  });
}

Result<ActiveSession> Sessions::start_mimic(std::string_view token, long long target_user_id) {
  if (!is_token_shaped(token))
    return unauthorized("the session cookie is not valid; sign in again");
  const std::string token_hash = sha256_hex(token);
  return database_.with_transaction([&](soci::session& s) -> Result<ActiveSession> {
    try {
      auto row = read_session(s, token_hash);
      if (!row || row->expires_at <= clock_.now())
        return unauthorized("the session has ended; sign in again");
      if (row->mimic_of) {
        return Error{"you are already acting as another user; stop that first",
                     ErrorKind::kConflict};
      }
      Users users(s, clock_);
      auto admin = users.load_principal(row->user_id);
      if (!admin.ok()) return Error{admin.failure()};
      if (target_user_id == row->user_id)
        return Error{"you cannot mimic yourself", ErrorKind::kInvalid, {{"/user_id", "is you"}}};
      auto target = users.find(target_user_id);
      if (!target.ok()) return Error{target.failure()};
      if (!target.value()) {
        return Error{"user " + std::to_string(target_user_id) + " does not exist",
                     ErrorKind::kNotFound};
      }
      if (!admin->is_provider()) {
        const bool staff = std::any_of(target.value()->grants.begin(), target.value()->grants.end(),
                                       [](const RoleGrant& g) { return is_provider_role(g.role); });
        if (staff || target.value()->grants.empty()) {
          return Error{"user " + std::to_string(target_user_id) + " does not exist",
                       ErrorKind::kNotFound};
        }
      }
      auto allowed = users.check_can_manage(*admin, **target);
      if (!allowed.ok()) {
        Error error = allowed.failure();
        if (error.kind == ErrorKind::kForbidden) {
          error.message = admin->is_provider()
                              ? "only a provider admin may mimic users"
                              : "you may mimic only users whose roles all lie in access groups "
                                "you administer";
        }
        return error;
      }
      if (target.value()->disabled)
        return Error{"that user is disabled and cannot be mimicked", ErrorKind::kConflict};
      s << "UPDATE sessions SET mimic_of = :m WHERE token_hash = :t", soci::use(target_user_id),
          soci::use(token_hash);
      AuditEntry entry = audit_entry(*admin, "user", std::to_string(target_user_id), "mimic_start");
      auto audited = AuditLog(s, clock_).append(entry);
      if (!audited.ok()) return Error{audited.error(), ErrorKind::kInternal};
      row->mimic_of = target_user_id;
      return active_session(s, clock_, *row);
    } catch (const soci::soci_error& e) {
      return Error{sql_failure("could not start mimicking", e), ErrorKind::kInternal};
    }
  });
}

Result<ActiveSession> Sessions::end_mimic(std::string_view token) {
  if (!is_token_shaped(token))
    return unauthorized("the session cookie is not valid; sign in again");
  const std::string token_hash = sha256_hex(token);
  return database_.with_transaction([&](soci::session& s) -> Result<ActiveSession> {
    try {
      auto row = read_session(s, token_hash);
      if (!row || row->expires_at <= clock_.now())
        return unauthorized("the session has ended; sign in again");
      if (!row->mimic_of) return Error{"you are not mimicking anyone", ErrorKind::kConflict};
      auto admin = Users(s, clock_).load_principal(row->user_id);
      if (!admin.ok()) return Error{admin.failure()};
      s << "UPDATE sessions SET mimic_of = NULL WHERE token_hash = :t", soci::use(token_hash);
      AuditEntry entry = audit_entry(*admin, "user", std::to_string(*row->mimic_of), "mimic_end");
      auto audited = AuditLog(s, clock_).append(entry);
      if (!audited.ok()) return Error{audited.error(), ErrorKind::kInternal};
      row->mimic_of.reset();
      return active_session(s, clock_, *row);
    } catch (const soci::soci_error& e) {
      return Error{sql_failure("could not stop mimicking", e), ErrorKind::kInternal};
    }
  });
}

Result<long long> Sessions::purge_expired() {
  const long long now = to_epoch_ms(clock_.now());
  return database_.with_session([&](soci::session& s) -> Result<long long> {
    try {
      long long count = 0;
      s << "SELECT COUNT(*) FROM sessions WHERE expires_at <= :now", soci::use(now),
          soci::into(count);
      s << "DELETE FROM sessions WHERE expires_at <= :now", soci::use(now);
      return count;
    } catch (const soci::soci_error& e) {
      return Error{sql_failure("could not delete expired sessions", e), ErrorKind::kInternal};
    }
  });
}

}  // namespace candela::control
