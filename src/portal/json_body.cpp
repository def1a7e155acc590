// JSON body parsing and the field reader behind every write endpoint's 400 answers.
#include "portal/json_body.hpp"

#include "http/text.hpp"

namespace candela::portal {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = http::ascii_lower(c);
  return out;
}

// True for "application/json" with at most a charset=utf-8 parameter (RFC 8259 §11: JSON is
// UTF-8; anything else would be mis-decoded).
bool is_json_media_type(std::string_view value) {
  std::string text = lower(value);
  std::string_view rest = text;
  auto semicolon = rest.find(';');
  if (http::trim_ows(rest.substr(0, semicolon)) != "application/json") return false;
  while (semicolon != std::string_view::npos) {
    rest.remove_prefix(semicolon + 1);
    semicolon = rest.find(';');
    std::string_view parameter = http::trim_ows(rest.substr(0, semicolon));
    if (parameter.empty()) continue;
    if (parameter != "charset=utf-8" && parameter != "charset=\"utf-8\"") return false;
  }
  return true;
}

std::string type_name(const nlohmann::json& value) {
  return value.type_name();
}

}  // namespace

ApiResult<nlohmann::json> parse_json_body(const Request& request, std::size_t limit) {
  auto content_type = request.header("Content-Type");
  if (!content_type || !is_json_media_type(*content_type)) {
    return unsupported_media_type(
        "the request body must be sent as Content-Type: application/json");
  }
  if (request.body.size() > limit) return payload_too_large(limit);
  if (request.body.empty())
    return bad_request("the request body is empty; a JSON value is required");
  try {
    return nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& error) {
    // nlohmann reports the 1-based position of the offending byte; clients want 0-based offsets.
    std::size_t offset = error.byte == 0 ? 0 : error.byte - 1;
    return bad_request("the request body is not valid JSON: syntax error at byte offset " +
                       std::to_string(offset));
  }
}

const nlohmann::json* JsonReader::find(std::string_view pointer, bool required) {
  const nlohmann::json* value = nullptr;
  try {
    nlohmann::json::json_pointer path{std::string(pointer)};
    if (document_.contains(path)) value = &document_.at(path);
  } catch (const nlohmann::json::exception&) {
    // A pointer through a non-container or with a non-numeric array index: not present.
  }
  if (!value && required) add_error(std::string(pointer), "is required");
  return value;
}

std::optional<std::string> JsonReader::string(std::string_view pointer, bool required,
                                              std::size_t max_length) {
  const auto* value = find(pointer, required);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    add_error(std::string(pointer), "must be a string, not " + type_name(*value));
    return std::nullopt;
  }
  const auto& text = value->get_ref<const std::string&>();
  if (text.size() > max_length) {
    add_error(std::string(pointer), "must be at most " + std::to_string(max_length) + " bytes");
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> JsonReader::integer(std::string_view pointer, bool required,
                                                std::int64_t min, std::int64_t max) {
  const auto* value = find(pointer, required);
  if (!value) return std::nullopt;
  std::int64_t number = 0;
  if (value->is_number_integer() &&
      !(value->is_number_unsigned() && value->get<std::uint64_t>() > INT64_MAX)) {
    number = value->get<std::int64_t>();
  } else {
    add_error(std::string(pointer), "must be an integer, not " + type_name(*value));
    return std::nullopt;
  }
  if (number < min || number > max) {
    add_error(std::string(pointer),
              "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> JsonReader::boolean(std::string_view pointer, bool required) {
  const auto* value = find(pointer, required);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) {
    add_error(std::string(pointer), "must be true or false, not " + type_name(*value));
    return std::nullopt;
  }
  return value->get<bool>();
}

const nlohmann::json* JsonReader::object(std::string_view pointer, bool required) {
  const auto* value = find(pointer, required);
  if (value && !value->is_object()) {
    add_error(std::string(pointer), "must be an object, not " + type_name(*value));
    return nullptr;
  }
  return value;
}

const nlohmann::json* JsonReader::array(std::string_view pointer, bool required) {
  const auto* value = find(pointer, required);
  if (value && !value->is_array()) {
    add_error(std::string(pointer), "must be an array, not " + type_name(*value));
    return nullptr;
  }
  return value;
}

void JsonReader::reject_unknown(std::string_view pointer,
                                std::initializer_list<std::string_view> allowed) {
  const auto* value = object(pointer, false);
  if (!value) return;
  for (const auto& [key, member] : value->items()) {
    bool known = false;
    for (auto name : allowed)
      known = known || name == key;
    if (!known) {
      // RFC 6901 escaping so the pointer names exactly this member.
      std::string escaped;
      for (char c : key) {
        if (c == '~') {
          escaped += "~0";
        } else if (c == '/') {
          escaped += "~1";
        } else {
          escaped += c;
        }
      }
      add_error(std::string(pointer) + "/" + escaped, "is not a known field");
    }
  }
}

void JsonReader::add_error(std::string pointer, std::string message) {
  errors_.push_back({std::move(pointer), std::move(message)});
}

std::optional<Problem> JsonReader::problem() const {
  if (errors_.empty()) return std::nullopt;
  return bad_request(std::to_string(errors_.size()) + " field" + (errors_.size() == 1 ? "" : "s") +
                         " of the request body " + (errors_.size() == 1 ? "is" : "are") +
                         " invalid",
                     errors_);
}

}  // namespace candela::portal
