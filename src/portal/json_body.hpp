// Strict JSON request bodies and typed field reading that reports every error at once.
// Each error carries its JSON Pointer; all of them go into one 400 problem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portal/message.hpp"
#include "portal/problem.hpp"

namespace candela::portal {

inline constexpr std::size_t kDefaultJsonBodyLimit = 1024 * 1024;

// The body as JSON. 415 unless Content-Type is application/json (a charset parameter other than
// utf-8 is refused too); 413 over `limit`; 400 naming the byte offset for invalid JSON or an
// empty body.
ApiResult<nlohmann::json> parse_json_body(const Request& request,
                                          std::size_t limit = kDefaultJsonBodyLimit);

// Reads typed fields out of a parsed document. Each accessor returns nullopt and records an
// error when the field is missing (if required) or has the wrong type or range; `problem()`
// then answers for all of them at once.
class JsonReader {
 public:
  explicit JsonReader(const nlohmann::json& document) : document_(document) {}

  std::optional<std::string> string(std::string_view pointer, bool required = true,
                                    std::size_t max_length = 4096);
  std::optional<std::int64_t> integer(std::string_view pointer, bool required = true,
                                      std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  std::optional<bool> boolean(std::string_view pointer, bool required = true);
  // The object or array itself (for nested reading); nullptr if missing or of another type.
  const nlohmann::json* object(std::string_view pointer, bool required = true);
  const nlohmann::json* array(std::string_view pointer, bool required = true);
  // Records an error for each member of the object at `pointer` not named in `allowed`, so a
  // misspelt field is reported instead of silently ignored.
  void reject_unknown(std::string_view pointer, std::initializer_list<std::string_view> allowed);

  void add_error(std::string pointer, std::string message);
  bool ok() const { return errors_.empty(); }
  const std::vector<FieldError>& errors() const { return errors_; }
  // One 400 "validation-failed" problem listing every error; nullopt when there are none.
  std::optional<Problem> problem() const;

 private:
  // The value at `pointer`, or nullptr (recording "is required" if `required`).
  const nlohmann::json* find(std::string_view pointer, bool required);

  const nlohmann::json& document_;
  std::vector<FieldError> errors_;
};

}  // namespace candela::portal
