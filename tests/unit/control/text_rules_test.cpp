// Node ids and printable text: the character rules edges and monitors share.
#include "control/text_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace candela::control {
namespace {

TEST(TextRules, NodeIdsAreShortLowerCaseAndPathSafe) {
  EXPECT_TRUE(is_node_id("lon1-edge-03", 64));
  EXPECT_TRUE(is_node_id("monitor.a_1", 64));
  EXPECT_TRUE(is_node_id(std::string(64, 'a'), 64));
  EXPECT_FALSE(is_node_id(std::string(65, 'a'), 64));
  EXPECT_FALSE(is_node_id("", 64));
  EXPECT_FALSE(is_node_id("-edge", 64));
  EXPECT_FALSE(is_node_id(".hidden", 64));
  EXPECT_FALSE(is_node_id("Edge1", 64));
  EXPECT_FALSE(is_node_id("edge/1", 64));
  EXPECT_FALSE(is_node_id("edge 1", 64));
}

TEST(TextRules, PrintableTextHasNoControlCharacters) {
  EXPECT_TRUE(is_printable_text("edge-1 missed 3 health checks (€)"));
  EXPECT_TRUE(is_printable_text(""));
  EXPECT_FALSE(is_printable_text("line\nbreak"));
  EXPECT_FALSE(is_printable_text("tab\there"));
  EXPECT_FALSE(is_printable_text(std::string("nul\0", 4)));
  EXPECT_FALSE(is_printable_text("del\x7f"));
}

}  // namespace
}  // namespace candela::control
