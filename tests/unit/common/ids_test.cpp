// Ids: SCID format, check character and uniqueness; business reference formats and validation.
#include "common/ids.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <stdexcept>
#include <unordered_set>

namespace candela {
namespace {

TEST(Scid, IsNineCharactersOfTheUnambiguousAlphabet) {
  SeededRandom random(1);
  for (int i = 0; i < 1000; ++i) {
    const std::string scid = generate_scid(random);
    ASSERT_EQ(scid.size(), 9u);
    for (char c : scid) {
      EXPECT_NE(kScidAlphabet.find(c), std::string_view::npos) << scid;
      EXPECT_EQ(std::string("ILOU").find(c), std::string::npos) << scid;
    }
    EXPECT_TRUE(is_valid_scid(scid)) << scid;
  }
}

TEST(Scid, IsDeterministicForASeed) {
  SeededRandom a(42);
  SeededRandom b(42);
  SeededRandom c(43);
  const std::string first = generate_scid(a);
  EXPECT_EQ(first, generate_scid(b));
  EXPECT_NE(first, generate_scid(c));
}

TEST(Scid, HundredThousandAreDistinct) {
  SeededRandom random(2026);
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 100000; ++i)
    seen.insert(generate_scid(random));
  EXPECT_EQ(seen.size(), 100000u);
}

TEST(Scid, SystemRandomProducesValidDistinctIds) {
  SystemRandom random;
  const std::string a = generate_scid(random);
  const std::string b = generate_scid(random);
  EXPECT_TRUE(is_valid_scid(a));
  EXPECT_TRUE(is_valid_scid(b));
  EXPECT_NE(a, b);
}

TEST(Scid, CheckCharacterCatchesEverySingleCharacterMistake) {
  SeededRandom random(7);
  for (int n = 0; n < 50; ++n) {
    const std::string scid = generate_scid(random);
    for (std::size_t pos = 0; pos < scid.size(); ++pos) {
      for (char c : kScidAlphabet) {
        if (c == scid[pos]) continue;
        std::string typo = scid;
        typo[pos] = c;
        EXPECT_FALSE(is_valid_scid(typo)) << scid << " -> " << typo;
      }
    }
  }
}

TEST(Scid, MalformedIdsAreRejected) {
  SeededRandom random(9);
  const std::string good = generate_scid(random);
  EXPECT_FALSE(is_valid_scid(""));
  EXPECT_FALSE(is_valid_scid(good.substr(0, 8)));
  EXPECT_FALSE(is_valid_scid(good + "0"));
  std::string lower = good;
  for (char& c : lower)
    c = static_cast<char>(std::tolower(c));
  if (lower != good) {
    EXPECT_FALSE(is_valid_scid(lower));
  }
  for (char ambiguous : {'I', 'L', 'O', 'U', '-', ' '}) {
    std::string bad = good;
    bad[0] = ambiguous;
    EXPECT_FALSE(is_valid_scid(bad)) << bad;
  }
}

TEST(Reference, FormatsWithPrefixYearAndPaddedSequence) {
  EXPECT_EQ(format_order_number(2026, 123), "ORD-2026-000123");
  EXPECT_EQ(format_ticket_reference(2026, 1), "TKT-2026-000001");
  EXPECT_EQ(format_invoice_number(2027, 999999), "INV-2027-999999");
  EXPECT_EQ(format_invoice_number(2027, 1234567), "INV-2027-1234567");
  EXPECT_EQ(format_reference(ReferenceKind::kMaintenance, 2026, 7), "MNT-2026-000007");
  EXPECT_EQ(format_reference(ReferenceKind::kNocEvent, 2026, 8), "EVT-2026-000008");
  EXPECT_FALSE(parse_reference(ReferenceKind::kNocEvent, "MNT-2026-000007").has_value());
  EXPECT_EQ(format_reference(ReferenceKind::kBillingRequest, 2026, 9), "BRQ-2026-000009");
  EXPECT_THROW((void)format_order_number(99, 1), std::invalid_argument);
  EXPECT_THROW((void)format_order_number(2026, 0), std::invalid_argument);
}

TEST(Reference, ParsesWhatItFormats) {
  for (std::uint64_t sequence : {1ULL, 42ULL, 999999ULL, 1000000ULL, 98765432ULL}) {
    const std::string text = format_ticket_reference(2031, sequence);
    const auto parsed = parse_reference(ReferenceKind::kTicket, text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(parsed->year, 2031);
    EXPECT_EQ(parsed->sequence, sequence);
  }
}

TEST(Reference, RejectsEverythingElse) {
  EXPECT_TRUE(is_valid_order_number("ORD-2026-000123"));
  EXPECT_FALSE(is_valid_invoice_number("ORD-2026-000123"));  // wrong kind
  EXPECT_FALSE(is_valid_order_number("ord-2026-000123"));
  EXPECT_FALSE(is_valid_order_number("ORD-2026-00123"));    // too few digits
  EXPECT_FALSE(is_valid_order_number("ORD-2026-0000123"));  // padding beyond six digits
  EXPECT_FALSE(is_valid_order_number("ORD-2026-000000"));   // sequences start at 1
  EXPECT_FALSE(is_valid_order_number("ORD-26-000123"));
  EXPECT_FALSE(is_valid_order_number("ORD-2026-00012a"));
  EXPECT_FALSE(is_valid_order_number("ORD_2026_000123"));
  EXPECT_FALSE(is_valid_order_number("ORD-2026-000123 "));
  EXPECT_FALSE(is_valid_ticket_reference(""));
}

}  // namespace
}  // namespace candela
