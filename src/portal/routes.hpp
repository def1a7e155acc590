// The portal's route modules; portal_app.cpp registers each of them on one Router.
#pragma once

#include <cstddef>

#include "portal/api_context.hpp"
#include "portal/router.hpp"

namespace candela::portal {

// GET /api/v1/health, GET /api/v1/openapi.json.
void register_meta_routes(Router& router, ApiContext& context);

// Installs context.authenticate (session cookie + CSRF, or API key signature), then the session,
// users, API keys, access groups, customers and audit endpoints. Registered first.
void register_identity_routes(Router& router, ApiContext& context);

// Edges (staff): GET/POST /api/v1/edges, GET/PATCH /api/v1/edges/{edge_id}.
void register_edge_routes(Router& router, ApiContext& context);
// Node-token endpoints: PUT /api/v1/edges/{edge_id}/registration, GET /api/v1/feed,
// POST /api/v1/edges/{edge_id}/acks.
void register_feed_routes(Router& router, ApiContext& context);
// Invalidations per SCID and by id, GET /api/v1/notifications, the overdue-invalidation job.
void register_invalidation_routes(Router& router, ApiContext& context);
// POST /api/v1/notifications/{id}/read, GET/PUT /api/v1/notification-preferences,
// GET /api/v1/mail-deliveries, POST /api/v1/mail-deliveries/{id}/retry, the mail delivery job.
void register_notification_routes(Router& router, ApiContext& context);

// Services: GET/POST /api/v1/services, GET/PATCH /api/v1/services/{scid}.
void register_service_routes(Router& router, ApiContext& context);
// Configuration versions of an SCID: list, create (If-Match), read, validate, diff.
void register_configuration_routes(Router& router, ApiContext& context);
// Deployments and rollback per SCID, GET /api/v1/deployments/{id} with per-edge status.
void register_deployment_routes(Router& router, ApiContext& context);

// Usage: POST /api/v1/edges/{edge_id}/usage (node token), GET /api/v1/usage,
// GET /api/v1/usage/live, and the minute-row retention job.
void register_usage_routes(Router& router, ApiContext& context);
// The body limit of a usage batch (the server grants it to POST .../usage only; an edge's batch
// of at most 1,000 rows is about 0.5 MB).
inline constexpr std::size_t kUsageBatchBodyLimit = 16 * 1024 * 1024;
// Logs: PUT /api/v1/edges/{edge_id}/log-chunks/{chunk} (node token), the log files of a service
// (list, download), PUT /api/v1/services/{scid}/log-retention, and the hourly retention job.
void register_log_routes(Router& router, ApiContext& context);
// NOC (docs/noc.md): POST /api/v1/noc/alarms (monitor token or NOC staff), monitor credentials
// under /api/v1/noc/monitors, GET /api/v1/noc/dashboard, /api/v1/noc/events[/{reference}].
void register_noc_routes(Router& router, ApiContext& context);
// The edge network (docs/noc.md, "Network topology"): GET /api/v1/network/topology (node token,
// monitor token or provider staff) and PUT /api/v1/network/health (monitor token).
void register_network_routes(Router& router, ApiContext& context);

// Maintenance windows: GET/POST /api/v1/maintenance, GET/PATCH /api/v1/maintenance/{reference},
// .../cancel, .../complete, .../calendar.ics, and the "maintenance-notices" job.
void register_maintenance_routes(Router& router, ApiContext& context);

// Support (docs/support.md): severities, centres, the UTC duty schedule, on-duty, escalation
// levels and the MTTR report under /api/v1/support.
void register_support_routes(Router& router, ApiContext& context);

// Tickets (docs/support.md, "Tickets"): /api/v1/tickets, one ticket, notes, transitions,
// escalation, attachments, and the "ticket-escalation" job (every 15 s).
void register_ticket_routes(Router& router, ApiContext& context);
// The body limit of a ticket attachment upload (granted to POST .../attachments only).
inline constexpr std::size_t kTicketAttachmentBodyLimit = 10 * 1024 * 1024;

// Payments (docs/payments.md): POST/GET /api/v1/payments, GET /api/v1/payments/{id},
// GET /api/v1/customers/{customer_number}/balance, GET /api/v1/billing/aging, and the
// "collections" job (every minute: warnings, suspension for non-payment, restoration).
void register_payment_routes(Router& router, ApiContext& context);

// Billing requests (docs/billing-requests.md): /api/v1/billing-requests, one request, notes,
// transitions (in_review, cancelled, resolved) and attachments (the ticket attachment limit).
void register_billing_request_routes(Router& router, ApiContext& context);

// Orders (docs/orders.md): /api/v1/orders, one order (GET, PATCH with If-Match), transitions,
// the order's and the service's connection notice.
void register_order_routes(Router& router, ApiContext& context);

// Contracts (docs/contracts.md): GET /api/v1/services/{scid}/items, POST .../disconnect-quote,
// GET /api/v1/products, GET/PUT /api/v1/customers/{customer_number}/terms, and the
// "service_cessation" job (every minute: disconnects services whose items have all ended).
void register_contract_routes(Router& router, ApiContext& context);

// Billing (docs/billing.md): POST/GET /api/v1/billing/runs, GET /api/v1/invoices, one invoice
// and its html/pdf/csv renderings, and the "billing_run" job (every 10 minutes: the previous
// month for every customer, once).
void register_billing_routes(Router& router, ApiContext& context);
// One pass of the "billing_run" job (tests call it with PortalSettings::billing_job off).
void run_billing_job(ApiContext& context);

}  // namespace candela::portal
