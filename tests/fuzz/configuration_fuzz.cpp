// Fuzzes the customer configuration validator: any bytes are either a document whose canonical
// form is stable, or a list of errors that each name a JSON pointer and explain themselves.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "control/configuration_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candela::control;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ParseOutcome outcome = validate_configuration(text);
  if (outcome.document) {
    if (!outcome.errors.empty()) std::abort();  // a document is only produced without errors
    // The canonical form parses again to the same canonical form.
    const std::string canonical = to_json(*outcome.document);
    const ParseOutcome again = validate_configuration(canonical);
    if (!again.document || to_json(*again.document) != canonical) std::abort();
    return 0;
  }
  if (outcome.errors.empty()) std::abort();  // a refusal always says why
  for (const auto& e : outcome.errors) {
    if (!e.pointer.empty() && e.pointer.front() != '/') std::abort();
    if (e.message.empty()) std::abort();
  }
  return 0;
}
