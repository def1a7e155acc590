// The usage route modules (internal to src/portal): edge ingestion and the reports.
#pragma once

#include "portal/api_context.hpp"
#include "portal/router.hpp"

namespace candela::portal {

// POST /api/v1/edges/{edge_id}/usage (node token).
void register_usage_ingest_routes(Router& router, ApiContext& context);
// GET /api/v1/usage (JSON or CSV), GET /api/v1/usage/live.
void register_usage_report_routes(Router& router, ApiContext& context);

}  // namespace candela::portal
