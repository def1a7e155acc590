// The one id module: SCIDs, order numbers, ticket references and invoice numbers, made and checked.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace candela {

// Where random ids get their randomness; injected so tests are deterministic.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual std::uint64_t next_u64() = 0;
};

// The operating system's entropy (getrandom); for production ids.
class SystemRandom final : public RandomSource {
 public:
  std::uint64_t next_u64() override;

 private:
  std::random_device device_;
};

// A repeatable sequence from a seed; for tests only (predictable ids must never reach customers).
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next_u64() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// SCID alphabet: Crockford's base 32 — digits and upper-case letters without I, L, O and U, so
// nobody confuses 1/I/L or 0/O when reading one out on the phone, and no accidental words.
inline constexpr std::string_view kScidAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
inline constexpr std::size_t kScidLength = 9;

// Nine characters: eight random ones (32^8 ≈ 1.1e12 values) and a check character that catches
// every single mistyped character and most swapped neighbours. Uniqueness among stored services
// is enforced by the database; a caller that hits the unique constraint generates another.
std::string generate_scid(RandomSource& random);
// True for exactly nine alphabet characters (upper case) whose check character matches.
bool is_valid_scid(std::string_view scid);

// Sequential business references: PREFIX-YYYY-NNNNNN, e.g. ORD-2026-000123 (control/
// reference_numbers allocates them). The sequence is
// per kind and never reused; it is zero-padded to six digits and simply grows past 999999.
enum class ReferenceKind { kOrder, kTicket, kInvoice, kMaintenance, kNocEvent, kBillingRequest };

struct Reference {
  ReferenceKind kind;
  int year;
  std::uint64_t sequence;
};

// "ORD", "TKT", "INV", "MNT", "EVT" or "BRQ".
std::string_view reference_prefix(ReferenceKind kind);
// Formats a reference; year must be 1000..9999 and sequence at least 1 (the caller guarantees).
std::string format_reference(ReferenceKind kind, int year, std::uint64_t sequence);
// Parses a reference of the given kind; nullopt unless it is exactly in the documented format.
std::optional<Reference> parse_reference(ReferenceKind kind, std::string_view text);

inline std::string format_order_number(int year, std::uint64_t sequence) {
  return format_reference(ReferenceKind::kOrder, year, sequence);
}
inline std::string format_ticket_reference(int year, std::uint64_t sequence) {
  return format_reference(ReferenceKind::kTicket, year, sequence);
}
inline std::string format_invoice_number(int year, std::uint64_t sequence) {
  return format_reference(ReferenceKind::kInvoice, year, sequence);
}
inline bool is_valid_order_number(std::string_view text) {
  return parse_reference(ReferenceKind::kOrder, text).has_value();
}
inline bool is_valid_ticket_reference(std::string_view text) {
  return parse_reference(ReferenceKind::kTicket, text).has_value();
}
inline bool is_valid_invoice_number(std::string_view text) {
  return parse_reference(ReferenceKind::kInvoice, text).has_value();
}

}  // namespace candela
