// HMAC request signing with OpenSSL: string-to-sign, header syntax and verification.
#include "portal/request_signing.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <charconv>
#include <stdexcept>

#include "http/text.hpp"

namespace candela::portal {

namespace {

constexpr std::string_view kDerivationLabel = "candela-request-signing-v1";

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Sha256Digest hmac_sha256(std::string_view key, std::string_view message) {
  Sha256Digest digest{};
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
            &length) ||
      length != digest.size()) {
    throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
  }
  return digest;
}

Sha256Digest sha256(std::string_view data) {
  Sha256Digest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return digest;
}

std::string to_hex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0F]);
  }
  return out;
}

std::string derive_signing_key(std::string_view secret) {
  auto key = hmac_sha256(secret, kDerivationLabel);
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

std::string string_to_sign(std::string_view method, std::string_view path_with_query,
                           std::int64_t timestamp, std::string_view body) {
  std::string text;
  text.reserve(method.size() + path_with_query.size() + 90);
  text.append(method).append("\n");
  text.append(path_with_query).append("\n");
  text.append(std::to_string(timestamp)).append("\n");
  text.append(to_hex(sha256(body)));
  return text;
}

std::string sign_request(std::string_view signing_key, std::string_view method,
                         std::string_view path_with_query, std::int64_t timestamp,
                         std::string_view body) {
  return to_hex(hmac_sha256(signing_key, string_to_sign(method, path_with_query, timestamp, body)));
}

std::string authorization_header(std::string_view key_id, std::int64_t timestamp,
                                 std::string_view signature) {
  return std::string(kSigningScheme) + " KeyId=" + std::string(key_id) +
         ", Timestamp=" + std::to_string(timestamp) + ", Signature=" + std::string(signature);
}

std::optional<SignatureFields> parse_authorization(std::string_view value) {
  value = http::trim_ows(value);
  if (!value.starts_with(kSigningScheme)) return std::nullopt;
  value.remove_prefix(kSigningScheme.size());
  if (value.empty() || value.front() != ' ') return std::nullopt;
  SignatureFields fields;
  bool has_key = false, has_time = false, has_signature = false;
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view item = http::trim_ows(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    auto equals = item.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    std::string_view name = item.substr(0, equals);
    std::string_view content = item.substr(equals + 1);
    if (content.empty()) return std::nullopt;
    if (name == "KeyId" && !has_key) {
      for (char c : content) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        if (!ok) return std::nullopt;
      }
      fields.key_id = std::string(content);
      has_key = true;
    } else if (name == "Timestamp" && !has_time) {
      if (content.front() == '-' || content.size() > 18) return std::nullopt;
      auto [end, error] =
          std::from_chars(content.data(), content.data() + content.size(), fields.timestamp);
      if (error != std::errc() || end != content.data() + content.size()) return std::nullopt;
      has_time = true;
    } else if (name == "Signature" && !has_signature) {
      if (content.size() != 64 || !is_lower_hex(content)) return std::nullopt;
      fields.signature = std::string(content);
      has_signature = true;
    } else {
      return std::nullopt;  // unknown or repeated parameter
    }
  }
  if (!has_key || !has_time || !has_signature) return std::nullopt;
  return fields;
}

std::string_view describe(SignatureFailure failure) {
  switch (failure) {
    case SignatureFailure::kMissing:
      return "the request carries no Candela-HMAC-SHA256 Authorization field";
    case SignatureFailure::kMalformed:
      return "the Authorization field must read 'Candela-HMAC-SHA256 KeyId=<id>, "
             "Timestamp=<unix seconds>, Signature=<64 hex digits>'";
    case SignatureFailure::kStale:
      return "the signature's timestamp is more than 5 minutes away from the server's clock; "
             "check the client's clock and sign again";
    case SignatureFailure::kUnknownKey:
      return "the API key is unknown, disabled or deleted";
    case SignatureFailure::kBadSignature:
      return "the signature does not match the request (method, path with query, timestamp and "
             "body must be signed exactly as sent)";
    case SignatureFailure::kReplayed:
      return "this signed request was already received; sign every request afresh";
  }
  return "the request signature was refused";
}

Problem SignatureCheck::to_problem() const {
  return unauthorized(std::string(describe(failure)), std::string(kSigningScheme));
}

SignatureCheck verify_request(std::string_view method, std::string_view path_with_query,
                              std::optional<std::string_view> authorization, std::string_view body,
                              const Clock& clock, const SigningKeyLookup& lookup,
                              ReplayCache& replays) {
  SignatureCheck check;
  if (!authorization || !http::trim_ows(*authorization).starts_with(kSigningScheme)) {
    check.failure = SignatureFailure::kMissing;
    return check;
  }
  auto fields = parse_authorization(*authorization);
  if (!fields) {
    check.failure = SignatureFailure::kMalformed;
    return check;
  }
  SysTime now = clock.now();
  // Compared in seconds first: a huge timestamp would overflow SysTime's nanoseconds.
  std::int64_t now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (fields->timestamp < now_seconds - kSigningWindow.count() ||
      fields->timestamp > now_seconds + kSigningWindow.count()) {
    check.failure = SignatureFailure::kStale;
    return check;
  }
  auto key = lookup(fields->key_id);
  if (!key) {
    check.failure = SignatureFailure::kUnknownKey;
    return check;
  }
  std::string expected = sign_request(*key, method, path_with_query, fields->timestamp, body);
  // Constant time: a timing difference would let an attacker guess the signature bytewise.
  if (CRYPTO_memcmp(expected.data(), fields->signature.data(), expected.size()) != 0) {
    check.failure = SignatureFailure::kBadSignature;
    return check;
  }
  // Past the window the timestamp check refuses it anyway, so it need not be remembered longer.
  SysTime signed_at{std::chrono::seconds(fields->timestamp)};
  if (!replays.check_and_insert(fields->signature, signed_at + kSigningWindow, now)) {
    check.failure = SignatureFailure::kReplayed;
    return check;
  }
  check.key_id = fields->key_id;
  return check;
}

SignatureCheck verify_request(const Request& request, const Clock& clock,
                              const SigningKeyLookup& lookup, ReplayCache& replays) {
  auto authorization = request.header("Authorization");
  return verify_request(
      request.method, request.target,
      authorization ? std::optional<std::string_view>(*authorization) : std::nullopt, request.body,
      clock, lookup, replays);
}

}  // namespace candela::portal
