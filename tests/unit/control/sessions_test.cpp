// Sessions: sign-in, lockout, expiry, sign-out, mimic rules, and what the store keeps.
#include "control/sessions.hpp"

#include <gtest/gtest.h>

#include "control/secrets.hpp"
#include "identity_store_test.hpp"

namespace candela::control {
namespace {

class SessionsTest : public IdentityStoreTest {
 protected:
  Sessions sessions() {
    SessionPolicy policy;
    policy.ttl = std::chrono::hours(1);
    policy.lockout_threshold = 3;
    policy.lockout_duration = std::chrono::minutes(10);
    policy.password_cost = PasswordCost::minimal();
    return Sessions(*db_, clock_, policy);
  }

  ActiveSession sign_in(const std::string& email) {
    auto outcome = sessions().sign_in(email, kPassword);
    EXPECT_TRUE(outcome.ok()) << outcome.error();
    EXPECT_TRUE(outcome.ok() && outcome->session);
    return outcome.ok() && outcome->session ? *outcome->session : ActiveSession{};
  }
};

TEST_P(SessionsTest, TheStoreKeepsOnlyTheTokensHash) {
  ActiveSession session = sign_in("tech@acme.example");
  EXPECT_EQ(session.token.size(), 43u);
  EXPECT_EQ(session.csrf_token.size(), 43u);
  EXPECT_EQ(session.principal.user_id, uk_tech_);
  EXPECT_EQ(session.expires_at, clock_.now() + std::chrono::hours(1));
  auto stored = tx([&](soci::session& s) -> Result<std::string> {
    std::string hash;
    s << "SELECT token_hash FROM sessions", soci::into(hash);
    return hash;
  });
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored.value(), sha256_hex(session.token));
  auto resolved = sessions().resolve(session.token);
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  EXPECT_EQ(resolved->principal.grants, (std::vector<RoleGrant>{{Role::kTechnical, uk_}}));
  EXPECT_EQ(resolved->csrf_token, session.csrf_token);
  EXPECT_EQ(sessions().resolve(stored.value()).error_kind(), ErrorKind::kUnauthorized);
}

TEST_P(SessionsTest, LockoutCountsConsecutiveFailuresAndExpires) {
  auto attempt = [&](const std::string& password) {
    auto outcome = sessions().sign_in("tech@acme.example", password);
    EXPECT_TRUE(outcome.ok()) << outcome.error();
    return outcome.value();
  };
  EXPECT_FALSE(attempt("wrong password 1").refusal->retry_after);
  EXPECT_FALSE(attempt("wrong password 2").refusal->retry_after);
  auto locked = attempt("wrong password 3");
  ASSERT_TRUE(locked.refusal && locked.refusal->retry_after);
  EXPECT_EQ(*locked.refusal->retry_after, std::chrono::minutes(10));
  EXPECT_EQ(audit_count("user", std::to_string(uk_tech_)), 2);  // create, lock
  auto right = attempt(kPassword);
  ASSERT_TRUE(right.refusal);
  EXPECT_EQ(*right.refusal->retry_after, std::chrono::minutes(10));
  clock_.advance(std::chrono::minutes(10));
  EXPECT_TRUE(attempt(kPassword).session);
  // The count restarted with the lock; a success resets it as well.
  EXPECT_FALSE(attempt("wrong password 4").refusal->retry_after);
  EXPECT_FALSE(attempt("wrong password 5").refusal->retry_after);
  EXPECT_TRUE(attempt(kPassword).session);
  EXPECT_FALSE(attempt("wrong password 6").refusal->retry_after);
}

TEST_P(SessionsTest, UnknownEmailsAndWrongPasswordsLookAlike) {
  auto unknown = sessions().sign_in("nobody@acme.example", kPassword);
  auto wrong = sessions().sign_in("tech@acme.example", "wrong password!");
  ASSERT_TRUE(unknown.ok() && wrong.ok());
  EXPECT_EQ(unknown->refusal->message, wrong->refusal->message);
  EXPECT_TRUE(sessions().sign_in("TECH@acme.example", kPassword)->session);
}

TEST_P(SessionsTest, ExpiredAndSignedOutSessionsAreUnauthorized) {
  ActiveSession session = sign_in("tech@acme.example");
  clock_.advance(std::chrono::minutes(59));
  EXPECT_TRUE(sessions().resolve(session.token).ok());
  clock_.advance(std::chrono::minutes(1));
  auto expired = sessions().resolve(session.token);
  EXPECT_EQ(expired.error_kind(), ErrorKind::kUnauthorized);
  EXPECT_NE(expired.error().find("expired"), std::string::npos);
  ActiveSession other = sign_in("tech@acme.example");
  EXPECT_TRUE(sessions().sign_out(other.token).ok());
  EXPECT_EQ(sessions().resolve(other.token).error_kind(), ErrorKind::kUnauthorized);
  ActiveSession third = sign_in("tech@acme.example");
  clock_.advance(std::chrono::hours(2));
  auto purged = sessions().purge_expired();
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(purged.value(), 1);
  (void)third;
}

TEST_P(SessionsTest, MimicStaysWithinTheAdminsGroupsAndIsAudited) {
  ActiveSession admin = sign_in("uk-admin@acme.example");
  EXPECT_EQ(sessions().start_mimic(admin.token, beta_admin_).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(sessions().start_mimic(admin.token, acme_admin_).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(sessions().start_mimic(admin.token, staff_).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(sessions().start_mimic(admin.token, uk_admin_).error_kind(), ErrorKind::kInvalid);
  auto mimic = sessions().start_mimic(admin.token, uk_reader_);
  ASSERT_TRUE(mimic.ok()) << mimic.error();
  EXPECT_EQ(mimic->principal.user_id, uk_reader_);
  EXPECT_EQ(mimic->principal.mimicked_by, uk_admin_);
  EXPECT_EQ(mimic->signed_in_user_id, uk_admin_);
  auto resolved = sessions().resolve(admin.token);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->principal.user_id, uk_reader_);
  EXPECT_EQ(resolved->principal.mimicked_by, uk_admin_);
  EXPECT_EQ(sessions().start_mimic(admin.token, uk_tech_).error_kind(), ErrorKind::kConflict);
  auto back = sessions().end_mimic(admin.token);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->principal.user_id, uk_admin_);
  EXPECT_FALSE(back->principal.mimicked_by);
  EXPECT_EQ(sessions().end_mimic(admin.token).error_kind(), ErrorKind::kConflict);
  EXPECT_EQ(audit_count("user", std::to_string(uk_reader_)), 3);  // create, start, end

  ActiveSession tech = sign_in("tech@acme.example");
  EXPECT_EQ(sessions().start_mimic(tech.token, uk_reader_).error_kind(), ErrorKind::kForbidden);
  ActiveSession noc = sign_in("noc@provider.example");
  EXPECT_EQ(sessions().start_mimic(noc.token, uk_reader_).error_kind(), ErrorKind::kForbidden);
  ActiveSession staff = sign_in("staff@provider.example");
  EXPECT_TRUE(sessions().start_mimic(staff.token, beta_admin_).ok());
}

TEST_P(SessionsTest, DisablingAUserEndsSessionsThatMimicThem) {
  ActiveSession admin = sign_in("uk-admin@acme.example");
  ASSERT_TRUE(sessions().start_mimic(admin.token, uk_reader_).ok());
  const Principal acme = as(acme_admin_);
  ASSERT_TRUE(
      tx([&](soci::session& s) { return users(s).set_disabled(acme, uk_reader_, true); }).ok());
  EXPECT_EQ(sessions().resolve(admin.token).error_kind(), ErrorKind::kUnauthorized);
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionsTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
