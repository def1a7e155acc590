// Renders a notification template: each {{name}} is replaced by its value, in one pass, so a
// value that itself contains "{{...}}" is copied as it is and never expanded.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::control {

// Names are letters, digits, '_' and '.'. A placeholder without a value, an unterminated "{{"
// or an empty or malformed name is a bug in the template or its caller: an internal Error
// naming `template_id` and the placeholder.
Result<std::string> render_template(std::string_view template_id, std::string_view text,
                                    const std::map<std::string, std::string>& values);

}  // namespace candela::control
