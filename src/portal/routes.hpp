// The portal's route modules; portal_app.cpp registers each of them on one Router.
#pragma once

#include "portal/api_context.hpp"
#include "portal/router.hpp"

namespace candela::portal {

// GET /api/v1/health, GET /api/v1/openapi.json.
void register_meta_routes(Router& router, ApiContext& context);

}  // namespace candela::portal
