// The customer configuration document of one SCID: typed model, full validation, canonical JSON.
// The format is specified in docs/configuration.md and docs/configuration.schema.json.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace candela::control {

// One problem in a document: where (RFC 6901 JSON pointer) and what to do about it.
struct ValidationError {
  std::string pointer;
  std::string message;

  bool operator==(const ValidationError&) const = default;
};

using ValidationErrors = std::vector<ValidationError>;

// "pointer: message" lines, the form shown by the CLI and carried in Error messages.
std::string format_errors(const ValidationErrors& errors);

// How a criterion compares a request value with its `values` (any value matching is a match).
enum class MatchOperator { kEquals, kStartsWith, kEndsWith, kContains, kMatches, kRegex, kExists };

struct PathCriterion {
  MatchOperator op = MatchOperator::kStartsWith;
  std::vector<std::string> values;
  bool negate = false;
  bool case_sensitive = true;
};

// A request header or query parameter criterion; kExists needs no values.
struct NamedCriterion {
  std::string name;
  MatchOperator op = MatchOperator::kExists;
  std::vector<std::string> values;
  bool negate = false;
  bool case_sensitive = false;
};

// All present criteria must hold for a rule to match; no criteria matches every request.
struct Criteria {
  std::optional<PathCriterion> path;
  std::vector<std::string> methods;
  std::vector<NamedCriterion> headers;
  std::vector<NamedCriterion> query;
};

enum class InternalCachePolicy { kTtl, kAsIs, kNoCache, kNoStore };
enum class ExternalCachePolicy { kAsIs, kOverride, kNoStore, kMaxAge };

struct CacheControlDirective {
  std::optional<InternalCachePolicy> internal;
  std::int64_t ttl_seconds = 0;  // with kTtl
  std::optional<ExternalCachePolicy> external;
  std::int64_t max_age_seconds = 0;  // with kMaxAge
  std::string cache_control;         // the header value sent with kOverride
};

enum class DenyAction { kError, kRedirect };

struct DenyDirective {
  std::vector<NamedCriterion> when_headers;  // empty = deny every request the rule matches
  DenyAction action = DenyAction::kError;
  int status = 403;
  std::string location;  // with kRedirect
};

enum class GeoMode { kAllow, kDeny };

struct GeoBlockingDirective {
  GeoMode mode = GeoMode::kDeny;
  std::vector<std::string> countries;
  std::vector<std::string> ip_allowlist;  // CIDR blocks never blocked
};

struct HeaderRewrite {
  std::map<std::string, std::string> set;  // replaces any existing field
  std::map<std::string, std::string> add;  // appends a field line
  std::vector<std::string> remove;
};

struct TokenKey {
  std::string id;
  std::string secret_ref;  // name of a secret held by the portal, never the secret itself
};

struct TokenAuthDirective {
  std::vector<TokenKey> keys;  // one, or two while rotating
  std::string token_param = "token";
  std::string expires_param = "expires";
  std::string key_id_param = "kid";
  std::int64_t max_ttl_seconds = 86400;
  bool bind_client_ip = false;
  int failure_status = 403;
};

struct SecureFillDirective {
  bool enabled = true;
  int port = 443;
  bool verify_certificate = true;
  std::string sni;  // empty = the origin Host header, else the origin host
};

struct CorsDirective {
  std::vector<std::string> allow_origins;
  std::vector<std::string> allow_methods{"GET", "HEAD"};
  std::vector<std::string> allow_headers;
  std::vector<std::string> expose_headers;
  bool allow_credentials = false;
  std::int64_t max_age_seconds = 0;
};

struct Directives {
  std::optional<CacheControlDirective> cache_control;
  std::optional<DenyDirective> deny;
  std::optional<GeoBlockingDirective> geo_blocking;
  std::optional<HeaderRewrite> request_headers;
  std::optional<HeaderRewrite> response_headers;
  std::optional<TokenAuthDirective> token_auth;
  std::optional<SecureFillDirective> secure_fill;
  std::optional<CorsDirective> cors;
};

struct MatchRule {
  std::string name;  // unique within its property; diffs follow rules by name
  Criteria criteria;
  Directives directives;
};

struct OriginSettings {
  std::string host;
  std::string protocol = "http";
  int port = 80;  // 443 when protocol is https and no port is given
  std::string web_root;
  std::string host_header;
  bool verify_tls = true;
  std::string sni;
  std::int64_t connect_timeout_ms = 3000;
  std::int64_t response_timeout_ms = 15000;
  std::int64_t read_timeout_ms = 15000;
};

enum class QueryKeyPolicy { kAll, kNone, kAllowlist };

struct CacheKeySettings {
  QueryKeyPolicy query = QueryKeyPolicy::kAll;
  std::vector<std::string> params;  // with kAllowlist
};

struct HstsSettings {
  std::int64_t max_age_seconds = 31536000;
  bool include_subdomains = false;
  bool preload = false;
};

struct TlsSettings {
  std::string certificate_id;
  bool redirect_http_to_https = false;
  std::optional<HstsSettings> hsts;
};

struct PropertyConfig {
  std::string id;
  std::string primary_alias;
  std::vector<std::string> aliases;  // besides the primary alias
  OriginSettings origin;
  CacheKeySettings cache_key;
  std::optional<TlsSettings> tls;
  std::vector<MatchRule> match_rules;  // first match wins
  // Fill misses through the shield tier (docs/shield.md) instead of straight from the origin.
  bool shield = false;
};

struct ConfigurationDocument {
  std::string scid;
  std::vector<PropertyConfig> properties;
};

// Limits that keep one document from costing an edge unbounded memory or CPU.
inline constexpr std::size_t kMaxRegexLength = 1024;
inline constexpr std::int64_t kMaxTtlSeconds = 31536000;      // one year
inline constexpr std::int64_t kMaxHstsAgeSeconds = 63072000;  // two years
inline constexpr std::int64_t kHstsPreloadMinSeconds = 31536000;
inline constexpr std::size_t kMaxTokenKeys = 2;

// Parses and validates a document; on failure returns every problem found.
struct ParseOutcome {
  std::optional<ConfigurationDocument> document;
  ValidationErrors errors;
};
ParseOutcome validate_configuration(std::string_view json_text);

// The same as validate_configuration, with the errors folded into one Error message.
Result<ConfigurationDocument> parse_configuration(std::string_view json_text);

// Canonical JSON: fixed key order, every default written out, two-space indent — so two stored
// versions diff line by line and a re-parse gives back the same document.
std::string to_json(const ConfigurationDocument& document);

// Host names compare case-insensitively and ignore one trailing dot.
std::string normalize_host(std::string_view host);

}  // namespace candela::control
