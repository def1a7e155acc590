// Migration 10, written once for SQLite and PostgreSQL.
#include "control/support_migration.hpp"

namespace candela::control {

// The same lists as the user_roles and account_team CHECKs of migration 1.
#define PROVIDER_ROLES_LIST                                                                \
  "'account_director', 'sales_engineer', 'customer_care_manager', 'activation_engineer', " \
  "'cdn_support_technician', 'billing_coordinator', 'noc_engineer', 'provider_admin'"
#define ACCOUNT_TEAM_ROLES_LIST                                                            \
  "'account_director', 'sales_engineer', 'customer_care_manager', 'activation_engineer', " \
  "'cdn_support_technician', 'billing_coordinator'"

Migration support_migration() {
  return Migration{
      10,
      "support centres, schedule, severities and escalation levels",
      {
          // languages: a JSON array of ISO 639-1 codes; position: display order.
          "CREATE TABLE support_centres ("
          " code TEXT PRIMARY KEY CHECK (length(code) = 3 AND code = upper(code)),"
          " name TEXT NOT NULL CHECK (length(name) >= 1),"
          " city TEXT NOT NULL,"
          " country TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country)),"
          " languages TEXT NOT NULL DEFAULT '[]',"
          " position INTEGER NOT NULL)",
          "INSERT INTO support_centres (code, name, city, country, languages, position) VALUES"
          " ('BRM', 'Broomfield', 'Broomfield, CO', 'US', '[\"en\",\"es\"]', 1),"
          " ('TUL', 'Tulsa', 'Tulsa, OK', 'US', '[\"en\"]', 2),"
          " ('DUB', 'Dublin', 'Dublin', 'IE', '[\"en\",\"ga\",\"fr\",\"de\"]', 3),"
          " ('LON', 'London', 'London', 'GB', '[\"en\",\"fr\",\"es\",\"it\"]', 4)",

          // One shift per row, UTC. days: JSON array of "mon".."sun"; minutes of the day, the
          // end exclusive (1440 = midnight); end < start crosses midnight and the hours after
          // midnight belong to the day the shift started. position keeps the editor's order.
          "CREATE TABLE support_schedule ("
          " id {pk},"
          " position INTEGER NOT NULL,"
          " centre_code TEXT NOT NULL REFERENCES support_centres(code),"
          " days TEXT NOT NULL,"
          " start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),"
          " end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),"
          " priority INTEGER NOT NULL CHECK (priority >= 1),"
          " CHECK (start_minute <> end_minute))",
          "INSERT INTO support_schedule"
          " (position, centre_code, days, start_minute, end_minute, priority) VALUES"
          " (1, 'DUB', '[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]', 360, 840, 1),"
          " (2, 'LON', '[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]', 600, 1080, 2),"
          " (3, 'BRM', '[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]', 840, 1320, 3),"
          " (4, 'TUL', '[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]', 1320, 360, 4)",

          // examples: a JSON array of strings. Targets in minutes.
          "CREATE TABLE severity_levels ("
          " severity INTEGER PRIMARY KEY CHECK (severity BETWEEN 1 AND 4),"
          " name TEXT NOT NULL CHECK (length(name) >= 1),"
          " definition TEXT NOT NULL,"
          " examples TEXT NOT NULL DEFAULT '[]',"
          " initial_response_minutes INTEGER NOT NULL CHECK (initial_response_minutes >= 1),"
          " update_interval_minutes INTEGER NOT NULL CHECK (update_interval_minutes >= 1),"
          " restoration_minutes INTEGER NOT NULL CHECK (restoration_minutes >= 1),"
          " updated_at BIGINT NOT NULL DEFAULT 0)",
          "INSERT INTO severity_levels (severity, name, definition, examples,"
          " initial_response_minutes, update_interval_minutes, restoration_minutes) VALUES"
          " (1, 'Critical', 'The service is down or unusable for most end users, or content is"
          " served wrongly at scale; no workaround exists.',"
          " '[\"All requests to a property fail or time out\",\"Every edge of a region stops"
          " serving a service\",\"Wrong content served to end users\"]', 15, 60, 240),"
          " (2, 'Major', 'The service is seriously degraded for many end users or a key feature"
          " fails; a workaround may exist but is not sustainable.',"
          " '[\"Error rate or latency well above normal in one region\",\"Invalidations not"
          " applied\",\"Origin failover not working\"]', 30, 120, 480),"
          " (3, 'Minor', 'A limited or intermittent problem with little effect on end users, or"
          " one with a workable workaround.',"
          " '[\"Occasional errors on a few objects\",\"Access-log delivery delayed\",\"A report"
          " shows wrong figures\"]', 240, 1440, 4320),"
          " (4, 'Informational', 'No effect on the service: questions, documentation, requests for"
          " information or analysis.',"
          " '[\"How to configure a cache rule\",\"Request for a root-cause report\",\"Question"
          " about usage figures\"]', 1440, 4320, 14400)",

          // notify_user_ids: a JSON array of user ids.
          "CREATE TABLE escalation_levels ("
          " level INTEGER PRIMARY KEY CHECK (level >= 1),"
          " name TEXT NOT NULL CHECK (length(name) >= 1),"
          " notify_role TEXT CHECK (notify_role IN (" PROVIDER_ROLES_LIST ")),"
          " notify_account_team_role TEXT CHECK (notify_account_team_role IN "
          "(" ACCOUNT_TEAM_ROLES_LIST ")),"
          " notify_user_ids TEXT NOT NULL DEFAULT '[]')",
          "INSERT INTO escalation_levels (level, name, notify_role, notify_account_team_role)"
          " VALUES"
          " (1, 'Senior CDN support technician', 'cdn_support_technician', NULL),"
          " (2, 'Support duty manager', 'noc_engineer', NULL),"
          " (3, 'Customer care manager', NULL, 'customer_care_manager'),"
          " (4, 'Director of operations', 'provider_admin', NULL)",
      }};
}

#undef PROVIDER_ROLES_LIST
#undef ACCOUNT_TEAM_ROLES_LIST

}  // namespace candela::control
