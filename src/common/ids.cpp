// The one id module: SCID generation with a check character, and sequential business references.
#include "common/ids.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

namespace candela {
namespace {

constexpr std::size_t kRandomChars = kScidLength - 1;
// Odd weights are units modulo 32, so changing any one character always changes the sum.
constexpr std::array<int, kRandomChars> kWeights = {1, 3, 5, 7, 9, 11, 13, 15};
constexpr std::size_t kMinSequenceDigits = 6;

int alphabet_index(char c) {
  const auto pos = kScidAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

char check_character(std::string_view body) {
  int sum = 0;
  for (std::size_t i = 0; i < kRandomChars; ++i)
    sum += kWeights[i] * alphabet_index(body[i]);
  return kScidAlphabet[static_cast<std::size_t>(sum % 32)];
}

}  // namespace

std::uint64_t SystemRandom::next_u64() {
  // random_device yields 32 bits per call.
  return (static_cast<std::uint64_t>(device_()) << 32) | device_();
}

std::string generate_scid(RandomSource& random) {
  std::string scid;
  scid.reserve(kScidLength);
  // 32 is a power of two, so taking 5 bits at a time has no modulo bias.
  std::uint64_t bits = random.next_u64();
  for (std::size_t i = 0; i < kRandomChars; ++i) {
    scid.push_back(kScidAlphabet[bits & 31U]);
    bits >>= 5;
  }
  scid.push_back(check_character(scid));
  return scid;
}

bool is_valid_scid(std::string_view scid) {
  if (scid.size() != kScidLength) return false;
  for (char c : scid) {
    if (alphabet_index(c) < 0) return false;
  }
  return check_character(scid.substr(0, kRandomChars)) == scid.back();
}

std::string_view reference_prefix(ReferenceKind kind) {
  switch (kind) {
    case ReferenceKind::kOrder:
      return "ORD";
    case ReferenceKind::kTicket:
      return "TKT";
    case ReferenceKind::kInvoice:
      return "INV";
    case ReferenceKind::kMaintenance:
      return "MNT";
    case ReferenceKind::kNocEvent:
      return "EVT";
    case ReferenceKind::kBillingRequest:
      return "BRQ";
  }
  return "";
}

std::string format_reference(ReferenceKind kind, int year, std::uint64_t sequence) {
  if (year < 1000 || year > 9999 || sequence == 0) {
    throw std::invalid_argument("reference needs a four-digit year and a sequence from 1");
  }
  std::string digits = std::to_string(sequence);
  if (digits.size() < kMinSequenceDigits) {
    digits.insert(0, kMinSequenceDigits - digits.size(), '0');
  }
  return std::string(reference_prefix(kind)) + "-" + std::to_string(year) + "-" + digits;
}

std::optional<Reference> parse_reference(ReferenceKind kind, std::string_view text) {
  const std::string_view prefix = reference_prefix(kind);
  // PREFIX '-' YYYY '-' at least six digits.
  if (text.size() < prefix.size() + 1 + 4 + 1 + kMinSequenceDigits) return std::nullopt;
  if (!text.starts_with(prefix) || text[prefix.size()] != '-') return std::nullopt;
  const std::string_view year_text = text.substr(prefix.size() + 1, 4);
  if (text[prefix.size() + 5] != '-') return std::nullopt;
  const std::string_view sequence_text = text.substr(prefix.size() + 6);
  for (char c : year_text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  for (char c : sequence_text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int year = 0;
  std::from_chars(year_text.data(), year_text.data() + year_text.size(), year);
  std::uint64_t sequence = 0;
  const auto [end, ec] =
      std::from_chars(sequence_text.data(), sequence_text.data() + sequence_text.size(), sequence);
  if (ec != std::errc() || year < 1000 || sequence == 0) return std::nullopt;
  (void)end;
  // One spelling per reference: longer than six digits only when the number needs it.
  if (sequence_text.size() > kMinSequenceDigits && sequence_text.front() == '0') {
    return std::nullopt;
  }
  return Reference{kind, year, sequence};
}

}  // namespace candela
