#include "ctl/output.hpp"

#include <gtest/gtest.h>

namespace candela::ctl {
namespace {

TEST(Output, TablesAlignColumnsAndReachIntoObjects) {
  const auto body = nlohmann::json::parse(R"({"items": [
      {"scid": "AB12CD34E", "state": "active", "author": {"email": "a@x.test"}},
      {"scid": "ZZ", "state": null}], "next_cursor": null})");
  const std::string table = format_table(list_items(body), {"scid", "state", "author.email"});
  EXPECT_EQ(table,
            "SCID       STATE   AUTHOR EMAIL\n"
            "AB12CD34E  active  a@x.test\n"
            "ZZ         -       -\n");
}

TEST(Output, FindsTheListInAnyShape) {
  EXPECT_EQ(list_items(nlohmann::json::parse("[1,2]")).size(), 2u);
  EXPECT_EQ(list_items(nlohmann::json::parse(R"({"edges":[1]})")).size(), 1u);
  EXPECT_TRUE(list_items(nlohmann::json::parse(R"({"a":1})")).empty());
  EXPECT_EQ(cell_text(nlohmann::json(3)), "3");
  EXPECT_EQ(cell_text(nlohmann::json(true)), "true");
}

}  // namespace
}  // namespace candela::ctl
