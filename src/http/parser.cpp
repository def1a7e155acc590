// HTTP/1.1 head parser and chunked decoder: strict framing rules so no request can be smuggled.
#include "http/parser.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "http/text.hpp"

namespace candela::http {

namespace {

// One table classifies every byte for all the grammars below, so each scan costs a load and a
// test per byte and no locale-dependent <cctype> calls.
enum CharClass : std::uint8_t {
  kTchar = 1 << 0,       // token (RFC 9110 §5.6.2): method, field name, coding
  kFieldValue = 1 << 1,  // field-vchar, SP, HTAB and obs-text; not CTLs or DEL
  kTargetChar = 1 << 2,  // request-target bytes: visible ASCII except '#', and obs-text
  kHostChar = 1 << 3,    // host name bytes we accept (ALPHA DIGIT - . _)
  kSchemeChar = 1 << 4,  // scheme (RFC 3986 §3.1): ALPHA DIGIT + - .
  kHexDigit = 1 << 5,
  kDigit = 1 << 6,
};

constexpr bool is_alpha(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(int c) {
  return c >= '0' && c <= '9';
}

constexpr std::array<std::uint8_t, 256> make_char_table() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t f = 0;
    const bool alnum = is_alpha(c) || is_digit(c);
    if (alnum ||
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) {
      f |= kTchar;
    }
    if (c == '\t' || (c >= 0x20 && c != 0x7f)) f |= kFieldValue;
    if ((c > 0x20 && c < 0x7f && c != '#') || c >= 0x80) f |= kTargetChar;
    if (alnum || c == '-' || c == '.' || c == '_') f |= kHostChar;
    if (alnum || c == '+' || c == '-' || c == '.') f |= kSchemeChar;
    if (is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) f |= kHexDigit;
    if (is_digit(c)) f |= kDigit;
    t[static_cast<std::size_t>(c)] = f;
  }
  return t;
}

constexpr std::array<std::uint8_t, 256> kCharTable = make_char_table();

inline bool has(char c, CharClass cls) noexcept {
  return (kCharTable[static_cast<unsigned char>(c)] & cls) != 0;
}
constexpr ParseResult kIncompleteResult{ParseStatus::kIncomplete, ParseError::kNone, {}};

constexpr ParseResult fail(ParseError e, std::string_view detail) noexcept {
  return ParseResult{ParseStatus::kError, e, detail};
}

ParseResult bad(std::string_view detail) noexcept {
  return fail(ParseError::kBadRequest, detail);
}

// Calls f(element) for each non-empty, OWS-trimmed element of a comma-separated list
// (RFC 9110 §5.6.1: empty elements are ignored).
template <typename F>
void for_each_list_element(std::string_view list, F&& f) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view element = http::trim_ows(list.substr(0, comma));
    if (!element.empty()) f(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// Content-Length = 1*DIGIT; a list of identical values ("5, 5") is the same length
// (RFC 9110 §8.6). Returns false for anything else: sign, hex, empty, overflow, differing.
bool parse_content_length(std::string_view value, std::uint64_t& out) noexcept {
  bool any = false;
  std::uint64_t first = 0;
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view element = http::trim_ows(value.substr(0, comma));
    if (element.empty()) return false;
    std::uint64_t n = 0;
    for (const char c : element) {
      if (!has(c, kDigit)) return false;
      const auto d = static_cast<std::uint64_t>(c - '0');
      if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
      n = n * 10 + d;
    }
    if (any && n != first) return false;
    first = n;
    any = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  out = first;
  return true;
}

// host [":" port] where host is a DNS-style name, an IPv4 address or a bracketed IPv6
// literal. Stricter than RFC 3986 reg-name: sub-delims, '%' and userinfo ('@') are refused,
// since no real host name uses them and they invite cache-key confusion with origins that
// read them as separators. `require_port` is for CONNECT's authority-form.
bool valid_authority(std::string_view a, bool require_port) noexcept {
  std::size_t i = 0;
  if (!a.empty() && a.front() == '[') {
    const std::size_t close = a.find(']');
    if (close == std::string_view::npos || close < 3) return false;  // shortest: "[::]"
    for (std::size_t k = 1; k < close; ++k) {
      if (!has(a[k], kHexDigit) && a[k] != ':' && a[k] != '.') return false;
    }
    i = close + 1;
  } else {
    while (i < a.size() && has(a[i], kHostChar))
      ++i;
    if (i == 0) return false;
  }
  if (i == a.size()) return !require_port;
  if (a[i] != ':') return false;
  const std::string_view port = a.substr(i + 1);
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  for (const char c : port) {
    if (!has(c, kDigit)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value <= 65535;
}

// "HTTP/1.0" or "HTTP/1.1". Other well-formed versions are refused with 505 so a client that
// speaks only HTTP/2 (its preface is "PRI * HTTP/2.0") learns why.
ParseResult parse_version(std::string_view v, int& minor, ParseError unsupported) noexcept {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !has(v[5], kDigit) || v[6] != '.' ||
      !has(v[7], kDigit)) {
    return fail(unsupported == ParseError::kBadResponse ? ParseError::kBadResponse
                                                        : ParseError::kBadRequest,
                "malformed HTTP version");
  }
  if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) {
    return fail(unsupported, "HTTP version other than 1.0 and 1.1");
  }
  minor = v[7] - '0';
  return ParseResult{ParseStatus::kComplete, ParseError::kNone, {}};
}

// What the fields that decide framing and connection handling said; collected while the
// fields are parsed so the head is walked only once.
struct FieldSummary {
  std::size_t host_count = 0;
  std::string_view host;
  bool has_content_length = false;
  bool content_length_valid = true;
  std::uint64_t content_length = 0;
  bool has_transfer_encoding = false;
  std::size_t chunked_count = 0;
  bool final_is_chunked = false;  // the last coding seen so far is "chunked"
  bool other_coding = false;      // a coding other than chunked appears anywhere
  bool connection_close = false;
  bool connection_keep_alive = false;
  bool expect_continue = false;
};

void note_transfer_codings(std::string_view value, FieldSummary& s) {
  s.has_transfer_encoding = true;
  for_each_list_element(value, [&](std::string_view coding) {
    // "chunked" takes no parameters, so "chunked;x=y" is some other (unknown) coding.
    if (iequals(coding, "chunked")) {
      ++s.chunked_count;
      s.final_is_chunked = true;
    } else {
      s.other_coding = true;
      s.final_is_chunked = false;
    }
  });
}

void note_field(std::string_view name, std::string_view value, FieldSummary& s) {
  // Dispatch on length first: almost every field is rejected by one integer compare.
  switch (name.size()) {
    case 4:
      if (iequals(name, "host")) {
        ++s.host_count;
        s.host = value;
      }
      break;
    case 6:
      if (iequals(name, "expect") && iequals(value, "100-continue")) s.expect_continue = true;
      break;
    case 10:
      if (iequals(name, "connection")) {
        for_each_list_element(value, [&](std::string_view option) {
          if (iequals(option, "close")) s.connection_close = true;
          if (iequals(option, "keep-alive")) s.connection_keep_alive = true;
        });
      }
      break;
    case 14:
      if (iequals(name, "content-length")) {
        std::uint64_t n = 0;
        if (!parse_content_length(value, n) || (s.has_content_length && n != s.content_length)) {
          s.content_length_valid = false;
        }
        s.has_content_length = true;
        s.content_length = n;
      }
      break;
    case 17:
      if (iequals(name, "transfer-encoding")) note_transfer_codings(value, s);
      break;
    default:
      break;
  }
}

// Strips the line terminator: `line` runs up to (not including) the LF; a CR before it goes.
inline std::string_view strip_cr(std::string_view line) noexcept {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). No whitespace before the
// colon (§5.1) and no obs-fold (§5.2): both are 400, never repaired.
ParseResult parse_field_line(std::string_view line, HeaderField& field) noexcept {
  std::size_t i = 0;
  while (i < line.size() && has(line[i], kTchar))
    ++i;
  if (i == line.size() || line[i] != ':') {
    if (i == 0 && http::is_ows(line.front())) return bad("obs-fold or whitespace before a field");
    if (i < line.size() && http::is_ows(line[i]))
      return bad("whitespace between field name and colon");
    return bad("malformed field name");
  }
  if (i == 0) return bad("empty field name");
  for (std::size_t k = i + 1; k < line.size(); ++k) {
    // CR, LF, NUL and other controls inside a value are how responses get split (§5.5).
    if (!has(line[k], kFieldValue)) return bad("control character in field value");
  }
  field.name = line.substr(0, i);
  field.value = http::trim_ows(line.substr(i + 1));
  return ParseResult{ParseStatus::kComplete, ParseError::kNone, {}};
}

// Reads field lines from `pos` until the empty line. On kComplete, `head_size` is set.
// Limits are checked line by line and on the incomplete tail, so an endless head fails as
// soon as it passes max_header_bytes or max_header_count. Every error in an origin's
// response is kBadResponse: the client did nothing wrong, the edge answers 502.
ParseResult parse_fields(std::string_view buf, std::size_t pos, const ParseLimits& limits,
                         bool is_response, HeaderView& headers, FieldSummary& summary,
                         std::size_t& head_size) {
  const ParseError too_large =
      is_response ? ParseError::kBadResponse : ParseError::kHeadersTooLarge;
  std::size_t count = 0;
  for (;;) {
    const void* nl =
        pos < buf.size() ? std::memchr(buf.data() + pos, '\n', buf.size() - pos) : nullptr;
    if (nl == nullptr) {
      if (buf.size() > limits.max_header_bytes) return fail(too_large, "header section too large");
      return kIncompleteResult;
    }
    const auto le = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data());
    if (le + 1 > limits.max_header_bytes) return fail(too_large, "header section too large");
    const std::string_view line = strip_cr(buf.substr(pos, le - pos));
    if (line.empty()) {
      head_size = le + 1;
      return ParseResult{ParseStatus::kComplete, ParseError::kNone, {}};
    }
    if (++count > limits.max_header_count) return fail(too_large, "too many header fields");
    HeaderField field;
    if (ParseResult r = parse_field_line(line, field); r.status == ParseStatus::kError) {
      if (is_response) r.error = ParseError::kBadResponse;
      return r;
    }
    headers.add(field.name, field.value);
    note_field(field.name, field.value, summary);
    pos = le + 1;
  }
}

// Splits a path-and-query into path and query.
void split_path_query(std::string_view rest, RequestHead& out) {
  const std::size_t q = rest.find('?');
  if (q == std::string_view::npos) {
    out.path = rest;
  } else {
    out.path = rest.substr(0, q);
    out.query = rest.substr(q + 1);
  }
}

// request-target (RFC 9112 §3.2) in the form the method allows.
ParseResult parse_target(std::string_view target, RequestHead& out, bool& absolute_form) {
  absolute_form = false;
  const bool is_connect = out.method == "CONNECT";
  if (is_connect) {
    if (!valid_authority(target, /*require_port=*/true)) {
      return bad("CONNECT needs an authority-form target (host:port)");
    }
    out.host = target;
    return {ParseStatus::kComplete, ParseError::kNone, {}};
  }
  if (target.front() == '/') {
    split_path_query(target, out);
    return {ParseStatus::kComplete, ParseError::kNone, {}};
  }
  if (target == "*") {
    if (out.method != "OPTIONS") return bad("asterisk-form target is only for OPTIONS");
    out.path = "/";
    return {ParseStatus::kComplete, ParseError::kNone, {}};
  }
  // absolute-form: scheme "://" authority path-abempty ["?" query]
  std::size_t i = 0;
  while (i < target.size() && has(target[i], kSchemeChar))
    ++i;
  const std::string_view scheme = target.substr(0, i);
  if (scheme.empty() || !is_alpha(scheme.front()) || target.substr(i, 3) != "://") {
    return bad("malformed request-target");
  }
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) {
    return bad("absolute-form target with a scheme other than http or https");
  }
  const std::string_view rest = target.substr(i + 3);
  const std::size_t auth_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, auth_end);
  if (authority.find('@') != std::string_view::npos) return bad("userinfo in request-target");
  if (!valid_authority(authority, /*require_port=*/false)) return bad("invalid target authority");
  out.host = authority;
  absolute_form = true;
  if (auth_end == std::string_view::npos) {
    out.path = "/";
  } else if (rest[auth_end] == '?') {
    out.path = "/";
    out.query = rest.substr(auth_end + 1);
  } else {
    split_path_query(rest.substr(auth_end), out);
  }
  return {ParseStatus::kComplete, ParseError::kNone, {}};
}

// method SP request-target SP HTTP-version (RFC 9112 §3), single spaces only.
ParseResult parse_request_line(std::string_view line, RequestHead& out, bool& absolute_form) {
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return bad("malformed request line");
  out.method = line.substr(0, sp1);  // its bytes were checked by bad_method_at
  const std::string_view rest = line.substr(sp1 + 1);
  const std::size_t sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos) return bad("malformed request line");
  const std::string_view target = rest.substr(0, sp2);
  if (target.empty()) return bad("empty request-target");
  for (const char c : target) {
    if (!has(c, kTargetChar)) return bad("invalid character in request-target");
  }
  if (ParseResult r =
          parse_version(rest.substr(sp2 + 1), out.version_minor, ParseError::kVersionNotSupported);
      r.status == ParseStatus::kError) {
    return r;
  }
  out.target = target;
  return parse_target(target, out, absolute_form);
}

// Where the method token of a (possibly partial) request line goes wrong, or npos. Checked on
// an incomplete line too, so that TLS or other binary junk sent to the plain port fails at once.
std::size_t bad_method_at(std::string_view line) noexcept {
  std::size_t i = 0;
  while (i < line.size() && has(line[i], kTchar))
    ++i;
  if (i == line.size()) return std::string_view::npos;  // so far, so good
  return (line[i] != ' ' || i == 0) ? i : std::string_view::npos;
}

// The verdict on a head that arrives piecemeal must not depend on where the reads were split.
// Each violation is therefore tied to the byte offset where it first becomes certain, and the
// earliest one wins: a prefix sees exactly the violations whose offset it contains.
class EarliestViolation {
 public:
  void note(std::size_t offset, ParseResult r) noexcept {
    if (offset < offset_) {  // strict: on a tie the check made first wins, in a fixed order
      offset_ = offset;
      result_ = r;
    }
  }
  bool found() const noexcept { return offset_ != std::string_view::npos; }
  const ParseResult& result() const noexcept { return result_; }

 private:
  std::size_t offset_ = std::string_view::npos;
  ParseResult result_;
};

}  // namespace

int status_for(ParseError e) noexcept {
  switch (e) {
    case ParseError::kNone:
      return 0;
    case ParseError::kBadRequest:
      return 400;
    case ParseError::kUriTooLong:
      return 414;
    case ParseError::kHeadersTooLarge:
      return 431;
    case ParseError::kBodyTooLarge:
      return 413;
    case ParseError::kUnsupportedCoding:
      return 501;
    case ParseError::kVersionNotSupported:
      return 505;
    case ParseError::kBadResponse:
      return 502;
  }
  return 500;
}

std::string_view describe(ParseError e) noexcept {
  switch (e) {
    case ParseError::kNone:
      return "No error";
    case ParseError::kBadRequest:
      return "Bad request: malformed syntax, missing or invalid Host, or ambiguous message framing";
    case ParseError::kUriTooLong:
      return "Request line too long: shorten the URL or its query string";
    case ParseError::kHeadersTooLarge:
      return "Request header fields too large: too many fields or too many bytes (cookies?)";
    case ParseError::kBodyTooLarge:
      return "Request body too large: the declared Content-Length exceeds the limit";
    case ParseError::kUnsupportedCoding:
      return "Transfer coding not supported: only chunked is accepted";
    case ParseError::kVersionNotSupported:
      return "HTTP version not supported: use HTTP/1.1 or HTTP/1.0";
    case ParseError::kBadResponse:
      return "Bad gateway: the origin sent a response that cannot be parsed or framed safely";
  }
  return "Unknown parse error";
}

namespace {
ParseResult parse_request_head_once(std::string_view buffer, const ParseLimits& limits,
                                    RequestHead& out);
}  // namespace

ParseResult parse_request_head(std::string_view buffer, const ParseLimits& limits,
                               RequestHead& out) {
  ParseResult result = parse_request_head_once(buffer, limits, out);
  // A head over the limit gets the verdict of its first limit + 1 bytes, whatever follows: a
  // reader that has received only those bytes must be told the same (found by fuzzing: a bad
  // byte past the limit was a 400 in one read and a 431 in two). Only error paths pay for this.
  const std::size_t window = limits.max_header_bytes + 1;
  if (result.status == ParseStatus::kError && buffer.size() > window) {
    ParseResult first = parse_request_head_once(buffer.substr(0, window), limits, out);
    if (first.status == ParseStatus::kError) return first;
  }
  return result;
}

namespace {

ParseResult parse_request_head_once(std::string_view buffer, const ParseLimits& limits,
                                    RequestHead& out) {
  out.clear();
  const std::size_t n = buffer.size();

  // RFC 9112 §2.2: ignore empty lines before the request line (left over by old clients
  // after a POST body). A CR must still be followed by LF.
  std::size_t pos = 0;
  while (pos < n && (buffer[pos] == '\r' || buffer[pos] == '\n')) {
    if (buffer[pos] == '\n') {
      ++pos;
    } else if (pos + 1 == n) {
      break;
    } else if (buffer[pos + 1] == '\n') {
      pos += 2;
    } else if (pos + 1 > limits.max_header_bytes) {
      // What a prefix ending at this CR was told (the CR counts towards the limit): the verdict
      // must not depend on how the bytes were split into reads.
      return fail(ParseError::kHeadersTooLarge, "header section too large");
    } else {
      return bad("bare CR");
    }
    if (pos > limits.max_header_bytes) {
      return fail(ParseError::kHeadersTooLarge, "header section too large");
    }
  }
  if (pos == n || (pos + 1 == n && buffer[pos] == '\r')) {
    if (n > limits.max_header_bytes) {
      return fail(ParseError::kHeadersTooLarge, "header section too large");
    }
    return kIncompleteResult;
  }

  // Request line: the method, its length and the head size can be judged before it ends.
  const void* nl = std::memchr(buffer.data() + pos, '\n', n - pos);
  const std::size_t le =
      nl == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(nl) - buffer.data());
  const std::string_view line =
      nl == nullptr ? strip_cr(buffer.substr(pos)) : strip_cr(buffer.substr(pos, le - pos));
  EarliestViolation early;
  if (const std::size_t at = bad_method_at(line); at != std::string_view::npos) {
    early.note(pos + at, bad("malformed method"));
  }
  if (line.size() > limits.max_request_line) {
    early.note(pos + limits.max_request_line,
               fail(ParseError::kUriTooLong, "request line too long"));
  }
  if ((nl == nullptr ? n : le + 1) > limits.max_header_bytes) {
    early.note(limits.max_header_bytes,
               fail(ParseError::kHeadersTooLarge, "header section too large"));
  }
  if (early.found()) return early.result();
  if (nl == nullptr) return kIncompleteResult;
  bool absolute_form = false;
  if (ParseResult r = parse_request_line(line, out, absolute_form);
      r.status == ParseStatus::kError) {
    return r;
  }

  FieldSummary s;
  if (ParseResult r = parse_fields(buffer, le + 1, limits, /*is_response=*/false, out.headers, s,
                                   out.head_size);
      r.status != ParseStatus::kComplete) {
    return r;
  }

  // Host (RFC 9112 §3.2): exactly one in HTTP/1.1, never more than one, always valid; the
  // authority of an absolute-form target overrides it (§3.2.2).
  if (s.host_count > 1) return bad("more than one Host field");
  if (s.host_count == 0 && out.version_minor == 1) return bad("HTTP/1.1 request without Host");
  if (s.host_count == 1 && !valid_authority(s.host, /*require_port=*/false)) {
    return bad("invalid Host");
  }
  if (!absolute_form && out.method != "CONNECT") out.host = s.host;

  // Framing (RFC 9112 §6.1–6.3). Every ambiguity is refused rather than resolved, because
  // the origin might resolve it the other way — the essence of request smuggling.
  if (s.has_transfer_encoding) {
    if (out.version_minor == 0) return bad("Transfer-Encoding in an HTTP/1.0 request");
    if (s.has_content_length) return bad("Content-Length together with Transfer-Encoding");
    if (s.chunked_count > 1) return bad("chunked applied more than once");
    if (!s.final_is_chunked) return bad("Transfer-Encoding whose final coding is not chunked");
    if (s.other_coding) {
      return fail(ParseError::kUnsupportedCoding, "transfer coding other than chunked");
    }
    out.framing = BodyFraming::kChunked;
  } else if (s.has_content_length) {
    if (!s.content_length_valid) return bad("invalid or conflicting Content-Length");
    if (s.content_length > limits.max_body_bytes) {
      return fail(ParseError::kBodyTooLarge, "Content-Length over the body limit");
    }
    out.framing = BodyFraming::kContentLength;
    out.content_length = s.content_length;
  } else {
    out.framing = BodyFraming::kNone;
  }

  out.keep_alive = out.version_minor == 1 ? !s.connection_close
                                          : (s.connection_keep_alive && !s.connection_close);
  // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored.
  out.expect_continue = s.expect_continue && out.version_minor == 1;
  return {ParseStatus::kComplete, ParseError::kNone, {}};
}

}  // namespace

ParseResult parse_response_head(std::string_view buffer, std::string_view request_method,
                                const ParseLimits& limits, ResponseHead& out) {
  out.clear();
  const std::size_t n = buffer.size();
  const void* nl = std::memchr(buffer.data(), '\n', n);
  const std::size_t le =
      nl == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(nl) - buffer.data());
  const std::string_view line = strip_cr(buffer.substr(0, le));
  // The first bytes must spell "HTTP/", so a non-HTTP peer is refused before its line ends.
  EarliestViolation early;
  constexpr std::string_view kHttp = "HTTP/";
  for (std::size_t i = 0; i < std::min(line.size(), kHttp.size()); ++i) {
    if (line[i] != kHttp[i]) {
      early.note(i, fail(ParseError::kBadResponse, "malformed status line"));
      break;
    }
  }
  if (line.size() > limits.max_request_line) {
    early.note(limits.max_request_line, fail(ParseError::kBadResponse, "status line too long"));
  }
  if ((nl == nullptr ? n : le + 1) > limits.max_header_bytes) {
    early.note(limits.max_header_bytes, fail(ParseError::kBadResponse, "header section too large"));
  }
  if (early.found()) return early.result();
  if (nl == nullptr) return kIncompleteResult;

  // status-line = HTTP-version SP 3DIGIT SP [reason-phrase]; the SP before an empty reason
  // is often missing in the wild and is harmless to accept.
  if (line.size() < 12 || line[8] != ' ') {
    return fail(ParseError::kBadResponse, "malformed status line");
  }
  if (ParseResult r = parse_version(line.substr(0, 8), out.version_minor, ParseError::kBadResponse);
      r.status == ParseStatus::kError) {
    return r;
  }
  if (!has(line[9], kDigit) || !has(line[10], kDigit) || !has(line[11], kDigit) || line[9] == '0') {
    return fail(ParseError::kBadResponse, "malformed status code");
  }
  out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (line.size() > 12) {
    if (line[12] != ' ') return fail(ParseError::kBadResponse, "malformed status line");
    out.reason = line.substr(13);
    for (const char c : out.reason) {
      if (!has(c, kFieldValue)) return fail(ParseError::kBadResponse, "control in reason phrase");
    }
  }

  FieldSummary s;
  if (ParseResult r =
          parse_fields(buffer, le + 1, limits, /*is_response=*/true, out.headers, s, out.head_size);
      r.status != ParseStatus::kComplete) {
    return r;
  }

  // A response that frames itself two ways may have been split; refuse it rather than cache it.
  if (s.has_transfer_encoding && out.version_minor == 0) {
    return fail(ParseError::kBadResponse, "Transfer-Encoding in an HTTP/1.0 response");
  }
  if (s.has_transfer_encoding && s.has_content_length) {
    return fail(ParseError::kBadResponse, "Content-Length together with Transfer-Encoding");
  }
  if (s.has_content_length && !s.content_length_valid) {
    return fail(ParseError::kBadResponse, "invalid or conflicting Content-Length");
  }
  if (s.chunked_count > 1) return fail(ParseError::kBadResponse, "chunked applied more than once");
  if (s.has_content_length) out.content_length = s.content_length;

  const bool no_body = request_method == "HEAD" || (out.status >= 100 && out.status < 200) ||
                       out.status == 204 || out.status == 304 ||
                       (request_method == "CONNECT" && out.status >= 200 && out.status < 300);
  if (no_body) {
    out.framing = BodyFraming::kNone;
  } else if (s.has_transfer_encoding) {
    out.framing = s.final_is_chunked ? BodyFraming::kChunked : BodyFraming::kUntilClose;
  } else if (s.has_content_length) {
    out.framing = BodyFraming::kContentLength;
  } else {
    out.framing = BodyFraming::kUntilClose;
  }
  out.keep_alive = out.framing != BodyFraming::kUntilClose &&
                   (out.version_minor == 1 ? !s.connection_close
                                           : (s.connection_keep_alive && !s.connection_close));
  return {ParseStatus::kComplete, ParseError::kNone, {}};
}

ChunkedDecoder::Result ChunkedDecoder::step(std::string_view in, std::size_t& pos,
                                            std::size_t& data_len) {
  data_len = 0;
  while (true) {
    if (state_ == State::kDone) return Result::kDone;
    if (state_ == State::kError) return Result::kError;
    if (pos >= in.size()) return Result::kNeedMore;
    if (state_ == State::kData) {
      const std::size_t avail = in.size() - pos;
      data_len = chunk_remaining_ < avail ? static_cast<std::size_t>(chunk_remaining_) : avail;
      chunk_remaining_ -= data_len;
      body_bytes_ += data_len;
      if (chunk_remaining_ == 0) state_ = State::kDataCr;
      return Result::kNeedMore;
    }
    const char c = in[pos];
    switch (state_) {
      case State::kSize:
        if (has(c, kHexDigit)) {
          // 16 hex digits fill a uint64_t exactly; a 17th (even a leading zero) is refused
          // rather than risk a parser that truncates disagreeing with us.
          if (++size_digits_ > 16) break;
          const unsigned d = has(c, kDigit) ? static_cast<unsigned>(c - '0')
                                            : static_cast<unsigned>((c | 0x20) - 'a' + 10);
          chunk_remaining_ = (chunk_remaining_ << 4) | d;
          ++pos;
          continue;
        }
        if (size_digits_ == 0) break;  // empty size, "0x..", "+5", "-1", ...
        if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (c == ';') {
          state_ = State::kExt;
        } else if (http::is_ows(c)) {
          state_ = State::kSizeWs;
        } else {
          break;
        }
        ++pos;
        continue;
      case State::kSizeWs:
        // BWS is allowed only before a chunk extension (RFC 9112 §7.1.1).
        if (++ext_bytes_ > kMaxExtensionBytes) break;
        if (c == ';') {
          state_ = State::kExt;
        } else if (!http::is_ows(c)) {
          break;
        }
        ++pos;
        continue;
      case State::kExt:
        // Extensions are ignored but bounded; a bare LF or control byte inside one is an error
        // since parsers that stop there would see a different chunk boundary.
        if (++ext_bytes_ > kMaxExtensionBytes) break;
        if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (!has(c, kFieldValue)) {
          break;
        }
        ++pos;
        continue;
      case State::kSizeLf:
        if (c != '\n') break;
        ++pos;
        state_ = chunk_remaining_ == 0 ? State::kTrailerStart : State::kData;
        continue;
      case State::kDataCr:
        if (c != '\r') break;
        ++pos;
        state_ = State::kDataLf;
        continue;
      case State::kDataLf:
        if (c != '\n') break;
        ++pos;
        state_ = State::kSize;
        size_digits_ = 0;
        ext_bytes_ = 0;
        continue;
      case State::kTrailerStart:
        // Trailer fields are discarded, but still checked and bounded: a trailer section is
        // otherwise an unlimited sink for bytes.
        if (c == '\r') {
          state_ = State::kFinalLf;  // the final CRLF is not a trailer byte
        } else if (has(c, kTchar) && ++trailer_bytes_ <= max_trailer_bytes_) {
          state_ = State::kTrailerName;
        } else {
          break;
        }
        ++pos;
        continue;
      case State::kTrailerName:
        if (++trailer_bytes_ > max_trailer_bytes_) break;
        if (c == ':') {
          state_ = State::kTrailerValue;
        } else if (!has(c, kTchar)) {
          break;
        }
        ++pos;
        continue;
      case State::kTrailerValue:
        if (++trailer_bytes_ > max_trailer_bytes_) break;
        if (c == '\r') {
          state_ = State::kTrailerLf;
        } else if (!has(c, kFieldValue)) {
          break;
        }
        ++pos;
        continue;
      case State::kTrailerLf:
        if (c != '\n' || ++trailer_bytes_ > max_trailer_bytes_) break;
        ++pos;
        state_ = State::kTrailerStart;
        continue;
      case State::kFinalLf:
        if (c != '\n') break;
        ++pos;
        state_ = State::kDone;
        return Result::kDone;
      case State::kData:
      case State::kDone:
      case State::kError:
        break;  // handled above the switch
    }
    // Every `break` out of the switch lands here: the byte at `pos` is not valid framing.
    state_ = State::kError;
    return Result::kError;
  }
}

}  // namespace candela::http
