// Configuration document: the examples parse and round-trip; every invalid input is located and
// explained.
#include "control/configuration_document.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "example_documents.hpp"

namespace candela::control {
namespace {

using nlohmann::json;

json full_example() {
  return json::parse(example_text("configuration_full.json"));
}

TEST(ConfigurationDocument, FullExampleParsesIntoTheTypedModel) {
  auto doc = parse_configuration(example_text("configuration_full.json"));
  ASSERT_TRUE(doc.ok()) << doc.error();
  ASSERT_EQ(doc->properties.size(), 2u);
  const auto& p = doc->properties[0];
  EXPECT_EQ(p.primary_alias, "www.example.com");
  EXPECT_EQ(p.origin.port, 8443);
  EXPECT_EQ(p.cache_key.query, QueryKeyPolicy::kAllowlist);
  ASSERT_EQ(p.match_rules.size(), 6u);
  EXPECT_EQ(p.match_rules[1].directives.deny->action, DenyAction::kRedirect);
  EXPECT_EQ(p.match_rules[2].directives.cache_control->ttl_seconds, 86400);
  EXPECT_EQ(p.match_rules[3].directives.token_auth->keys.size(), 2u);
  EXPECT_EQ(p.match_rules[3].criteria.query[0].op, MatchOperator::kExists);
  EXPECT_TRUE(p.match_rules[3].criteria.query[0].negate);
  EXPECT_FALSE(p.match_rules[5].criteria.path.has_value());
  EXPECT_EQ(doc->properties[1].origin.port, 8080);
}

TEST(ConfigurationDocument, DefaultsAreFilledIn) {
  auto doc = parse_configuration(example_text("configuration_small.json"));
  ASSERT_TRUE(doc.ok()) << doc.error();
  const auto& o = doc->properties[0].origin;
  EXPECT_EQ(o.protocol, "http");
  EXPECT_EQ(o.port, 80);
  EXPECT_EQ(o.connect_timeout_ms, 3000);
  EXPECT_EQ(doc->properties[0].cache_key.query, QueryKeyPolicy::kAll);
  auto https = parse_configuration(
      R"({"scid":"8VVGPXYB0","properties":[{"id":"a","primary_alias":"a.example.com",
          "origin":{"host":"o.example.com","protocol":"https"}}]})");
  ASSERT_TRUE(https.ok()) << https.error();
  EXPECT_EQ(https->properties[0].origin.port, 443);
}

TEST(ConfigurationDocument, CanonicalJsonRoundTripsAndIsStable) {
  for (const char* file : {"configuration_full.json", "configuration_small.json"}) {
    auto doc = parse_configuration(read_text(kExampleDir / file));
    ASSERT_TRUE(doc.ok()) << doc.error();
    const std::string canonical = to_json(doc.value());
    auto again = parse_configuration(canonical);
    ASSERT_TRUE(again.ok()) << again.error();
    EXPECT_EQ(to_json(again.value()), canonical) << file;
  }
}

TEST(ConfigurationDocument, CanonicalJsonHasAFixedKeyOrder) {
  auto doc = parse_configuration(example_text("configuration_small.json"));
  ASSERT_TRUE(doc.ok());
  const std::string text = to_json(doc.value());
  EXPECT_LT(text.find("\"scid\""), text.find("\"properties\""));
  EXPECT_LT(text.find("\"id\""), text.find("\"primary_alias\""));
  EXPECT_LT(text.find("\"primary_alias\""), text.find("\"origin\""));
  EXPECT_LT(text.find("\"host\""), text.find("\"protocol\""));
}

TEST(ConfigurationDocument, AliasesAreNormalised) {
  auto doc = parse_configuration(
      R"({"scid":"8VVGPXYB0","properties":[{"id":"a","primary_alias":"WWW.Example.COM.",
          "aliases":["Cdn.Example.com"],"origin":{"host":"o.example.com"}}]})");
  ASSERT_TRUE(doc.ok()) << doc.error();
  EXPECT_EQ(doc->properties[0].primary_alias, "www.example.com");
  EXPECT_EQ(doc->properties[0].aliases[0], "cdn.example.com");
}

struct InvalidCase {
  const char* name;
  std::function<void(json&)> edit;
  std::string pointer;
  std::string message;  // a part of the expected message
};

json& at(json& doc, const std::string& pointer) {
  return doc[json::json_pointer(pointer)];
}
void erase(json& doc, const std::string& pointer) {
  const json::json_pointer ptr(pointer);
  doc[ptr.parent_pointer()].erase(ptr.back());
}

const std::string kRules = "/properties/0/match_rules";

const std::vector<InvalidCase> kInvalidCases = {
    {"scid", [](json& d) { d["scid"] = "ABC"; }, "/scid", "\"ABC\" is not a service component id"},
    {"unknown top-level field", [](json& d) { d["propertes"] = json::array(); }, "/propertes",
     "is not a known field (did you mean \"properties\"?)"},
    {"no properties", [](json& d) { d["properties"] = json::array(); }, "/properties",
     "at least one property"},
    {"property id syntax", [](json& d) { at(d, "/properties/0/id") = "Media_WWW"; },
     "/properties/0/id", "is not a valid property id"},
    {"duplicate property id", [](json& d) { at(d, "/properties/1/id") = "media-www"; },
     "/properties/1/id", "\"media-www\" is already the id of /properties/0"},
    {"primary alias syntax",
     [](json& d) { at(d, "/properties/0/primary_alias") = "www..example.com"; },
     "/properties/0/primary_alias", "\"www..example.com\" is not a valid host name"},
    {"alias twice in the document",
     [](json& d) { at(d, "/properties/1/primary_alias") = "CDN.example.com."; },
     "/properties/1/primary_alias", "is already used at /properties/0/aliases/0"},
    {"missing origin", [](json& d) { erase(d, "/properties/1/origin"); }, "/properties/1/origin",
     "is required"},
    {"origin port range", [](json& d) { at(d, "/properties/0/origin/port") = 70000; },
     "/properties/0/origin/port", "must be an integer from 1 to 65535"},
    {"origin protocol", [](json& d) { at(d, "/properties/0/origin/protocol") = "htps"; },
     "/properties/0/origin/protocol", "\"htps\" is not one of \"http\" or \"https\" (did you mean"},
    {"web root", [](json& d) { at(d, "/properties/0/origin/web_root") = "media/"; },
     "/properties/0/origin/web_root", "must start with '/'"},
    {"origin host", [](json& d) { at(d, "/properties/0/origin/host") = "bad host"; },
     "/properties/0/origin/host", "is not a valid host name or IP address"},
    {"negative timeout", [](json& d) { at(d, "/properties/0/origin/connect_timeout_ms") = -5; },
     "/properties/0/origin/connect_timeout_ms", "from 1 to 3600000 milliseconds"},
    {"sni without https", [](json& d) { at(d, "/properties/1/origin/sni") = "a.example.com"; },
     "/properties/1/origin/sni", "only applies with protocol \"https\""},
    {"allowlist needs params",
     [](json& d) { at(d, "/properties/1/cache_key/query") = "allowlist"; },
     "/properties/1/cache_key/params", "is required"},
    {"cache key policy", [](json& d) { at(d, "/properties/1/cache_key/query") = "some"; },
     "/properties/1/cache_key/query", "is not one of \"all\", \"none\" or \"allowlist\""},
    {"hsts needs a certificate", [](json& d) { erase(d, "/properties/0/tls/certificate_id"); },
     "/properties/0/tls/certificate_id", "HSTS need the property's certificate"},
    {"hsts preload", [](json& d) { at(d, "/properties/0/tls/hsts/include_subdomains") = false; },
     "/properties/0/tls/hsts/preload", "needs include_subdomains true"},
    {"duplicate rule name", [](json& d) { at(d, kRules + "/1/name") = "block scrapers"; },
     kRules + "/1/name", "is already the name of /properties/0/match_rules/0"},
    {"empty directives", [](json& d) { at(d, kRules + "/1/directives") = json::object(); },
     kRules + "/1/directives", "needs at least one directive"},
    {"unknown directive",
     [](json& d) {
       auto& dir = at(d, kRules + "/5/directives");
       dir["cache_controls"] = dir["cache_control"];
       dir.erase("cache_control");
     },
     kRules + "/5/directives/cache_controls", "(did you mean \"cache_control\"?)"},
    {"operator typo", [](json& d) { at(d, kRules + "/0/criteria/path/operator") = "startswith"; },
     kRules + "/0/criteria/path/operator", "(did you mean \"starts_with\"?)"},
    {"regex syntax", [](json& d) { at(d, kRules + "/2/criteria/path/values/0") = "\\.(png"; },
     kRules + "/2/criteria/path/values/0", "a '(' has no matching ')'"},
    {"regex length",
     [](json& d) { at(d, kRules + "/2/criteria/path/values/0") = std::string(1025, 'a'); },
     kRules + "/2/criteria/path/values/0", "the limit for a regular expression"},
    {"glob syntax",
     [](json& d) { at(d, kRules + "/1/criteria/path/values/0") = "/downloads/[ab]*"; },
     kRules + "/1/criteria/path/values/0", "only * (any characters) and ? (one character)"},
    {"path must be rooted",
     [](json& d) { at(d, kRules + "/0/criteria/path/values/0") = "images/"; },
     kRules + "/0/criteria/path/values/0", "must start with '/'"},
    {"no values", [](json& d) { at(d, kRules + "/0/criteria/path/values") = json::array(); },
     kRules + "/0/criteria/path/values", "must not be empty"},
    {"ttl needs seconds",
     [](json& d) { erase(d, kRules + "/2/directives/cache_control/internal/ttl_seconds"); },
     kRules + "/2/directives/cache_control/internal/ttl_seconds", "is required"},
    {"negative ttl",
     [](json& d) { at(d, kRules + "/2/directives/cache_control/internal/ttl_seconds") = -1; },
     kRules + "/2/directives/cache_control/internal/ttl_seconds",
     "must be an integer from 0 to 31536000 seconds"},
    {"ttl bound",
     [](json& d) {
       at(d, kRules + "/2/directives/cache_control/internal/ttl_seconds") = 99999999999LL;
     },
     kRules + "/2/directives/cache_control/internal/ttl_seconds", "from 0 to 31536000"},
    {"ttl with no_store",
     [](json& d) { at(d, kRules + "/4/directives/cache_control/internal/ttl_seconds") = 60; },
     kRules + "/4/directives/cache_control/internal/ttl_seconds",
     "only applies with policy \"ttl\""},
    {"override needs a value",
     [](json& d) { erase(d, kRules + "/4/directives/cache_control/external/cache_control"); },
     kRules + "/4/directives/cache_control/external/cache_control", "is required"},
    {"redirect location is absolute",
     [](json& d) { at(d, kRules + "/1/directives/deny/location") = "/downloads/"; },
     kRules + "/1/directives/deny/location", "is not an absolute URL"},
    {"redirect status", [](json& d) { at(d, kRules + "/1/directives/deny/status") = 200; },
     kRules + "/1/directives/deny/status", "must be 301, 302, 303, 307 or 308"},
    {"error status", [](json& d) { at(d, kRules + "/0/directives/deny/status") = 302; },
     kRules + "/0/directives/deny/status", "from 400 to 599"},
    {"country UK", [](json& d) { at(d, kRules + "/3/directives/geo_blocking/countries/1") = "UK"; },
     kRules + "/3/directives/geo_blocking/countries/1",
     "\"UK\" is not an ISO 3166-1 alpha-2 code (did you mean \"GB\"?)"},
    {"country case",
     [](json& d) { at(d, kRules + "/3/directives/geo_blocking/countries/0") = "gb"; },
     kRules + "/3/directives/geo_blocking/countries/0", "did you mean \"GB\"?"},
    {"unassigned country",
     [](json& d) { at(d, kRules + "/3/directives/geo_blocking/countries/0") = "ZZ"; },
     kRules + "/3/directives/geo_blocking/countries/0", "\"ZZ\" is not an ISO 3166-1 alpha-2"},
    {"cidr host bits",
     [](json& d) { at(d, kRules + "/3/directives/geo_blocking/ip_allowlist/0") = "192.0.2.1/24"; },
     kRules + "/3/directives/geo_blocking/ip_allowlist/0", "(did you mean \"192.0.2.0/24\"?)"},
    {"cidr address",
     [](json& d) { at(d, kRules + "/3/directives/geo_blocking/ip_allowlist/0") = "300.1.1.1"; },
     kRules + "/3/directives/geo_blocking/ip_allowlist/0", "is not an IPv4 or IPv6 address"},
    {"cidr v6 prefix",
     [](json& d) {
       at(d, kRules + "/3/directives/geo_blocking/ip_allowlist/1") = "2001:db8::/129";
     },
     kRules + "/3/directives/geo_blocking/ip_allowlist/1", "prefix length above 128"},
    {"header name token",
     [](json& d) { at(d, kRules + "/2/directives/response_headers/set/X Bad") = "1"; },
     kRules + "/2/directives/response_headers/set/X Bad", "is not a valid header name"},
    {"header value CRLF",
     [](json& d) { at(d, kRules + "/4/directives/request_headers/set/X-CDN") = "a\r\nEvil: 1"; },
     kRules + "/4/directives/request_headers/set/X-CDN", "must not contain CR, LF or NUL"},
    {"hop-by-hop header set",
     [](json& d) { at(d, kRules + "/4/directives/request_headers/set/Transfer-Encoding") = "x"; },
     kRules + "/4/directives/request_headers/set/Transfer-Encoding", "is managed by the edge"},
    {"header set twice",
     [](json& d) { at(d, kRules + "/4/directives/request_headers/remove/0") = "x-cdn"; },
     kRules + "/4/directives/request_headers/remove/0",
     "is already used at /properties/0/match_rules/4/directives/request_headers/set/X-CDN"},
    {"three token keys",
     [](json& d) {
       at(d, kRules + "/3/directives/token_auth/keys")
           .push_back({{"id", "k3"}, {"secret_ref", "media-www/token-3"}});
     },
     kRules + "/3/directives/token_auth/keys", "at most 2 are valid at once"},
    {"token key ids unique",
     [](json& d) { at(d, kRules + "/3/directives/token_auth/keys/1/id") = "k2025a"; },
     kRules + "/3/directives/token_auth/keys/1/id", "is used by another key"},
    {"token secret is a reference",
     [](json& d) {
       at(d, kRules + "/3/directives/token_auth/keys/0/secret_ref") = "s3cr3t value!";
     },
     kRules + "/3/directives/token_auth/keys/0/secret_ref", "never put the secret itself"},
    {"token params distinct",
     [](json& d) { at(d, kRules + "/3/directives/token_auth/expires_param") = "token"; },
     kRules + "/3/directives/token_auth/expires_param", "is already the token_param"},
    {"cors wildcard with credentials",
     [](json& d) {
       at(d, kRules + "/2/directives/cors/allow_origins/0") = "*";
       at(d, kRules + "/2/directives/cors/allow_credentials") = true;
     },
     kRules + "/2/directives/cors/allow_credentials", "cannot be true with allow_origins \"*\""},
    {"method", [](json& d) { at(d, kRules + "/2/criteria/methods/0") = "FETCH"; },
     kRules + "/2/criteria/methods/0", "\"FETCH\" is not one of \"GET\""},
    {"boolean type", [](json& d) { at(d, kRules + "/3/criteria/query/0/negate") = "yes"; },
     kRules + "/3/criteria/query/0/negate", "must be true or false"},
    {"exists takes no values",
     [](json& d) { at(d, kRules + "/4/criteria/headers/0/values") = {"Bearer"}; },
     kRules + "/4/criteria/headers/0/values", "must be absent with operator \"exists\""},
    {"secure fill port", [](json& d) { at(d, kRules + "/3/directives/secure_fill/port") = 0; },
     kRules + "/3/directives/secure_fill/port", "from 1 to 65535"},
};

TEST(ConfigurationValidation, EachInvalidDocumentIsLocatedAndExplained) {
  for (const auto& c : kInvalidCases) {
    json doc = full_example();
    c.edit(doc);
    const auto outcome = validate_configuration(doc.dump());
    EXPECT_FALSE(outcome.document.has_value()) << c.name;
    ASSERT_EQ(outcome.errors.size(), 1u) << c.name << "\n" << format_errors(outcome.errors);
    EXPECT_EQ(outcome.errors[0].pointer, c.pointer) << c.name;
    EXPECT_NE(outcome.errors[0].message.find(c.message), std::string::npos)
        << c.name << ": " << outcome.errors[0].message;
  }
}

TEST(ConfigurationValidation, EqualsOperatorNeedsValues) {
  json doc = full_example();
  erase(doc, kRules + "/0/directives/deny/when_headers/0/values");
  const auto outcome = validate_configuration(doc.dump());
  ASSERT_EQ(outcome.errors.size(), 1u) << format_errors(outcome.errors);
  EXPECT_EQ(outcome.errors[0].pointer, kRules + "/0/directives/deny/when_headers/0/values");
  EXPECT_EQ(outcome.errors[0].message, "is required");
}

// "shield" (docs/shield.md): off by default, a boolean, in the canonical form only when on so
// documents stored before the member existed keep their canonical text.
TEST(ConfigurationDocument, ShieldIsAnOptionalBooleanPerProperty) {
  auto small = parse_configuration(example_text("configuration_small.json"));
  ASSERT_TRUE(small.ok()) << small.error();
  EXPECT_FALSE(small->properties[0].shield);
  EXPECT_EQ(to_json(small.value()).find("\"shield\""), std::string::npos);
  auto full = parse_configuration(example_text("configuration_full.json"));
  ASSERT_TRUE(full.ok()) << full.error();
  EXPECT_TRUE(full->properties[0].shield);
  EXPECT_FALSE(full->properties[1].shield);
  EXPECT_EQ(json::parse(to_json(full.value()))["properties"][0]["shield"], true);
  json off = full_example();
  off["properties"][0]["shield"] = false;
  auto parsed = parse_configuration(off.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_FALSE(parsed->properties[0].shield);
  for (const json& wrong : {json("yes"), json(1), json(nullptr), json::object()}) {
    json doc = full_example();
    doc["properties"][1]["shield"] = wrong;
    const auto outcome = validate_configuration(doc.dump());
    ASSERT_EQ(outcome.errors.size(), 1u) << wrong.dump();
    EXPECT_EQ(outcome.errors[0].pointer, "/properties/1/shield");
    EXPECT_EQ(outcome.errors[0].message, "must be true or false");
    EXPECT_FALSE(outcome.document.has_value());
  }
}

TEST(ConfigurationValidation, NotJsonIsOneErrorAtTheRoot) {
  const auto outcome = validate_configuration("{\"scid\": ");
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].pointer, "");
  EXPECT_EQ(outcome.errors[0].message, "is not valid JSON");
}

TEST(ConfigurationValidation, CountryMessageIsExactlyWhatTheCustomerSees) {
  json doc = full_example();
  at(doc, kRules + "/3/directives/geo_blocking/countries/1") = "UK";
  const auto result = parse_configuration(doc.dump());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(),
            "invalid configuration:\n/properties/0/match_rules/3/directives/geo_blocking/"
            "countries/1: \"UK\" is not an ISO 3166-1 alpha-2 code (did you mean \"GB\"?)");
}

TEST(ConfigurationValidation, AllErrorsAreReportedAtOnce) {
  json doc = full_example();
  doc["scid"] = "nope";
  at(doc, "/properties/0/origin/port") = 0;
  at(doc, kRules + "/3/directives/geo_blocking/countries/1") = "UK";
  at(doc, kRules + "/2/criteria/path/values/0") = "(";
  at(doc, "/properties/1/match_rules/0/directives/cache_control/internal/policy") = "forever";
  const auto outcome = validate_configuration(doc.dump());
  std::vector<std::string> pointers;
  for (const auto& e : outcome.errors)
    pointers.push_back(e.pointer);
  EXPECT_EQ(pointers,
            (std::vector<std::string>{
                "/scid", "/properties/0/origin/port", kRules + "/2/criteria/path/values/0",
                kRules + "/3/directives/geo_blocking/countries/1",
                "/properties/1/match_rules/0/directives/cache_control/internal/policy"}));
}

TEST(ConfigurationValidation, PointersEscapeSlashAndTilde) {
  json doc = full_example();
  at(doc, kRules + "/2/directives/response_headers/set")["a/b"] = "1";
  const auto outcome = validate_configuration(doc.dump());
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].pointer, kRules + "/2/directives/response_headers/set/a~1b");
}

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items())
    out.insert(key);
  return out;
}

// The JSON Schema and the validator describe one format: the schema names exactly the fields the
// canonical form of the full example (which uses every directive and section) writes.
TEST(ConfigurationDocs, SchemaNamesTheSameFieldsAsTheValidator) {
  const json schema = json::parse(read_text(kDocsDir / "configuration.schema.json"));
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  auto doc = parse_configuration(example_text("configuration_full.json"));
  ASSERT_TRUE(doc.ok()) << doc.error();
  const json canonical = json::parse(to_json(doc.value()));
  const json& defs = schema["$defs"];
  EXPECT_EQ(keys_of(schema["properties"]), keys_of(canonical));
  EXPECT_EQ(keys_of(defs["property"]["properties"]), keys_of(canonical["properties"][0]));
  EXPECT_EQ(keys_of(defs["origin"]["properties"]), keys_of(canonical["properties"][0]["origin"]));
  EXPECT_EQ(keys_of(defs["tls"]["properties"]), keys_of(canonical["properties"][0]["tls"]));
  // Each directive's fields, united over the rules (a redirect has a location, an error not).
  std::map<std::string, std::set<std::string>> directives;
  for (const auto& rule : canonical["properties"][0]["match_rules"]) {
    for (const auto& [name, value] : rule["directives"].items()) {
      const auto fields = keys_of(value);
      directives[name].insert(fields.begin(), fields.end());
    }
  }
  const std::map<std::string, std::string> kDefinition = {
      {"cache_control", "cacheControl"},     {"deny", "deny"},
      {"geo_blocking", "geoBlocking"},       {"request_headers", "headerRewrite"},
      {"response_headers", "headerRewrite"}, {"token_auth", "tokenAuth"},
      {"secure_fill", "secureFill"},         {"cors", "cors"}};
  std::set<std::string> names;
  for (const auto& [name, fields] : directives) {
    names.insert(name);
    ASSERT_TRUE(kDefinition.contains(name)) << name;
    EXPECT_EQ(keys_of(defs[kDefinition.at(name)]["properties"]), fields) << name;
  }
  EXPECT_EQ(keys_of(defs["directives"]["properties"]), names);
}

// Every complete document shown to customers in docs/configuration.md must be valid.
TEST(ConfigurationDocs, EveryDocumentExampleIsValid) {
  const std::string text = read_text(kDocsDir / "configuration.md");
  ASSERT_FALSE(text.empty());
  std::size_t examples = 0;
  for (std::size_t at_pos = text.find("```json\n"); at_pos != std::string::npos;
       at_pos = text.find("```json\n", at_pos + 1)) {
    const std::size_t start = at_pos + 8;
    const std::size_t end = text.find("```", start);
    const std::string block = text.substr(start, end - start);
    if (block.find("\"scid\"") == std::string::npos) continue;
    ++examples;
    const auto outcome = validate_configuration(block);
    EXPECT_TRUE(outcome.errors.empty()) << block << "\n" << format_errors(outcome.errors);
  }
  EXPECT_GE(examples, 2u);
}

TEST(ConfigurationDocs, DocumentedExamplesMatchTheTestData) {
  const std::string text = read_text(kDocsDir / "configuration.md");
  for (const char* file : {"configuration_full.json", "configuration_small.json"}) {
    EXPECT_NE(text.find(read_text(kExampleDir / file)), std::string::npos)
        << file << " is not shown verbatim in docs/configuration.md";
  }
}

}  // namespace
}  // namespace candela::control
