// API key request signing: HMAC-SHA256 over method, path with query, timestamp and body hash.
//
// Header: Authorization: Candela-HMAC-SHA256 KeyId=<id>, Timestamp=<unix seconds>,
//         Signature=<64 lower-case hex digits>
// String to sign (LF separated, no trailing LF):
//   <METHOD>\n<path-with-query as sent>\n<timestamp>\n<hex(sha256(body))>
// The HMAC key is the *signing key* derive_signing_key(secret), never the secret itself; see
// docs/api-conventions.md for why the store keeps only that (encrypted), not the secret.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "portal/message.hpp"
#include "portal/problem.hpp"
#include "portal/replay_cache.hpp"

namespace candela::portal {

inline constexpr std::string_view kSigningScheme = "Candela-HMAC-SHA256";
// Requests whose timestamp is further than this from the portal's clock are refused.
inline constexpr std::chrono::seconds kSigningWindow{300};

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest hmac_sha256(std::string_view key, std::string_view message);
Sha256Digest sha256(std::string_view data);
std::string to_hex(const Sha256Digest& digest);

// The 32-byte key both sides sign with: HMAC-SHA256(secret, "candela-request-signing-v1"),
// as raw bytes. Clients derive it from the secret they were shown; the portal stores only it.
std::string derive_signing_key(std::string_view secret);

std::string string_to_sign(std::string_view method, std::string_view path_with_query,
                           std::int64_t timestamp, std::string_view body);
// Hex signature of a request with the given signing key.
std::string sign_request(std::string_view signing_key, std::string_view method,
                         std::string_view path_with_query, std::int64_t timestamp,
                         std::string_view body);
std::string authorization_header(std::string_view key_id, std::int64_t timestamp,
                                 std::string_view signature);

struct SignatureFields {
  std::string key_id;
  std::int64_t timestamp = 0;
  std::string signature;  // lower-case hex
};
// Parses an Authorization value of the Candela-HMAC-SHA256 scheme; nullopt if malformed.
std::optional<SignatureFields> parse_authorization(std::string_view value);

enum class SignatureFailure {
  kMissing,       // no Authorization field of this scheme
  kMalformed,     // the field does not parse
  kStale,         // timestamp outside ±kSigningWindow
  kUnknownKey,    // the lookup knows no active key with that id
  kBadSignature,  // HMAC mismatch: wrong key, or method/path/timestamp/body altered
  kReplayed,      // this exact signature was accepted before, within the window
};
std::string_view describe(SignatureFailure failure);

struct SignatureCheck {
  std::optional<std::string> key_id;  // set when the request is authentic
  SignatureFailure failure = SignatureFailure::kMissing;
  bool ok() const { return key_id.has_value(); }
  // The 401 to answer with (WWW-Authenticate: Candela-HMAC-SHA256) when !ok().
  Problem to_problem() const;
};

// Returns the signing key (see derive_signing_key) of an active key id, or nullopt for an
// unknown, disabled or deleted key.
using SigningKeyLookup = std::function<std::optional<std::string>(std::string_view key_id)>;

// Verifies a signed request: parse, window check against `clock`, key lookup, constant-time
// HMAC comparison, and only then the replay cache (so forged signatures cannot fill it).
SignatureCheck verify_request(std::string_view method, std::string_view path_with_query,
                              std::optional<std::string_view> authorization, std::string_view body,
                              const Clock& clock, const SigningKeyLookup& lookup,
                              ReplayCache& replays);
SignatureCheck verify_request(const Request& request, const Clock& clock,
                              const SigningKeyLookup& lookup, ReplayCache& replays);

}  // namespace candela::portal
