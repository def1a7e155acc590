// render_template: a single left-to-right scan over the template text.
#include "control/notification_template.hpp"

#include <algorithm>

namespace candela::control {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

Error template_error(std::string_view template_id, const std::string& what) {
  return Error{"notification template " + std::string(template_id) + ": " + what,
               ErrorKind::kInternal};
}

}  // namespace

Result<std::string> render_template(std::string_view template_id, std::string_view text,
                                    const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return template_error(template_id,
                            "unterminated placeholder at offset " + std::to_string(open));
    }
    const std::string_view name = text.substr(open + 2, close - open - 2);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
      return template_error(template_id, "malformed placeholder {{" + std::string(name) + "}}");
    }
    const auto value = values.find(std::string(name));
    if (value == values.end()) {
      return template_error(template_id,
                            "no value for the placeholder {{" + std::string(name) + "}}");
    }
    out.append(value->second);
    pos = close + 2;
  }
  return out;
}

}  // namespace candela::control
