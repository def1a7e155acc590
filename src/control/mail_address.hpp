// Email addresses as the mail outbox accepts them: one plain addr-spec, nothing that could
// break out of an SMTP command or a header line.
#pragma once

#include <string>
#include <string_view>

namespace candela::control {

// local@domain, 3-254 printable ASCII characters, exactly one '@', no spaces, quotes, angle
// brackets, commas or other characters with a meaning in headers or SMTP commands.
bool is_mailable_address(std::string_view address);
std::string lower_ascii(std::string_view text);

}  // namespace candela::control
