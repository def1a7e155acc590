// Fuzz target: HTTP-date parsing never crashes, and every parsed date survives a round trip.
#include <strings.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "common/http_date.hpp"

using namespace candela;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto t = parse_http_date(text)) {
    if (*t != SysTime::max() && *t != SysTime::min()) {
      const std::string formatted = format_http_date(*t);
      const auto back = parse_http_date(formatted);
      if (!back || *back != *t) std::abort();
      // A parsed IMF-fixdate formats back to itself from the day on (the weekday is not
      // checked against the date, names may differ in case, a leap second rolls over).
      if (size == kHttpDateLength && text[3] == ',' && text.substr(23, 2) != "60" &&
          strncasecmp(formatted.c_str() + 5, text.data() + 5, kHttpDateLength - 5) != 0) {
        std::abort();
      }
    }
  }
  // Formatting any instant the clock can hold gives 29 characters that parse back.
  if (size >= 8) {
    std::int64_t secs = 0;
    std::memcpy(&secs, data, sizeof secs);
    secs %= 9000000000;  // about year 1685 .. 2255, inside SysTime's range
    char buf[kHttpDateLength];
    format_http_date(from_unix_seconds(secs), buf);
    const auto back = parse_http_date(std::string_view(buf, kHttpDateLength));
    if (!back || to_unix_seconds(*back) != secs) std::abort();
  }
  return 0;
}
