// What every API handler shares: the store, the clock, randomness, settings, the authenticator
// and the feed signal. One instance lives as long as the portal.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "control/database.hpp"
#include "control/passwords.hpp"
#include "control/principal.hpp"
#include "portal/feed_signal.hpp"
#include "portal/message.hpp"
#include "portal/problem.hpp"
#include "portal/replay_cache.hpp"

namespace candela::portal {

struct PortalSettings {
  // Cookies get the Secure attribute (set when the portal is served over TLS or behind it).
  bool secure_cookies = false;
  std::chrono::seconds session_ttl{std::chrono::hours(8)};
  // Sign-in lockout: this many consecutive failures lock the account for lockout_duration.
  int lockout_threshold = 5;
  std::chrono::seconds lockout_duration{std::chrono::minutes(15)};
  // argon2id cost of new password hashes (tests use PasswordCost::minimal()).
  control::PasswordCost password_cost = control::PasswordCost::interactive();
  // 32 random bytes that encrypt API signing keys at rest; created (0600) when missing.
  std::filesystem::path master_key_file = "var/portal-master.key";
  // Longest time a feed long-poll is held open before answering with no events.
  std::chrono::seconds feed_max_wait{std::chrono::seconds(25)};
  // The portal's own URL as users reach it (for links in notifications).
  std::string public_url = "http://127.0.0.1:9000";
  // Usage minute rows older than this many days are deleted (hour and day rollups are kept).
  int usage_minute_days = 100;
  // The log store's folder (docs/log-delivery.md); `candela portal --log-store`.
  std::filesystem::path log_store = "var/logs";
  // Largest log chunk an edge may upload (compressed); larger uploads get 413.
  std::size_t max_log_chunk_bytes = 32 * 1024 * 1024;
  // Mail (docs/notifications.md): the SMTP server (`--smtp-url smtp://host:port`; empty: mail
  // stays pending), the sender (`--mail-from`), retries (`--mail-max-attempts`, backoff from
  // mail_first_retry doubling up to mail_max_retry), how long a row may sit in `sending` before
  // it counts as interrupted and is sent again, and the SMTP timeout (below that lease).
  std::string smtp_url;
  std::string mail_from = "noc@candela.test";
  int mail_max_attempts = 10;
  std::chrono::seconds mail_first_retry{30};
  std::chrono::seconds mail_max_retry{std::chrono::hours(1)};
  std::chrono::seconds mail_claim_lease{std::chrono::minutes(5)};
  std::chrono::seconds smtp_timeout{60};
  // Maintenance notices (docs/maintenance.md): the reminder goes this long before a scheduled
  // window starts (`--maintenance-reminder-hours`, default 24).
  std::chrono::hours maintenance_reminder{24};
  // Ticket attachments (docs/support.md, "Tickets"): files under random names in this folder
  // (`--attachment-store`; default attachments/ beside the SQLite file, var/attachments with
  // PostgreSQL); each at most control::TicketAttachments::kMaxBytes (10 MiB).
  std::filesystem::path attachment_store = "var/attachments";
  // Orders (docs/orders.md): the CDN's edge domain; a service's aliases are CNAMEs of
  // "<scid lower-case>.<cdn_domain>" in its connection notice (`--cdn-domain`).
  std::string cdn_domain = "cdn.candela.example";
  // Invoices of customers outside the US are mailed here, the central depository in London for
  // printing and distribution (docs/billing.md; `--invoice-depository-email`).
  std::string invoice_depository_email = "invoices@london.candela.example";
  // The "billing_run" job (every 10 minutes); tests that bill by hand turn it off.
  bool billing_job = true;
};

// A periodic task of the portal (e.g. the overdue-invalidation check). Route modules add theirs
// to ApiContext::jobs while they are registered; PortalApp runs them on one thread.
struct BackgroundJob {
  std::string name;
  std::chrono::milliseconds interval;
  std::function<void()> run;  // errors are logged by the job itself; exceptions are caught
};

// Turns a request into the principal making it (session cookie + CSRF token on state-changing
// methods, or an HMAC-signed API key request), or the 401/403 problem that refuses it.
using Authenticator = std::function<ApiResult<control::Principal>(const Request&)>;

struct ApiContext {
  ApiContext(control::Database& database, const Clock& c, RandomSource& r, PortalSettings s)
      : db(database), clock(c), random(r), settings(std::move(s)) {}
  ApiContext(const ApiContext&) = delete;
  ApiContext& operator=(const ApiContext&) = delete;

  control::Database& db;
  const Clock& clock;
  RandomSource& random;
  PortalSettings settings;
  // Installed by register_identity_routes(); every other route module calls it.
  Authenticator authenticate;
  FeedSignal feed_signal;
  ReplayCache replay_cache;
  std::vector<BackgroundJob> jobs;
};

// The problem for a domain Error: kind → status (invalid 400 with its located field errors,
// unauthorized 401, forbidden 403, not found 404, conflict 409, precondition 412, unavailable 503,
// internal 500 with the message kept out of the response and logged instead).
Problem problem_from_error(const Error& error);

}  // namespace candela::portal
