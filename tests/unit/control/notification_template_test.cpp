// Template rendering: every placeholder filled once, values copied verbatim, mistakes refused.
#include "control/notification_template.hpp"

#include <gtest/gtest.h>

namespace candela::control {
namespace {

TEST(NotificationTemplateTest, ReplacesEveryPlaceholderWithItsValue) {
  auto text = render_template("ticket.created", "{{reference}} opened: {{subject}} ({{reference}})",
                              {{"reference", "TKT-2026-000001"}, {"subject", "Site down"}});
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_EQ(*text, "TKT-2026-000001 opened: Site down (TKT-2026-000001)");
}

TEST(NotificationTemplateTest, TextWithoutPlaceholdersAndUnusedValuesAreFine) {
  auto text =
      render_template("t", "Line one\nline two: 100% {single} braces }}", {{"unused", "x"}});
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_EQ(*text, "Line one\nline two: 100% {single} braces }}");
}

TEST(NotificationTemplateTest, ValuesAreNeverExpandedAgain) {
  auto text = render_template("t", "{{a}}|{{b}}", {{"a", "{{b}}"}, {"b", "{{a}} and {{missing}}"}});
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_EQ(*text, "{{b}}|{{a}} and {{missing}}");
}

TEST(NotificationTemplateTest, NonAsciiValuesAndDottedNamesAreCopiedAsTheyAre) {
  auto text =
      render_template("t", "Bonjour {{contact.name}} — {{when}}",
                      {{"contact.name", "Zoë Müller"}, {"when", "Tue 01 Dec 2026 02:00 GMT"}});
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_EQ(*text, "Bonjour Zoë Müller — Tue 01 Dec 2026 02:00 GMT");
}

TEST(NotificationTemplateTest, AMissingValueIsAnInternalErrorNamingIt) {
  auto text = render_template("maintenance.scheduled", "{{reference}} at {{starts_at}}",
                              {{"reference", "MNT-2026-000001"}});
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error_kind(), ErrorKind::kInternal);
  EXPECT_NE(text.error().find("maintenance.scheduled"), std::string::npos) << text.error();
  EXPECT_NE(text.error().find("{{starts_at}}"), std::string::npos) << text.error();
}

TEST(NotificationTemplateTest, MalformedPlaceholdersAreInternalErrors) {
  for (const char* bad : {"open {{reference", "{{}}", "{{two words}}", "{{a\nb}}"}) {
    auto text = render_template("t", bad, {{"reference", "x"}, {"a", "1"}});
    ASSERT_FALSE(text.ok()) << bad;
    EXPECT_EQ(text.error_kind(), ErrorKind::kInternal) << bad;
  }
}

}  // namespace
}  // namespace candela::control
