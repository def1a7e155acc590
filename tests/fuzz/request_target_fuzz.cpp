// Fuzzes the portal's request-target splitting and its Authorization parsing: no crash, and
// what they accept is consistent with what they were given.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "portal/message.hpp"
#include "portal/request_signing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candela::portal;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  Request request;
  if (set_target(request, text)) {
    if (request.target != text) std::abort();
    if (request.path.empty() || request.path.front() != '/') std::abort();
    if (text.substr(0, request.path.size()) != request.path) std::abort();
  }

  if (auto fields = parse_authorization(text)) {
    if (fields->key_id.empty() || fields->signature.empty()) std::abort();
    // What parses must survive being written back out and parsed again.
    const std::string header =
        authorization_header(fields->key_id, fields->timestamp, fields->signature);
    auto again = parse_authorization(header);
    if (!again || again->key_id != fields->key_id || again->timestamp != fields->timestamp ||
        again->signature != fields->signature) {
      std::abort();
    }
  }
  return 0;
}
