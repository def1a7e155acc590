// ISO 3166-1 alpha-2 country codes, for billing addresses.
#pragma once

#include <string_view>

namespace candela::control {

// True for an officially assigned ISO 3166-1 alpha-2 code in upper case ("GB", "DE", "US").
bool is_iso_country_code(std::string_view code);

}  // namespace candela::control
