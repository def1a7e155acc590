// Notification preferences on SQLite and PostgreSQL: defaults, partial updates, audit, refusals.
#include "control/notification_preferences.hpp"

#include <gtest/gtest.h>

#include "notification_store_test.hpp"

namespace candela::control {
namespace {

class NotificationPreferencesTest : public NotificationStoreTest {
 protected:
  Result<std::vector<NotificationPreference>> list(const Principal& who) {
    return tx([&](soci::session& s) { return NotificationPreferences(s, clock_).list(who); });
  }
  Result<std::vector<NotificationPreference>> update(
      const Principal& who, const std::vector<NotificationPreference>& changes) {
    return tx(
        [&](soci::session& s) { return NotificationPreferences(s, clock_).update(who, changes); });
  }
};

TEST_P(NotificationPreferencesTest, EveryCategoryDefaultsToEmailAndPortal) {
  auto listed = list(as(uk_tech_));
  ASSERT_TRUE(listed.ok()) << listed.error();
  ASSERT_EQ(listed->size(), all_notification_categories().size());
  for (std::size_t i = 0; i < listed->size(); ++i) {
    EXPECT_EQ((*listed)[i].category, all_notification_categories()[i]);
    EXPECT_TRUE((*listed)[i].email);
    EXPECT_TRUE((*listed)[i].portal);
  }
}

TEST_P(NotificationPreferencesTest, AnUpdateChangesOnlyTheNamedCategoriesOfTheCaller) {
  auto stored = update(as(uk_tech_), {{NotificationCategory::kMaintenance, false, true},
                                      {NotificationCategory::kBilling, true, false}});
  ASSERT_TRUE(stored.ok()) << stored.error();
  auto again = update(as(uk_tech_), {{NotificationCategory::kMaintenance, false, false}});
  ASSERT_TRUE(again.ok()) << again.error();
  for (const auto& p : *again) {
    const bool maintenance = p.category == NotificationCategory::kMaintenance;
    const bool billing = p.category == NotificationCategory::kBilling;
    EXPECT_EQ(p.email, !maintenance) << notification_category_name(p.category);
    EXPECT_EQ(p.portal, !maintenance && !billing) << notification_category_name(p.category);
  }
  EXPECT_EQ(*list(as(uk_tech_)), *again);
  auto others = list(as(acme_admin_));
  ASSERT_TRUE(others.ok());
  for (const auto& p : *others)
    EXPECT_TRUE(p.email && p.portal) << "another user's choices are their own";
  EXPECT_EQ(audit_count("user", std::to_string(uk_tech_)) -
                audit_count("user", std::to_string(acme_admin_)),
            2)
      << "each change audited";
  ASSERT_TRUE(update(as(uk_tech_), {{NotificationCategory::kMaintenance, false, false}}).ok());
  EXPECT_EQ(audit_count("user", std::to_string(uk_tech_)) -
                audit_count("user", std::to_string(acme_admin_)),
            2)
      << "no change, no audit record";
}

TEST_P(NotificationPreferencesTest, ACategoryNamedTwiceIsRefusedWithItsLocation) {
  auto refused = update(as(uk_tech_), {{NotificationCategory::kNoc, false, true},
                                       {NotificationCategory::kTickets, false, true},
                                       {NotificationCategory::kNoc, true, true}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(refused.failure().fields.size(), 1u);
  EXPECT_EQ(refused.failure().fields[0].first, "/preferences/2/category");
  EXPECT_EQ(count("SELECT COUNT(*) FROM notification_preferences"), 0);
}

TEST_P(NotificationPreferencesTest, AnApiKeyHasNoPreferences) {
  Principal key;
  key.user_id = 0;
  key.api_key_id = "k1";
  key.grants = {{Role::kAdmin, acme_}};
  EXPECT_EQ(list(key).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(update(key, {{NotificationCategory::kNoc, false, false}}).error_kind(),
            ErrorKind::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(Stores, NotificationPreferencesTest,
                         ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
