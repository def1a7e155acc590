// Usage: edges post their counters, customers and staff read reports (docs/usage.md), and a
// background job expires minute rows after PortalSettings::usage_minute_days.
#include "portal/usage_routes.hpp"

#include <soci/soci.h>

#include <iostream>

#include "control/usage_store.hpp"
#include "control/usage_time.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

void expire_usage_minutes(ApiContext& context) {
  auto deleted = context.db.with_transaction([&](soci::session& session) {
    return control::UsageStore(session, context.clock)
        .expire_minutes(context.settings.usage_minute_days);
  });
  if (!deleted.ok()) {
    std::cerr << "usage retention: " << deleted.error() << "\n";
  }
}

}  // namespace

void register_usage_routes(Router& router, ApiContext& context) {
  register_usage_ingest_routes(router, context);
  register_usage_report_routes(router, context);
  context.jobs.push_back(BackgroundJob{"usage-minute-retention", std::chrono::hours(1),
                                       [&context] { expire_usage_minutes(context); }});
}

}  // namespace candela::portal
