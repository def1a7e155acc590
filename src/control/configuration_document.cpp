// Parses the configuration document, checks every rule of docs/configuration.md, writes it back.
#include "control/configuration_document.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <utility>

#include "common/ids.hpp"

namespace candela::control {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// RFC 6901: '~' and '/' inside a key must be escaped so the pointer stays unambiguous.
std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string join(const std::string& base, std::string_view key) {
  return base + "/" + escape_pointer_token(key);
}
std::string join(const std::string& base, std::size_t index) {
  return base + "/" + std::to_string(index);
}

std::string quote_text(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest known word, if it is close enough to be a plausible typo.
std::string suggestion(std::string_view word, const std::vector<std::string_view>& known) {
  std::string best;
  std::size_t best_distance = 3;
  for (auto candidate : known) {
    const std::size_t d = edit_distance(lower(word), candidate);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best.empty() ? "" : " (did you mean " + quote_text(best) + "?)";
}

std::string one_of(const std::vector<std::string_view>& words) {
  std::string out;
  std::size_t i = 0;
  for (auto w : words) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += quote_text(w);
    ++i;
  }
  return out;
}

// ---- value syntax -------------------------------------------------------------------------

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool is_host_name(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    const auto label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

bool is_ip_literal(std::string_view text) {
  std::array<unsigned char, 16> buffer{};
  const std::string s(text);
  return inet_pton(AF_INET, s.c_str(), buffer.data()) == 1 ||
         inet_pton(AF_INET6, s.c_str(), buffer.data()) == 1;
}

constexpr std::string_view kHostNameHelp =
    "letters, digits and '-' in dot-separated labels of at most 63 characters, e.g. "
    "\"www.example.com\"";

// Every ISO 3166-1 alpha-2 code officially assigned, so a typo cannot silently block nobody.
constexpr std::string_view kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM "
    "ZW";

bool is_country_code(std::string_view code) {
  if (code.size() != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') {
    return false;
  }
  for (std::size_t i = 0; i < kCountryCodes.size(); i += 3) {
    if (kCountryCodes.substr(i, 2) == code) return true;
  }
  return false;
}

std::string country_error(const std::string& code) {
  std::string message = quote_text(code) + " is not an ISO 3166-1 alpha-2 code";
  std::string upper = code;
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  // The common mistakes: the UK's and Greece's own abbreviations, and lower case.
  if (upper == "UK") return message + " (did you mean \"GB\"?)";
  if (upper == "EL") return message + " (did you mean \"GR\"?)";
  if (upper != code && is_country_code(upper)) {
    return message + " (codes are upper case: did you mean " + quote_text(upper) + "?)";
  }
  return message + " (two upper-case letters, e.g. \"DE\")";
}

// Empty when `text` is an address or a CIDR block with no host bits set, else why not.
std::string cidr_error(const std::string& text) {
  const auto slash = text.find('/');
  const std::string address = text.substr(0, slash);
  std::array<unsigned char, 16> bytes{};
  int bits = 0;
  if (inet_pton(AF_INET, address.c_str(), bytes.data()) == 1) {
    bits = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), bytes.data()) == 1) {
    bits = 128;
  } else {
    return quote_text(text) +
           " is not an IPv4 or IPv6 address or CIDR block (e.g. \"192.0.2.0/24\" or " +
           "\"2001:db8::/32\")";
  }
  int prefix = bits;
  if (slash != std::string::npos) {
    const std::string digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return quote_text(text) + " has an invalid prefix length (a number from 0 to " +
             std::to_string(bits) + " after the '/')";
    }
    prefix = std::stoi(digits);
    if (prefix > bits) {
      return quote_text(text) + " has a prefix length above " + std::to_string(bits);
    }
  }
  // Host bits set usually mean a mistyped block; say which block was probably meant.
  bool host_bits = false;
  for (int bit = prefix; bit < bits; ++bit) {
    if (bytes[static_cast<std::size_t>(bit / 8)] & (0x80 >> (bit % 8))) {
      host_bits = true;
      bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
    }
  }
  if (host_bits) {
    std::array<char, INET6_ADDRSTRLEN> network{};
    inet_ntop(bits == 32 ? AF_INET : AF_INET6, bytes.data(), network.data(), network.size());
    return quote_text(text) + " has bits set after the prefix (did you mean " +
           quote_text(std::string(network.data()) + "/" + std::to_string(prefix)) + "?)";
  }
  return "";
}

// Empty when `url` is an absolute http(s) URL with a valid host, else why not.
std::string absolute_url_error(const std::string& url) {
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return quote_text(url) + " is not an absolute URL (it must start with https:// or http://)";
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) {
      return quote_text(url) + " contains a space or control character (percent-encode it)";
    }
  }
  const std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  std::string host = authority;
  if (const auto colon = authority.rfind(':');
      colon != std::string::npos && authority.find(']') == std::string::npos) {
    host = authority.substr(0, colon);
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return quote_text(url) + " has an invalid port";
    }
  }
  if (!is_host_name(host) && !is_ip_literal(host)) {
    return quote_text(url) + " does not name a valid host";
  }
  return "";
}

// An explanation of a std::regex compile failure a customer can act on.
std::string regex_error_text(std::regex_constants::error_type code) {
  using namespace std::regex_constants;
  if (code == error_brack) return "a '[' has no matching ']'";
  if (code == error_paren) return "a '(' has no matching ')'";
  if (code == error_brace) return "a '{' has no matching '}'";
  if (code == error_badbrace) return "a {n,m} repeat is malformed";
  if (code == error_range) return "a character range like [z-a] is backwards";
  if (code == error_escape) return "it contains an invalid escape or ends with a backslash";
  if (code == error_badrepeat) return "a repeat (*, +, ? or {n}) has nothing before it to repeat";
  if (code == error_complexity || code == error_stack || code == error_space) {
    return "it is too complex (too many repeats or states for the edge to run safely)";
  }
  return "it is not valid ECMAScript regular expression syntax";
}

const std::vector<std::string_view> kMethods = {"GET",    "HEAD",  "POST",   "PUT",
                                                "DELETE", "PATCH", "OPTIONS"};

bool is_method(std::string_view m) {
  return std::find(kMethods.begin(), kMethods.end(), m) != kMethods.end();
}

// Fields the edge owns: rewriting them would break message framing or connection management
// (RFC 9110 §7.6.1), or bypass the origin settings that already control them.
const std::vector<std::string_view> kReservedHeaders = {
    "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
    "upgrade",    "host",       "content-length"};

bool is_reserved_header(std::string_view name) {
  const std::string l = lower(name);
  return std::find(kReservedHeaders.begin(), kReservedHeaders.end(), l) != kReservedHeaders.end();
}

bool is_query_param_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (unsigned char c : name) {
    if (c <= 0x20 || c >= 0x7f || c == '&' || c == '=' || c == '#' || c == '?') return false;
  }
  return true;
}

bool matches_pattern(std::string_view s, std::size_t max, bool allow_space, bool allow_slash,
                     bool allow_upper) {
  if (s.empty() || s.size() > max) return false;
  const char first = s.front();
  if (!((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9') ||
        (allow_upper && first >= 'A' && first <= 'Z'))) {
    return false;
  }
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    (allow_upper && ((c >= 'A' && c <= 'Z') || c == '_' || c == '.')) ||
                    (allow_space && c == ' ') || (allow_slash && c == '/');
    if (!ok) return false;
  }
  return true;
}

// ---- the checker --------------------------------------------------------------------------

// Reads typed members while collecting every problem with its pointer, so one pass reports all.
class Checker {
 public:
  ValidationErrors errors;

  void fail(const std::string& pointer, std::string message) {
    errors.push_back({pointer, std::move(message)});
  }

  // True if `j` is an object; reports members that are not in `known`, with a likely spelling.
  bool object(const json& j, const std::string& ptr,
              std::initializer_list<std::string_view> known) {
    if (!j.is_object()) {
      fail(ptr, "must be an object");
      return false;
    }
    for (const auto& [key, value] : j.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(join(ptr, key), "is not a known field" + suggestion(key, known));
      }
    }
    return true;
  }

  const json* member(const json& obj, const std::string& base, std::string_view key,
                     bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(join(base, key), "is required");
      return nullptr;
    }
    return &*it;
  }

  bool string(const json& obj, const std::string& base, std::string_view key, std::string& out,
              bool required = false) {
    const json* v = member(obj, base, key, required);
    if (v == nullptr) return false;
    if (!v->is_string()) {
      fail(join(base, key), "must be a string");
      return false;
    }
    out = v->get<std::string>();
    return true;
  }

  bool boolean(const json& obj, const std::string& base, std::string_view key, bool& out) {
    const json* v = member(obj, base, key, false);
    if (v == nullptr) return false;
    if (!v->is_boolean()) {
      fail(join(base, key), "must be true or false");
      return false;
    }
    out = v->get<bool>();
    return true;
  }

  template <typename T>
  bool integer(const json& obj, const std::string& base, std::string_view key, T& out,
               std::int64_t lo, std::int64_t hi, bool required = false,
               std::string_view unit = "") {
    const json* v = member(obj, base, key, required);
    if (v == nullptr) return false;
    const std::string range = "must be an integer from " + std::to_string(lo) + " to " +
                              std::to_string(hi) + (unit.empty() ? "" : " " + std::string(unit));
    if (!v->is_number_integer()) {
      fail(join(base, key), range);
      return false;
    }
    // Unsigned values above INT64_MAX must not wrap into the range.
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) {
      fail(join(base, key), range);
      return false;
    }
    const std::int64_t n = v->get<std::int64_t>();
    if (n < lo || n > hi) {
      fail(join(base, key), range);
      return false;
    }
    out = static_cast<T>(n);
    return true;
  }

  template <typename E>
  bool enumeration(const json& obj, const std::string& base, std::string_view key, E& out,
                   std::initializer_list<std::pair<std::string_view, E>> table,
                   const std::vector<std::string_view>& names, bool required = true) {
    std::string text;
    if (!string(obj, base, key, text, required)) return false;
    for (const auto& [name, value] : table) {
      if (name == text) {
        out = value;
        return true;
      }
    }
    fail(join(base, key),
         quote_text(text) + " is not one of " + one_of(names) + suggestion(text, names));
    return false;
  }

  // An array of strings; each element is handed to `check` with its pointer.
  template <typename Check>
  bool strings(const json& obj, const std::string& base, std::string_view key,
               std::vector<std::string>& out, bool required, bool non_empty, Check check) {
    const json* v = member(obj, base, key, required);
    if (v == nullptr) return false;
    const std::string ptr = join(base, key);
    if (!v->is_array()) {
      fail(ptr, "must be an array of strings");
      return false;
    }
    if (non_empty && v->empty()) {
      fail(ptr, "must not be empty");
      return false;
    }
    out.clear();
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string()) {
        fail(join(ptr, i), "must be a string");
        continue;
      }
      out.push_back(e.get<std::string>());
      check(join(ptr, i), out.back());
    }
    return true;
  }
};

const std::vector<std::string_view> kOperatorNames = {
    "equals", "starts_with", "ends_with", "contains", "matches", "regex", "exists"};
const std::initializer_list<std::pair<std::string_view, MatchOperator>> kOperators = {
    {"equals", MatchOperator::kEquals},      {"starts_with", MatchOperator::kStartsWith},
    {"ends_with", MatchOperator::kEndsWith}, {"contains", MatchOperator::kContains},
    {"matches", MatchOperator::kMatches},    {"regex", MatchOperator::kRegex},
    {"exists", MatchOperator::kExists}};

std::string_view operator_name(MatchOperator op) {
  for (const auto& [name, value] : kOperators) {
    if (value == op) return name;
  }
  return "";
}

void check_header_value(Checker& c, const std::string& ptr, const std::string& value) {
  if (value.size() > 8192) {
    c.fail(ptr, "is longer than 8192 bytes");
    return;
  }
  for (unsigned char ch : value) {
    if (ch == '\r' || ch == '\n' || ch == '\0') {
      c.fail(ptr, "must not contain CR, LF or NUL (a header value is one line)");
      return;
    }
  }
}

void check_header_name(Checker& c, const std::string& ptr, const std::string& name) {
  if (!is_token(name)) {
    c.fail(ptr, quote_text(name) +
                    " is not a valid header name (letters, digits and !#$%&'*+-.^_`|~, no spaces "
                    "or colons)");
  }
}

// Checks one criterion value against what its operator accepts.
void check_pattern(Checker& c, const std::string& ptr, const std::string& value, MatchOperator op,
                   bool is_path) {
  if (value.empty()) {
    c.fail(ptr, "must not be empty");
    return;
  }
  if (op == MatchOperator::kRegex) {
    if (value.size() > kMaxRegexLength) {
      c.fail(ptr, "is longer than " + std::to_string(kMaxRegexLength) +
                      " characters, the limit for a regular expression");
      return;
    }
    try {
      std::regex compiled(value, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      c.fail(ptr, quote_text(value) +
                      " is not a valid regular expression: " + regex_error_text(e.code()));
    }
    return;
  }
  if (value.size() > 2048) {
    c.fail(ptr, "is longer than 2048 characters");
    return;
  }
  for (unsigned char ch : value) {
    if (ch < 0x20 || ch == 0x7f || (is_path && ch == ' ')) {
      c.fail(ptr, quote_text(value) +
                      " contains a space or control character (percent-encode it, "
                      "e.g. %20)");
      return;
    }
  }
  if (is_path && value.front() != '/' &&
      (op == MatchOperator::kEquals || op == MatchOperator::kStartsWith ||
       op == MatchOperator::kMatches)) {
    c.fail(ptr, quote_text(value) + " must start with '/' (paths are matched from the root)");
    return;
  }
  if (op == MatchOperator::kMatches) {
    if (value.find_first_of("[]{}") != std::string::npos) {
      c.fail(ptr, quote_text(value) +
                      " uses [ ] or { }, which globs do not support: only * (any characters) and "
                      "? (one character) are wildcards; use operator \"regex\" for more");
    } else if (value.find("**") != std::string::npos) {
      c.fail(ptr, quote_text(value) + " contains \"**\": a single * already matches across '/'");
    }
  }
}

void parse_values(Checker& c, const json& j, const std::string& base, MatchOperator op,
                  bool is_path, std::vector<std::string>& out) {
  if (op == MatchOperator::kExists) {
    if (j.contains("values"))
      c.fail(join(base, "values"), "must be absent with operator \"exists\"");
    return;
  }
  c.strings(j, base, "values", out, true, true, [&](const std::string& ptr, const std::string& v) {
    check_pattern(c, ptr, v, op, is_path);
  });
  if (out.size() > 100) c.fail(join(base, "values"), "has more than 100 values");
}

std::optional<PathCriterion> parse_path_criterion(Checker& c, const json& j,
                                                  const std::string& base) {
  if (!c.object(j, base, {"operator", "values", "negate", "case_sensitive"})) return std::nullopt;
  PathCriterion p;
  const std::initializer_list<std::string_view> names = {"equals",   "starts_with", "ends_with",
                                                         "contains", "matches",     "regex"};
  const bool op_ok = c.enumeration(j, base, "operator", p.op, kOperators, names);
  if (op_ok && p.op == MatchOperator::kExists) {
    c.fail(join(base, "operator"),
           "\"exists\" applies to headers and query parameters; every "
           "request has a path");
  }
  if (op_ok) parse_values(c, j, base, p.op, true, p.values);
  c.boolean(j, base, "negate", p.negate);
  c.boolean(j, base, "case_sensitive", p.case_sensitive);
  return p;
}

std::vector<NamedCriterion> parse_named_criteria(Checker& c, const json& obj,
                                                 const std::string& base, std::string_view key,
                                                 bool header) {
  std::vector<NamedCriterion> out;
  const json* v = c.member(obj, base, key, false);
  if (v == nullptr) return out;
  const std::string ptr = join(base, key);
  if (!v->is_array()) {
    c.fail(ptr, "must be an array");
    return out;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const std::string item = join(ptr, i);
    const json& e = (*v)[i];
    if (!c.object(e, item, {"name", "operator", "values", "negate", "case_sensitive"})) continue;
    NamedCriterion n;
    if (c.string(e, item, "name", n.name, true)) {
      if (header) {
        check_header_name(c, join(item, "name"), n.name);
      } else if (!is_query_param_name(n.name)) {
        c.fail(join(item, "name"), quote_text(n.name) +
                                       " is not a valid query parameter name (no spaces, &, =, "
                                       "# or ?)");
      }
    }
    if (c.enumeration(e, item, "operator", n.op, kOperators, kOperatorNames)) {
      parse_values(c, e, item, n.op, false, n.values);
    }
    c.boolean(e, item, "negate", n.negate);
    c.boolean(e, item, "case_sensitive", n.case_sensitive);
    out.push_back(std::move(n));
  }
  return out;
}

Criteria parse_criteria(Checker& c, const json& j, const std::string& base) {
  Criteria criteria;
  if (!c.object(j, base, {"path", "methods", "headers", "query"})) return criteria;
  if (const json* p = c.member(j, base, "path", false)) {
    criteria.path = parse_path_criterion(c, *p, join(base, "path"));
  }
  std::set<std::string> seen;
  c.strings(j, base, "methods", criteria.methods, false, true,
            [&](const std::string& ptr, const std::string& m) {
              if (!is_method(m)) {
                c.fail(ptr, quote_text(m) + " is not one of " + one_of(kMethods) +
                                suggestion(m, {"get", "head", "post", "put", "delete", "patch",
                                               "options"}));
              } else if (!seen.insert(m).second) {
                c.fail(ptr, quote_text(m) + " is listed twice");
              }
            });
  criteria.headers = parse_named_criteria(c, j, base, "headers", true);
  criteria.query = parse_named_criteria(c, j, base, "query", false);
  return criteria;
}

std::optional<CacheControlDirective> parse_cache_control(Checker& c, const json& j,
                                                         const std::string& base) {
  if (!c.object(j, base, {"internal", "external"})) return std::nullopt;
  CacheControlDirective d;
  if (!j.contains("internal") && !j.contains("external")) {
    c.fail(base, "needs \"internal\", \"external\" or both");
  }
  if (const json* in = c.member(j, base, "internal", false)) {
    const std::string ptr = join(base, "internal");
    if (c.object(*in, ptr, {"policy", "ttl_seconds"})) {
      InternalCachePolicy policy{};
      if (c.enumeration(*in, ptr, "policy", policy,
                        {{"ttl", InternalCachePolicy::kTtl},
                         {"as_is", InternalCachePolicy::kAsIs},
                         {"no_cache", InternalCachePolicy::kNoCache},
                         {"no_store", InternalCachePolicy::kNoStore}},
                        {"ttl", "as_is", "no_cache", "no_store"})) {
        d.internal = policy;
        if (policy == InternalCachePolicy::kTtl) {
          c.integer(*in, ptr, "ttl_seconds", d.ttl_seconds, 0, kMaxTtlSeconds, true, "seconds");
        } else if (in->contains("ttl_seconds")) {
          c.fail(join(ptr, "ttl_seconds"), "only applies with policy \"ttl\"");
        }
      }
    }
  }
  if (const json* ex = c.member(j, base, "external", false)) {
    const std::string ptr = join(base, "external");
    if (c.object(*ex, ptr, {"policy", "max_age_seconds", "cache_control"})) {
      ExternalCachePolicy policy{};
      if (c.enumeration(*ex, ptr, "policy", policy,
                        {{"as_is", ExternalCachePolicy::kAsIs},
                         {"override", ExternalCachePolicy::kOverride},
                         {"no_store", ExternalCachePolicy::kNoStore},
                         {"max_age", ExternalCachePolicy::kMaxAge}},
                        {"as_is", "override", "no_store", "max_age"})) {
        d.external = policy;
        if (policy == ExternalCachePolicy::kMaxAge) {
          c.integer(*ex, ptr, "max_age_seconds", d.max_age_seconds, 0, kMaxTtlSeconds, true,
                    "seconds");
        } else if (ex->contains("max_age_seconds")) {
          c.fail(join(ptr, "max_age_seconds"), "only applies with policy \"max_age\"");
        }
        if (policy == ExternalCachePolicy::kOverride) {
          if (c.string(*ex, ptr, "cache_control", d.cache_control, true)) {
            if (d.cache_control.empty()) {
              c.fail(join(ptr, "cache_control"), "must not be empty");
            } else {
              check_header_value(c, join(ptr, "cache_control"), d.cache_control);
            }
          }
        } else if (ex->contains("cache_control")) {
          c.fail(join(ptr, "cache_control"), "only applies with policy \"override\"");
        }
      }
    }
  }
  return d;
}

std::optional<DenyDirective> parse_deny(Checker& c, const json& j, const std::string& base) {
  if (!c.object(j, base, {"when_headers", "action", "status", "location"})) return std::nullopt;
  DenyDirective d;
  d.when_headers = parse_named_criteria(c, j, base, "when_headers", true);
  if (!c.enumeration(j, base, "action", d.action,
                     {{"error", DenyAction::kError}, {"redirect", DenyAction::kRedirect}},
                     {"error", "redirect"})) {
    return d;
  }
  if (d.action == DenyAction::kError) {
    c.integer(j, base, "status", d.status, 400, 599, false, "(an HTTP error status)");
    if (j.contains("location")) {
      c.fail(join(base, "location"), "only applies with action \"redirect\"");
    }
    return d;
  }
  d.status = 302;
  if (const json* s = c.member(j, base, "status", false)) {
    static constexpr std::array<int, 5> kRedirects = {301, 302, 303, 307, 308};
    if (!s->is_number_integer() || std::find(kRedirects.begin(), kRedirects.end(),
                                             s->get<std::int64_t>()) == kRedirects.end()) {
      c.fail(join(base, "status"), "must be 301, 302, 303, 307 or 308 for a redirect");
    } else {
      d.status = s->get<int>();
    }
  }
  if (c.string(j, base, "location", d.location, true)) {
    if (auto e = absolute_url_error(d.location); !e.empty()) c.fail(join(base, "location"), e);
  }
  return d;
}

std::optional<GeoBlockingDirective> parse_geo(Checker& c, const json& j, const std::string& base) {
  if (!c.object(j, base, {"mode", "countries", "ip_allowlist"})) return std::nullopt;
  GeoBlockingDirective d;
  c.enumeration(j, base, "mode", d.mode, {{"allow", GeoMode::kAllow}, {"deny", GeoMode::kDeny}},
                {"allow", "deny"});
  std::set<std::string> seen;
  c.strings(j, base, "countries", d.countries, true, true,
            [&](const std::string& ptr, const std::string& code) {
              if (!is_country_code(code)) {
                c.fail(ptr, country_error(code));
              } else if (!seen.insert(code).second) {
                c.fail(ptr, quote_text(code) + " is listed twice");
              }
            });
  c.strings(j, base, "ip_allowlist", d.ip_allowlist, false, false,
            [&](const std::string& ptr, const std::string& block) {
              if (auto e = cidr_error(block); !e.empty()) c.fail(ptr, e);
            });
  return d;
}

std::optional<HeaderRewrite> parse_header_rewrite(Checker& c, const json& j,
                                                  const std::string& base) {
  if (!c.object(j, base, {"set", "add", "remove"})) return std::nullopt;
  HeaderRewrite d;
  if (!j.contains("set") && !j.contains("add") && !j.contains("remove")) {
    c.fail(base, "needs \"set\", \"add\" or \"remove\"");
  }
  std::map<std::string, std::string> first_use;  // lower-case name -> where it was first used
  auto check_name = [&](const std::string& ptr, const std::string& name) {
    check_header_name(c, ptr, name);
    if (is_token(name) && is_reserved_header(name)) {
      c.fail(ptr, quote_text(name) +
                      " is managed by the edge and cannot be changed (hop-by-hop and framing "
                      "fields; use origin.host_header for Host)");
    }
    auto [it, inserted] = first_use.emplace(lower(name), ptr);
    if (!inserted) c.fail(ptr, quote_text(name) + " is already used at " + it->second);
  };
  for (std::string_view key : {"set", "add"}) {
    const json* m = c.member(j, base, key, false);
    if (m == nullptr) continue;
    const std::string ptr = join(base, key);
    if (!m->is_object()) {
      c.fail(ptr, "must be an object of header name to value");
      continue;
    }
    auto& target = key == "set" ? d.set : d.add;
    for (const auto& [name, value] : m->items()) {
      const std::string item = join(ptr, name);
      check_name(item, name);
      if (!value.is_string()) {
        c.fail(item, "must be a string");
        continue;
      }
      check_header_value(c, item, value.get<std::string>());
      target[name] = value.get<std::string>();
    }
  }
  c.strings(j, base, "remove", d.remove, false, false, check_name);
  return d;
}

std::optional<TokenAuthDirective> parse_token_auth(Checker& c, const json& j,
                                                   const std::string& base) {
  if (!c.object(j, base,
                {"keys", "token_param", "expires_param", "key_id_param", "max_ttl_seconds",
                 "bind_client_ip", "failure_status"})) {
    return std::nullopt;
  }
  TokenAuthDirective d;
  if (const json* keys = c.member(j, base, "keys", true)) {
    const std::string ptr = join(base, "keys");
    if (!keys->is_array() || keys->empty()) {
      c.fail(ptr, "must be an array of one or two keys");
    } else if (keys->size() > kMaxTokenKeys) {
      c.fail(ptr, "has " + std::to_string(keys->size()) +
                      " keys; at most 2 are valid at once (the current one and, while rotating, "
                      "the next)");
    } else {
      std::set<std::string> ids;
      for (std::size_t i = 0; i < keys->size(); ++i) {
        const std::string item = join(ptr, i);
        if (!c.object((*keys)[i], item, {"id", "secret_ref"})) continue;
        TokenKey key;
        if (c.string((*keys)[i], item, "id", key.id, true)) {
          if (!matches_pattern(key.id, 32, false, false, true)) {
            c.fail(join(item, "id"), quote_text(key.id) +
                                         " must be 1-32 letters, digits, '-', '_' or '.' "
                                         "starting with a letter or digit");
          } else if (!ids.insert(key.id).second) {
            c.fail(join(item, "id"), quote_text(key.id) + " is used by another key");
          }
        }
        if (c.string((*keys)[i], item, "secret_ref", key.secret_ref, true) &&
            !matches_pattern(key.secret_ref, 128, false, true, true)) {
          c.fail(join(item, "secret_ref"),
                 "must name a secret stored in the portal (letters, digits, '-', '_', '.', '/'); "
                 "never put the secret itself in the configuration");
        }
        d.keys.push_back(std::move(key));
      }
    }
  }
  std::map<std::string, std::string> params;
  for (auto [key, target] :
       {std::pair<std::string_view, std::string*>{"token_param", &d.token_param},
        {"expires_param", &d.expires_param},
        {"key_id_param", &d.key_id_param}}) {
    if (c.string(j, base, key, *target) && !is_query_param_name(*target)) {
      c.fail(join(base, key), quote_text(*target) + " is not a valid query parameter name");
    }
    auto [it, inserted] = params.emplace(*target, std::string(key));
    if (!inserted) {
      c.fail(join(base, key), quote_text(*target) + " is already the " + it->second);
    }
  }
  c.integer(j, base, "max_ttl_seconds", d.max_ttl_seconds, 1, kMaxTtlSeconds, false, "seconds");
  c.boolean(j, base, "bind_client_ip", d.bind_client_ip);
  if (const json* s = c.member(j, base, "failure_status", false)) {
    if (!s->is_number_integer() ||
        (s->get<std::int64_t>() != 401 && s->get<std::int64_t>() != 403 &&
         s->get<std::int64_t>() != 404)) {
      c.fail(join(base, "failure_status"), "must be 401, 403 or 404");
    } else {
      d.failure_status = s->get<int>();
    }
  }
  return d;
}

std::optional<SecureFillDirective> parse_secure_fill(Checker& c, const json& j,
                                                     const std::string& base) {
  if (!c.object(j, base, {"enabled", "port", "verify_certificate", "sni"})) return std::nullopt;
  SecureFillDirective d;
  c.boolean(j, base, "enabled", d.enabled);
  c.integer(j, base, "port", d.port, 1, 65535);
  c.boolean(j, base, "verify_certificate", d.verify_certificate);
  if (c.string(j, base, "sni", d.sni) && !is_host_name(d.sni)) {
    c.fail(join(base, "sni"),
           quote_text(d.sni) + " is not a valid host name (" + std::string(kHostNameHelp) + ")");
  }
  return d;
}

std::optional<CorsDirective> parse_cors(Checker& c, const json& j, const std::string& base) {
  if (!c.object(j, base,
                {"allow_origins", "allow_methods", "allow_headers", "expose_headers",
                 "allow_credentials", "max_age_seconds"})) {
    return std::nullopt;
  }
  CorsDirective d;
  c.strings(j, base, "allow_origins", d.allow_origins, true, true,
            [&](const std::string& ptr, const std::string& origin) {
              if (origin == "*") return;
              const auto e = absolute_url_error(origin);
              const auto scheme_end = origin.find("://");
              if (!e.empty()) {
                c.fail(ptr, e + "; an origin is \"*\" or scheme://host[:port]");
              } else if (origin.find_first_of("/?#", scheme_end + 3) != std::string::npos) {
                c.fail(ptr, quote_text(origin) + " must be scheme://host[:port] with no path");
              }
            });
  std::set<std::string> seen;
  c.strings(j, base, "allow_methods", d.allow_methods, false, true,
            [&](const std::string& ptr, const std::string& m) {
              if (!is_method(m)) {
                c.fail(ptr, quote_text(m) + " is not one of " + one_of(kMethods));
              } else if (!seen.insert(m).second) {
                c.fail(ptr, quote_text(m) + " is listed twice");
              }
            });
  auto header_name = [&](const std::string& ptr, const std::string& name) {
    check_header_name(c, ptr, name);
  };
  c.strings(j, base, "allow_headers", d.allow_headers, false, false, header_name);
  c.strings(j, base, "expose_headers", d.expose_headers, false, false, header_name);
  c.boolean(j, base, "allow_credentials", d.allow_credentials);
  c.integer(j, base, "max_age_seconds", d.max_age_seconds, 0, 86400, false, "seconds");
  const bool wildcard =
      std::find(d.allow_origins.begin(), d.allow_origins.end(), "*") != d.allow_origins.end();
  if (wildcard && d.allow_origins.size() > 1) {
    c.fail(join(base, "allow_origins"), "\"*\" already allows every origin; list it alone");
  }
  if (wildcard && d.allow_credentials) {
    c.fail(join(base, "allow_credentials"),
           "cannot be true with allow_origins \"*\" (browsers refuse credentials for a wildcard "
           "origin); list the origins instead");
  }
  return d;
}

Directives parse_directives(Checker& c, const json& j, const std::string& base) {
  Directives d;
  if (!c.object(j, base,
                {"cache_control", "deny", "geo_blocking", "request_headers", "response_headers",
                 "token_auth", "secure_fill", "cors"})) {
    return d;
  }
  if (j.empty()) c.fail(base, "needs at least one directive (a rule without one does nothing)");
  if (const json* v = c.member(j, base, "cache_control", false)) {
    d.cache_control = parse_cache_control(c, *v, join(base, "cache_control"));
  }
  if (const json* v = c.member(j, base, "deny", false)) {
    d.deny = parse_deny(c, *v, join(base, "deny"));
  }
  if (const json* v = c.member(j, base, "geo_blocking", false)) {
    d.geo_blocking = parse_geo(c, *v, join(base, "geo_blocking"));
  }
  if (const json* v = c.member(j, base, "request_headers", false)) {
    d.request_headers = parse_header_rewrite(c, *v, join(base, "request_headers"));
  }
  if (const json* v = c.member(j, base, "response_headers", false)) {
    d.response_headers = parse_header_rewrite(c, *v, join(base, "response_headers"));
  }
  if (const json* v = c.member(j, base, "token_auth", false)) {
    d.token_auth = parse_token_auth(c, *v, join(base, "token_auth"));
  }
  if (const json* v = c.member(j, base, "secure_fill", false)) {
    d.secure_fill = parse_secure_fill(c, *v, join(base, "secure_fill"));
  }
  if (const json* v = c.member(j, base, "cors", false)) {
    d.cors = parse_cors(c, *v, join(base, "cors"));
  }
  return d;
}

void parse_origin(Checker& c, const json& j, const std::string& base, OriginSettings& o) {
  if (!c.object(j, base,
                {"host", "protocol", "port", "web_root", "host_header", "verify_tls", "sni",
                 "connect_timeout_ms", "response_timeout_ms", "read_timeout_ms"})) {
    return;
  }
  if (c.string(j, base, "host", o.host, true) && !is_host_name(o.host) && !is_ip_literal(o.host)) {
    c.fail(join(base, "host"), quote_text(o.host) + " is not a valid host name or IP address (" +
                                   std::string(kHostNameHelp) + ")");
  }
  const bool protocol_ok =
      !j.contains("protocol") ||
      c.enumeration(j, base, "protocol", o.protocol, {{"http", "http"}, {"https", "https"}},
                    {"http", "https"}, false);
  o.port = o.protocol == "https" ? 443 : 80;
  c.integer(j, base, "port", o.port, 1, 65535);
  if (c.string(j, base, "web_root", o.web_root) && !o.web_root.empty() &&
      (o.web_root.front() != '/' || o.web_root.back() == '/' ||
       o.web_root.find_first_of(" ?#") != std::string::npos)) {
    c.fail(join(base, "web_root"),
           "must start with '/', not end with '/' and contain no space, ? or # (e.g. \"/media\")");
  }
  if (c.string(j, base, "host_header", o.host_header) && !o.host_header.empty() &&
      !is_host_name(o.host_header)) {
    c.fail(join(base, "host_header"), quote_text(o.host_header) + " is not a valid host name (" +
                                          std::string(kHostNameHelp) + ")");
  }
  c.boolean(j, base, "verify_tls", o.verify_tls);
  if (c.string(j, base, "sni", o.sni) && !o.sni.empty() && !is_host_name(o.sni)) {
    c.fail(join(base, "sni"),
           quote_text(o.sni) + " is not a valid host name (" + std::string(kHostNameHelp) + ")");
  }
  // An unknown protocol is reported once, not again through the fields that depend on it.
  if (protocol_ok && o.protocol == "http" && (j.contains("sni") || j.contains("verify_tls"))) {
    c.fail(join(base, j.contains("sni") ? "sni" : "verify_tls"),
           "only applies with protocol \"https\" (or a secure_fill directive)");
  }
  c.integer(j, base, "connect_timeout_ms", o.connect_timeout_ms, 1, 3'600'000, false,
            "milliseconds");
  c.integer(j, base, "response_timeout_ms", o.response_timeout_ms, 1, 3'600'000, false,
            "milliseconds");
  c.integer(j, base, "read_timeout_ms", o.read_timeout_ms, 1, 3'600'000, false, "milliseconds");
}

void parse_cache_key(Checker& c, const json& j, const std::string& base, CacheKeySettings& k) {
  if (!c.object(j, base, {"query", "params"})) return;
  if (!c.enumeration(j, base, "query", k.query,
                     {{"all", QueryKeyPolicy::kAll},
                      {"none", QueryKeyPolicy::kNone},
                      {"allowlist", QueryKeyPolicy::kAllowlist}},
                     {"all", "none", "allowlist"})) {
    return;
  }
  if (k.query != QueryKeyPolicy::kAllowlist) {
    if (j.contains("params")) c.fail(join(base, "params"), "only applies with query \"allowlist\"");
    return;
  }
  std::set<std::string> seen;
  c.strings(j, base, "params", k.params, true, true,
            [&](const std::string& ptr, const std::string& p) {
              if (!is_query_param_name(p)) {
                c.fail(ptr, quote_text(p) + " is not a valid query parameter name");
              } else if (!seen.insert(p).second) {
                c.fail(ptr, quote_text(p) + " is listed twice");
              }
            });
}

std::optional<TlsSettings> parse_tls(Checker& c, const json& j, const std::string& base) {
  if (!c.object(j, base, {"certificate_id", "redirect_http_to_https", "hsts"})) return std::nullopt;
  TlsSettings t;
  if (!j.contains("certificate_id")) {
    c.fail(join(base, "certificate_id"),
           "is required: HTTPS, the HTTP to HTTPS redirect and HSTS need the property's "
           "certificate (upload one in the portal and use its id)");
  } else if (c.string(j, base, "certificate_id", t.certificate_id) &&
             !matches_pattern(t.certificate_id, 64, false, false, true)) {
    c.fail(join(base, "certificate_id"),
           quote_text(t.certificate_id) +
               " is not a certificate id (1-64 letters, digits, '-', '_', "
               "'.')");
  }
  c.boolean(j, base, "redirect_http_to_https", t.redirect_http_to_https);
  if (const json* h = c.member(j, base, "hsts", false)) {
    const std::string ptr = join(base, "hsts");
    if (c.object(*h, ptr, {"max_age_seconds", "include_subdomains", "preload"})) {
      HstsSettings hsts;
      c.integer(*h, ptr, "max_age_seconds", hsts.max_age_seconds, 0, kMaxHstsAgeSeconds, false,
                "seconds");
      c.boolean(*h, ptr, "include_subdomains", hsts.include_subdomains);
      c.boolean(*h, ptr, "preload", hsts.preload);
      // The browsers' preload list refuses sites that do not meet these (hstspreload.org).
      if (hsts.preload &&
          (!hsts.include_subdomains || hsts.max_age_seconds < kHstsPreloadMinSeconds)) {
        c.fail(join(ptr, "preload"),
               "needs include_subdomains true and max_age_seconds of at least 31536000 (one "
               "year) to be accepted by browsers' preload lists");
      }
      t.hsts = hsts;
    }
  }
  return t;
}

void parse_property(Checker& c, const json& j, const std::string& base, PropertyConfig& p,
                    std::map<std::string, std::string>& alias_owner) {
  if (!c.object(j, base,
                {"id", "primary_alias", "aliases", "origin", "cache_key", "tls", "match_rules",
                 "shield"})) {
    return;
  }
  if (c.string(j, base, "id", p.id, true) && !matches_pattern(p.id, 63, false, false, false)) {
    c.fail(join(base, "id"), quote_text(p.id) +
                                 " is not a valid property id (1-63 lower-case letters, digits "
                                 "and '-', starting with a letter or digit)");
  }
  auto claim = [&](const std::string& ptr, const std::string& alias) {
    if (!is_host_name(alias)) {
      c.fail(ptr,
             quote_text(alias) + " is not a valid host name (" + std::string(kHostNameHelp) + ")");
      return;
    }
    const std::string key = normalize_host(alias);
    auto [it, inserted] = alias_owner.emplace(key, ptr);
    if (!inserted) c.fail(ptr, quote_text(alias) + " is already used at " + it->second);
  };
  if (c.string(j, base, "primary_alias", p.primary_alias, true)) {
    claim(join(base, "primary_alias"), p.primary_alias);
    p.primary_alias = normalize_host(p.primary_alias);
  }
  c.strings(j, base, "aliases", p.aliases, false, false, claim);
  for (auto& alias : p.aliases)
    alias = normalize_host(alias);
  if (const json* o = c.member(j, base, "origin", true)) {
    parse_origin(c, *o, join(base, "origin"), p.origin);
  }
  if (const json* k = c.member(j, base, "cache_key", false)) {
    parse_cache_key(c, *k, join(base, "cache_key"), p.cache_key);
  }
  if (const json* t = c.member(j, base, "tls", false)) p.tls = parse_tls(c, *t, join(base, "tls"));
  c.boolean(j, base, "shield", p.shield);
  if (const json* rules = c.member(j, base, "match_rules", false)) {
    const std::string ptr = join(base, "match_rules");
    if (!rules->is_array()) {
      c.fail(ptr, "must be an array of match rules");
      return;
    }
    std::map<std::string, std::string> names;
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const std::string item = join(ptr, i);
      const json& r = (*rules)[i];
      if (!c.object(r, item, {"name", "criteria", "directives"})) continue;
      MatchRule rule;
      if (c.string(r, item, "name", rule.name, true)) {
        if (!matches_pattern(rule.name, 64, true, false, true)) {
          c.fail(join(item, "name"), quote_text(rule.name) +
                                         " is not a valid rule name (1-64 letters, digits, spaces, "
                                         "'-', '_', '.', starting with a letter or digit)");
        } else if (auto [it, inserted] = names.emplace(rule.name, item); !inserted) {
          c.fail(join(item, "name"),
                 quote_text(rule.name) + " is already the name of " + it->second);
        }
      }
      if (const json* cr = c.member(r, item, "criteria", false)) {
        rule.criteria = parse_criteria(c, *cr, join(item, "criteria"));
      }
      if (const json* d = c.member(r, item, "directives", true)) {
        rule.directives = parse_directives(c, *d, join(item, "directives"));
      }
      p.match_rules.push_back(std::move(rule));
    }
  }
}

// ---- canonical output -----------------------------------------------------------------------

ordered_json values_json(MatchOperator op, const std::vector<std::string>& values) {
  ordered_json out = ordered_json::object();
  out["operator"] = operator_name(op);
  if (op != MatchOperator::kExists) out["values"] = values;
  return out;
}

ordered_json named_criteria_json(const std::vector<NamedCriterion>& criteria) {
  ordered_json out = ordered_json::array();
  for (const auto& n : criteria) {
    ordered_json j = ordered_json::object();
    j["name"] = n.name;
    j.update(values_json(n.op, n.values));
    j["negate"] = n.negate;
    j["case_sensitive"] = n.case_sensitive;
    out.push_back(std::move(j));
  }
  return out;
}

ordered_json header_rewrite_json(const HeaderRewrite& h) {
  ordered_json out = ordered_json::object();
  out["set"] = ordered_json::object();
  for (const auto& [name, value] : h.set)
    out["set"][name] = value;
  out["add"] = ordered_json::object();
  for (const auto& [name, value] : h.add)
    out["add"][name] = value;
  out["remove"] = h.remove;
  return out;
}

ordered_json directives_json(const Directives& d) {
  ordered_json out = ordered_json::object();
  if (d.cache_control) {
    ordered_json cc = ordered_json::object();
    if (auto policy = d.cache_control->internal) {
      static constexpr std::array<const char*, 4> kNames = {"ttl", "as_is", "no_cache", "no_store"};
      cc["internal"]["policy"] = kNames[static_cast<std::size_t>(*policy)];
      if (*policy == InternalCachePolicy::kTtl) {
        cc["internal"]["ttl_seconds"] = d.cache_control->ttl_seconds;
      }
    }
    if (auto policy = d.cache_control->external) {
      static constexpr std::array<const char*, 4> kNames = {"as_is", "override", "no_store",
                                                            "max_age"};
      cc["external"]["policy"] = kNames[static_cast<std::size_t>(*policy)];
      if (*policy == ExternalCachePolicy::kMaxAge) {
        cc["external"]["max_age_seconds"] = d.cache_control->max_age_seconds;
      }
      if (*policy == ExternalCachePolicy::kOverride) {
        cc["external"]["cache_control"] = d.cache_control->cache_control;
      }
    }
    out["cache_control"] = std::move(cc);
  }
  if (d.deny) {
    ordered_json j = ordered_json::object();
    j["when_headers"] = named_criteria_json(d.deny->when_headers);
    j["action"] = d.deny->action == DenyAction::kError ? "error" : "redirect";
    j["status"] = d.deny->status;
    if (d.deny->action == DenyAction::kRedirect) j["location"] = d.deny->location;
    out["deny"] = std::move(j);
  }
  if (d.geo_blocking) {
    ordered_json j = ordered_json::object();
    j["mode"] = d.geo_blocking->mode == GeoMode::kAllow ? "allow" : "deny";
    j["countries"] = d.geo_blocking->countries;
    j["ip_allowlist"] = d.geo_blocking->ip_allowlist;
    out["geo_blocking"] = std::move(j);
  }
  if (d.request_headers) out["request_headers"] = header_rewrite_json(*d.request_headers);
  if (d.response_headers) out["response_headers"] = header_rewrite_json(*d.response_headers);
  if (d.token_auth) {
    const auto& t = *d.token_auth;
    ordered_json j = ordered_json::object();
    j["keys"] = ordered_json::array();
    for (const auto& key : t.keys)
      j["keys"].push_back({{"id", key.id}, {"secret_ref", key.secret_ref}});
    j["token_param"] = t.token_param;
    j["expires_param"] = t.expires_param;
    j["key_id_param"] = t.key_id_param;
    j["max_ttl_seconds"] = t.max_ttl_seconds;
    j["bind_client_ip"] = t.bind_client_ip;
    j["failure_status"] = t.failure_status;
    out["token_auth"] = std::move(j);
  }
  if (d.secure_fill) {
    ordered_json j = ordered_json::object();
    j["enabled"] = d.secure_fill->enabled;
    j["port"] = d.secure_fill->port;
    j["verify_certificate"] = d.secure_fill->verify_certificate;
    j["sni"] = d.secure_fill->sni;
    out["secure_fill"] = std::move(j);
  }
  if (d.cors) {
    ordered_json j = ordered_json::object();
    j["allow_origins"] = d.cors->allow_origins;
    j["allow_methods"] = d.cors->allow_methods;
    j["allow_headers"] = d.cors->allow_headers;
    j["expose_headers"] = d.cors->expose_headers;
    j["allow_credentials"] = d.cors->allow_credentials;
    j["max_age_seconds"] = d.cors->max_age_seconds;
    out["cors"] = std::move(j);
  }
  return out;
}

}  // namespace

std::string format_errors(const ValidationErrors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "\n";
    out += (e.pointer.empty() ? std::string("(document)") : e.pointer) + ": " + e.message;
  }
  return out;
}

std::string normalize_host(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return lower(host);
}

ParseOutcome validate_configuration(std::string_view json_text) {
  ParseOutcome outcome;
  const json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    outcome.errors.push_back({"", "is not valid JSON"});
    return outcome;
  }
  Checker c;
  ConfigurationDocument doc;
  if (c.object(j, "", {"scid", "properties"})) {
    if (c.string(j, "", "scid", doc.scid, true) && !is_valid_scid(doc.scid)) {
      c.fail("/scid", quote_text(doc.scid) +
                          " is not a service component id (nine characters from "
                          "0-9 and A-Z without I, L, O, U, as shown in the portal)");
    }
    if (const json* props = c.member(j, "", "properties", true)) {
      if (!props->is_array() || props->empty()) {
        c.fail("/properties", "must be an array with at least one property");
      } else {
        std::map<std::string, std::string> ids, alias_owner;
        for (std::size_t i = 0; i < props->size(); ++i) {
          const std::string base = join("/properties", i);
          PropertyConfig p;
          parse_property(c, (*props)[i], base, p, alias_owner);
          if (!p.id.empty()) {
            if (auto [it, inserted] = ids.emplace(p.id, base); !inserted) {
              c.fail(join(base, "id"), quote_text(p.id) + " is already the id of " + it->second);
            }
          }
          doc.properties.push_back(std::move(p));
        }
      }
    }
  }
  outcome.errors = std::move(c.errors);
  if (outcome.errors.empty()) outcome.document = std::move(doc);
  return outcome;
}

Result<ConfigurationDocument> parse_configuration(std::string_view json_text) {
  ParseOutcome outcome = validate_configuration(json_text);
  if (!outcome.document) {
    return Error{"invalid configuration:\n" + format_errors(outcome.errors)};
  }
  return std::move(*outcome.document);
}

std::string to_json(const ConfigurationDocument& document) {
  ordered_json out = ordered_json::object();
  out["scid"] = document.scid;
  out["properties"] = ordered_json::array();
  for (const auto& p : document.properties) {
    ordered_json pj = ordered_json::object();
    pj["id"] = p.id;
    pj["primary_alias"] = p.primary_alias;
    pj["aliases"] = p.aliases;
    ordered_json o = ordered_json::object();
    o["host"] = p.origin.host;
    o["protocol"] = p.origin.protocol;
    o["port"] = p.origin.port;
    o["web_root"] = p.origin.web_root;
    o["host_header"] = p.origin.host_header;
    if (p.origin.protocol == "https") {
      o["verify_tls"] = p.origin.verify_tls;
      o["sni"] = p.origin.sni;
    }
    o["connect_timeout_ms"] = p.origin.connect_timeout_ms;
    o["response_timeout_ms"] = p.origin.response_timeout_ms;
    o["read_timeout_ms"] = p.origin.read_timeout_ms;
    pj["origin"] = std::move(o);
    static constexpr std::array<const char*, 3> kQuery = {"all", "none", "allowlist"};
    pj["cache_key"]["query"] = kQuery[static_cast<std::size_t>(p.cache_key.query)];
    if (p.cache_key.query == QueryKeyPolicy::kAllowlist)
      pj["cache_key"]["params"] = p.cache_key.params;
    if (p.tls) {
      ordered_json t = ordered_json::object();
      t["certificate_id"] = p.tls->certificate_id;
      t["redirect_http_to_https"] = p.tls->redirect_http_to_https;
      if (p.tls->hsts) {
        t["hsts"]["max_age_seconds"] = p.tls->hsts->max_age_seconds;
        t["hsts"]["include_subdomains"] = p.tls->hsts->include_subdomains;
        t["hsts"]["preload"] = p.tls->hsts->preload;
      }
      pj["tls"] = std::move(t);
    }
    // Only when on, so documents stored before the member existed keep their canonical form.
    if (p.shield) pj["shield"] = true;
    pj["match_rules"] = ordered_json::array();
    for (const auto& rule : p.match_rules) {
      ordered_json r = ordered_json::object();
      r["name"] = rule.name;
      ordered_json cr = ordered_json::object();
      if (rule.criteria.path) {
        ordered_json path = values_json(rule.criteria.path->op, rule.criteria.path->values);
        path["negate"] = rule.criteria.path->negate;
        path["case_sensitive"] = rule.criteria.path->case_sensitive;
        cr["path"] = std::move(path);
      }
      if (!rule.criteria.methods.empty()) cr["methods"] = rule.criteria.methods;
      if (!rule.criteria.headers.empty())
        cr["headers"] = named_criteria_json(rule.criteria.headers);
      if (!rule.criteria.query.empty()) cr["query"] = named_criteria_json(rule.criteria.query);
      r["criteria"] = std::move(cr);
      r["directives"] = directives_json(rule.directives);
      pj["match_rules"].push_back(std::move(r));
    }
    out["properties"].push_back(std::move(pj));
  }
  return out.dump(2) + "\n";
}

}  // namespace candela::control
