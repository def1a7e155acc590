// API key request signing: RFC 4231 HMAC vectors, header syntax, and verification outcomes.
#include "portal/request_signing.hpp"

#include <gtest/gtest.h>

#include <map>

namespace candela::portal {
namespace {

using namespace std::chrono_literals;

TEST(HmacSha256, MatchesRfc4231Vectors) {
  struct Vector {
    std::string key, data, mac;
  };
  std::string key4;
  for (int i = 1; i <= 25; ++i)
    key4.push_back(static_cast<char>(i));
  const std::vector<Vector> vectors = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {key4, std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    EXPECT_EQ(to_hex(hmac_sha256(vectors[i].key, vectors[i].data)), vectors[i].mac)
        << "test case " << i + 1;
  }
}

TEST(RequestSigning, StringToSignIsMethodPathTimestampBodyHash) {
  EXPECT_EQ(string_to_sign("GET", "/api/v1/services?limit=2", 1700000000, ""),
            "GET\n/api/v1/services?limit=2\n1700000000\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RequestSigning, AuthorizationHeaderRoundTrips) {
  std::string signature(64, 'a');
  std::string header = authorization_header("key_1.A-b", 1700000000, signature);
  EXPECT_EQ(header,
            "Candela-HMAC-SHA256 KeyId=key_1.A-b, Timestamp=1700000000, Signature=" + signature);
  auto fields = parse_authorization(header);
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->key_id, "key_1.A-b");
  EXPECT_EQ(fields->timestamp, 1700000000);
  EXPECT_EQ(fields->signature, signature);
}

TEST(RequestSigning, MalformedHeadersAreRejected) {
  std::string sig(64, 'b');
  for (const std::string& bad : std::vector<std::string>{
           "Candela-HMAC-SHA256",
           "Candela-HMAC-SHA256 KeyId=k, Timestamp=1",
           "Candela-HMAC-SHA256 KeyId=k, Timestamp=1, Signature=" + std::string(63, 'b'),
           "Candela-HMAC-SHA256 KeyId=k, Timestamp=1, Signature=" + std::string(64, 'B'),
           "Candela-HMAC-SHA256 KeyId=k, Timestamp=-1, Signature=" + sig,
           "Candela-HMAC-SHA256 KeyId=k, Timestamp=1x, Signature=" + sig,
           "Candela-HMAC-SHA256 KeyId=k k, Timestamp=1, Signature=" + sig,
           "Candela-HMAC-SHA256 KeyId=k, KeyId=j, Timestamp=1, Signature=" + sig,
           "Candela-HMAC-SHA256 KeyId=k, Timestamp=1, Signature=" + sig + ", Extra=1",
           "Candela-HMAC-SHA256KeyId=k, Timestamp=1, Signature=" + sig,
           "Bearer abc",
       }) {
    EXPECT_FALSE(parse_authorization(bad)) << bad;
  }
}

class VerifyTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kNow = 1700000000;
  VerifyTest() : clock_(SysTime(std::chrono::seconds(kNow))) {
    keys_["AK1"] = derive_signing_key("secret-shown-once");
  }

  SigningKeyLookup lookup() {
    return [this](std::string_view id) -> std::optional<std::string> {
      auto it = keys_.find(std::string(id));
      if (it == keys_.end()) return std::nullopt;
      return it->second;
    };
  }

  // A client signs with the secret it was shown.
  std::string signed_header(std::string_view method, std::string_view target, std::int64_t when,
                            std::string_view body, std::string_view key_id = "AK1",
                            std::string_view secret = "secret-shown-once") {
    return authorization_header(
        key_id, when, sign_request(derive_signing_key(secret), method, target, when, body));
  }

  SignatureCheck verify(std::string_view method, std::string_view target, const std::string& header,
                        std::string_view body) {
    return verify_request(method, target, header, body, clock_, lookup(), replays_);
  }

  ManualClock clock_;
  std::map<std::string, std::string> keys_;
  ReplayCache replays_;
};

TEST_F(VerifyTest, GoodSignatureIsAccepted) {
  std::string body = R"({"comment":"deploy"})";
  auto check =
      verify("POST", "/api/v1/services/S/deployments?dry=1",
             signed_header("POST", "/api/v1/services/S/deployments?dry=1", kNow, body), body);
  ASSERT_TRUE(check.ok()) << describe(check.failure);
  EXPECT_EQ(check.key_id, "AK1");
}

TEST_F(VerifyTest, AlteredBodyPathMethodOrQueryIsRejected) {
  std::string header = signed_header("POST", "/api/v1/a?x=1", kNow, "body");
  EXPECT_EQ(verify("POST", "/api/v1/a?x=1", header, "bodY").failure,
            SignatureFailure::kBadSignature);
  EXPECT_EQ(verify("POST", "/api/v1/b?x=1", header, "body").failure,
            SignatureFailure::kBadSignature);
  EXPECT_EQ(verify("POST", "/api/v1/a?x=2", header, "body").failure,
            SignatureFailure::kBadSignature);
  EXPECT_EQ(verify("PUT", "/api/v1/a?x=1", header, "body").failure,
            SignatureFailure::kBadSignature);
  EXPECT_TRUE(verify("POST", "/api/v1/a?x=1", header, "body").ok());
}

TEST_F(VerifyTest, WrongSecretIsRejected) {
  auto check = verify("GET", "/a", signed_header("GET", "/a", kNow, "", "AK1", "guess"), "");
  EXPECT_EQ(check.failure, SignatureFailure::kBadSignature);
  EXPECT_FALSE(check.ok());
}

TEST_F(VerifyTest, TimestampMustBeWithinFiveMinutes) {
  EXPECT_EQ(verify("GET", "/a", signed_header("GET", "/a", kNow - 301, ""), "").failure,
            SignatureFailure::kStale);
  EXPECT_EQ(verify("GET", "/a", signed_header("GET", "/a", kNow + 301, ""), "").failure,
            SignatureFailure::kStale);
  EXPECT_TRUE(verify("GET", "/a", signed_header("GET", "/a", kNow - 300, ""), "").ok());
  EXPECT_TRUE(verify("GET", "/a", signed_header("GET", "/a", kNow + 300, ""), "").ok());
}

TEST_F(VerifyTest, FarFutureOrAncientTimestampIsStale) {
  EXPECT_EQ(verify("GET", "/a", signed_header("GET", "/a", 999999999999999999, ""), "").failure,
            SignatureFailure::kStale);
  EXPECT_EQ(verify("GET", "/a", signed_header("GET", "/a", 0, ""), "").failure,
            SignatureFailure::kStale);
}

TEST_F(VerifyTest, ClockMovingPastTheWindowExpiresASignature) {
  std::string header = signed_header("GET", "/a", kNow, "");
  clock_.advance(301s);
  EXPECT_EQ(verify("GET", "/a", header, "").failure, SignatureFailure::kStale);
}

TEST_F(VerifyTest, ReplayedSignatureIsRejected) {
  std::string header = signed_header("DELETE", "/api/v1/keys/AK2", kNow, "");
  EXPECT_TRUE(verify("DELETE", "/api/v1/keys/AK2", header, "").ok());
  clock_.advance(10s);
  EXPECT_EQ(verify("DELETE", "/api/v1/keys/AK2", header, "").failure, SignatureFailure::kReplayed);
}

TEST_F(VerifyTest, ForgedSignaturesDoNotEnterTheReplayCache) {
  std::string header = signed_header("GET", "/a", kNow, "", "AK1", "guess");
  EXPECT_EQ(verify("GET", "/a", header, "").failure, SignatureFailure::kBadSignature);
  EXPECT_EQ(replays_.size(), 0u);
}

TEST_F(VerifyTest, UnknownOrMissingKeyIsRejected) {
  EXPECT_EQ(verify("GET", "/a", signed_header("GET", "/a", kNow, "", "AK9"), "").failure,
            SignatureFailure::kUnknownKey);
  auto missing = verify_request("GET", "/a", std::nullopt, "", clock_, lookup(), replays_);
  EXPECT_EQ(missing.failure, SignatureFailure::kMissing);
  EXPECT_EQ(verify("GET", "/a", "Candela-HMAC-SHA256 KeyId=AK1", "").failure,
            SignatureFailure::kMalformed);
}

TEST_F(VerifyTest, FailureIsA401ProblemWithChallenge) {
  auto check = verify("GET", "/a", signed_header("GET", "/a", kNow, "", "AK9"), "");
  Response response = check.to_problem().to_response("r");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.header("WWW-Authenticate"), "Candela-HMAC-SHA256");
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
}

TEST_F(VerifyTest, VerifiesAPortalRequestByItsTarget) {
  Request request;
  request.method = "PUT";
  ASSERT_TRUE(set_target(request, "/api/v1/x?y=%20"));
  request.body = "{}";
  request.headers.emplace_back("Authorization",
                               signed_header("PUT", "/api/v1/x?y=%20", kNow, "{}"));
  EXPECT_TRUE(verify_request(request, clock_, lookup(), replays_).ok());
}

TEST(ReplayCache, ForgetsEntriesAfterTheirTime) {
  ReplayCache cache;
  SysTime t0{std::chrono::seconds(1000)};
  EXPECT_TRUE(cache.check_and_insert("s1", t0 + 300s, t0));
  EXPECT_FALSE(cache.check_and_insert("s1", t0 + 300s, t0 + 100s));
  EXPECT_TRUE(cache.check_and_insert("s2", t0 + 400s, t0 + 100s));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.check_and_insert("s3", t0 + 700s, t0 + 301s));
  EXPECT_EQ(cache.size(), 2u);  // s1 pruned
  EXPECT_TRUE(cache.check_and_insert("s1", t0 + 700s, t0 + 302s));
}

}  // namespace
}  // namespace candela::portal
