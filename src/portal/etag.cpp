// Entity tag construction and RFC 9110 §13.1 conditional field evaluation.
#include "portal/etag.hpp"

#include <openssl/sha.h>

#include <vector>

#include "http/text.hpp"

namespace candela::portal {

namespace {

bool is_etagc(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte == 0x21 || (byte >= 0x23 && byte <= 0x7E) || byte >= 0x80;
}

struct ParsedTag {
  bool weak = false;
  std::string opaque;  // with quotes
};

// Parses "*" or a comma-separated list of entity tags; nullopt if malformed. `any` is set for
// "*".
std::optional<std::vector<ParsedTag>> parse_tag_list(std::string_view field, bool& any) {
  any = false;
  std::vector<ParsedTag> tags;
  std::string_view rest = http::trim_ows(field);
  if (rest == "*") {
    any = true;
    return tags;
  }
  while (!rest.empty()) {
    ParsedTag tag;
    if (rest.starts_with("W/")) {
      tag.weak = true;
      rest.remove_prefix(2);
    }
    if (rest.empty() || rest.front() != '"') return std::nullopt;
    auto close = rest.find('"', 1);
    if (close == std::string_view::npos) return std::nullopt;
    for (char c : rest.substr(1, close - 1)) {
      if (!is_etagc(c)) return std::nullopt;
    }
    tag.opaque = std::string(rest.substr(0, close + 1));
    tags.push_back(std::move(tag));
    rest = http::trim_ows(rest.substr(close + 1));
    if (rest.empty()) break;
    if (rest.front() != ',') return std::nullopt;
    rest = http::trim_ows(rest.substr(1));
  }
  if (tags.empty()) return std::nullopt;
  return tags;
}

}  // namespace

ETag ETag::from_version(std::uint64_t version) {
  return ETag("\"v" + std::to_string(version) + "\"");
}

ETag ETag::from_content(std::string_view content) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string value = "\"";
  for (int i = 0; i < 16; ++i) {
    value.push_back(kHex[digest[i] >> 4]);
    value.push_back(kHex[digest[i] & 0x0F]);
  }
  value.push_back('"');
  return ETag(std::move(value));
}

std::optional<ETag> ETag::from_opaque(std::string_view opaque) {
  for (char c : opaque) {
    if (!is_etagc(c)) return std::nullopt;
  }
  return ETag("\"" + std::string(opaque) + "\"");
}

ReadPrecondition evaluate_if_none_match(const Request& request,
                                        const std::optional<ETag>& current) {
  auto field = request.header("If-None-Match");
  if (!field || !current) return ReadPrecondition::kSendRepresentation;
  bool any = false;
  auto tags = parse_tag_list(*field, any);
  if (!tags) return ReadPrecondition::kSendRepresentation;
  if (any) return ReadPrecondition::kNotModified;
  for (const auto& tag : *tags) {
    if (tag.opaque == current->header_value()) return ReadPrecondition::kNotModified;
  }
  return ReadPrecondition::kSendRepresentation;
}

std::optional<Problem> evaluate_if_match(const Request& request, const std::optional<ETag>& current,
                                         IfMatchRule rule) {
  auto field = request.header("If-Match");
  if (!field) {
    if (rule == IfMatchRule::kRequired) {
      return precondition_required(
          "this request changes a resource and must carry If-Match with the ETag you last read, "
          "so that concurrent edits are not lost");
    }
    return std::nullopt;
  }
  bool any = false;
  auto tags = parse_tag_list(*field, any);
  if (!tags) return bad_request("the If-Match field is not a list of entity tags");
  if (any) {
    if (current) return std::nullopt;
    return precondition_failed("If-Match: * was sent but the resource does not exist");
  }
  if (current) {
    for (const auto& tag : *tags) {
      // Strong comparison: a weak tag never matches.
      if (!tag.weak && tag.opaque == current->header_value()) return std::nullopt;
    }
  }
  Problem problem = precondition_failed(
      current ? "the resource has changed since you read it (its ETag is now " +
                    current->header_value() + "); read it again and reapply your change"
              : "the resource does not exist");
  if (current) problem.headers.emplace_back("ETag", current->header_value());
  return problem;
}

Response not_modified(const ETag& current) {
  Response response;
  response.status = 304;
  response.add_header("ETag", current.header_value());
  return response;
}

}  // namespace candela::portal
