// Notifications beyond the list (invalidation_routes): mark read, per-category preferences, the
// staff view of the mail outbox with retry, and the mail delivery job.
#include <soci/soci.h>

#include <charconv>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "control/mail_address.hpp"
#include "control/mail_delivery.hpp"
#include "control/mail_outbox.hpp"
#include "control/notification_preferences.hpp"
#include "control/notifications.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

using control::MailDelivery;
using control::MailOutbox;
using control::NotificationPreference;

std::optional<long long> parse_id(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return std::nullopt;
  }
  return value;
}

nlohmann::json preferences_json(const std::vector<NotificationPreference>& preferences) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : preferences) {
    list.push_back({{"category", std::string(control::notification_category_name(p.category))},
                    {"email", p.email},
                    {"portal", p.portal}});
  }
  return {{"preferences", list}};
}

nlohmann::json delivery_json(const MailDelivery& d) {
  const bool waiting =
      d.status == control::MailStatus::kPending || d.status == control::MailStatus::kSending;
  return {{"id", d.id},
          {"to", d.to},
          {"subject", d.subject},
          {"status", std::string(control::mail_status_name(d.status))},
          {"attempts", d.attempts},
          {"last_error", d.last_error},
          {"next_attempt_at",
           waiting ? nlohmann::json(utc_timestamp(d.next_attempt_at)) : nlohmann::json(nullptr)},
          {"sent_at", utc_timestamp_or_null(d.sent_at)},
          {"created_at", utc_timestamp(d.created_at)},
          {"template", d.template_id},
          {"category", std::string(control::notification_category_name(d.category))},
          {"entity_type", d.entity_type},
          {"entity_id", d.entity_id},
          {"message_id", d.message_id}};
}

Response mark_read(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto id = parse_id(request.param("id"));
  if (!id) return not_found("no such notification").to_response(request.request_id);
  auto marked = context.db.with_transaction([&](soci::session& session) {
    return control::Notifications(session, context.clock).mark_read(*principal, *id);
  });
  if (!marked.ok()) return error_response(marked.failure(), request);
  Response response;
  response.status = 204;
  return response;
}

Response get_preferences(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto listed = context.db.with_session([&](soci::session& session) {
    return control::NotificationPreferences(session, context.clock).list(*principal);
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  return json_response(200, preferences_json(*listed));
}

// {"preferences":[{"category","email","portal"}, ...]}: every problem located in the body.
ApiResult<std::vector<NotificationPreference>> read_preferences(const nlohmann::json& document) {
  JsonReader reader(document);
  reader.reject_unknown("", {"preferences"});
  std::vector<NotificationPreference> out;
  if (const auto* list = reader.array("/preferences")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = "/preferences/" + std::to_string(i);
      if (!(*list)[i].is_object()) {
        reader.add_error(at, "must be an object {\"category\", \"email\", \"portal\"}");
        continue;
      }
      reader.reject_unknown(at, {"category", "email", "portal"});
      NotificationPreference preference;
      if (auto name = reader.string(at + "/category")) {
        if (auto category = control::parse_notification_category(*name)) {
          preference.category = *category;
        } else {
          reader.add_error(at + "/category",
                           "must be one of tickets, maintenance, noc, invalidations, orders, "
                           "billing, account");
        }
      }
      const auto email = reader.boolean(at + "/email");
      const auto portal = reader.boolean(at + "/portal");
      preference.email = email.value_or(true);
      preference.portal = portal.value_or(true);
      out.push_back(preference);
    }
  }
  if (auto problem = reader.problem()) return *problem;
  return out;
}

Response put_preferences(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  auto changes = read_preferences(*document);
  if (!changes) return changes.problem().to_response(request.request_id);
  auto stored = context.db.with_transaction([&](soci::session& session) {
    return control::NotificationPreferences(session, context.clock).update(*principal, *changes);
  });
  if (!stored.ok()) return error_response(stored.failure(), request);
  return json_response(200, preferences_json(*stored));
}

Response list_deliveries(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  std::optional<long long> before;
  if (page->after_key) {
    before = parse_id(*page->after_key);
    if (!before) {
      return bad_request("query parameter cursor is not a cursor this API returned")
          .to_response(request.request_id);
    }
  }
  control::MailDeliveryFilter filter;
  if (auto status = request.query_param("status")) {
    filter.status = control::parse_mail_status(*status);
    if (!filter.status) {
      return bad_request("query parameter status must be pending, sending, sent or failed")
          .to_response(request.request_id);
    }
  }
  filter.entity_type = request.query_param("entity_type");
  filter.entity_id = request.query_param("entity_id");
  auto listed = context.db.with_session([&](soci::session& session) {
    return MailOutbox(session, context.clock)
        .list(*principal, filter, before, static_cast<int>(page->limit));
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& delivery : listed->items)
    body["items"].push_back(delivery_json(delivery));
  return page_response(request, *page, listed->next_before, std::move(body));
}

Response retry_delivery(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  std::string reason;
  if (!request.body.empty()) {
    auto document = parse_json_body(request);
    if (!document) return document.problem().to_response(request.request_id);
    JsonReader reader(*document);
    reader.reject_unknown("", {"reason"});
    reason = reader.string("/reason", false, 1000).value_or("");
    if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  }
  auto id = parse_id(request.param("id"));
  // Outsiders learn nothing from the id: the role check comes first.
  const bool may_retry = principal->has_provider_role(control::Role::kProviderAdmin) ||
                         principal->has_provider_role(control::Role::kNocEngineer);
  if (may_retry && !id) return not_found("no such mail delivery").to_response(request.request_id);
  auto retried = context.db.with_transaction([&](soci::session& session) {
    return MailOutbox(session, context.clock).retry(*principal, id.value_or(0), reason);
  });
  if (!retried.ok()) return error_response(retried.failure(), request);
  return json_response(200, delivery_json(*retried));
}

// The delivery job's fixed parts, checked once at start.
struct MailJob {
  control::MailDeliverySettings settings;
  std::unique_ptr<control::MailTransport> transport;
};

std::shared_ptr<MailJob> make_mail_job(const PortalSettings& settings) {
  if (!control::is_mailable_address(settings.mail_from)) {
    throw std::runtime_error("--mail-from: \"" + settings.mail_from +
                             "\" is not a plain email address (local@domain)");
  }
  if (!settings.smtp_url.empty() && !settings.smtp_url.starts_with("smtp://") &&
      !settings.smtp_url.starts_with("smtps://")) {
    throw std::runtime_error("--smtp-url: \"" + settings.smtp_url +
                             "\" must start with smtp:// or smtps://");
  }
  if (settings.smtp_timeout >= settings.mail_claim_lease) {
    throw std::runtime_error("the SMTP timeout must be shorter than the mail claim lease");
  }
  auto job = std::make_shared<MailJob>();
  job->settings.from = settings.mail_from;
  job->settings.retry = {settings.mail_first_retry, settings.mail_max_retry,
                         settings.mail_max_attempts};
  job->settings.claim_lease = settings.mail_claim_lease;
  if (!settings.smtp_url.empty()) {
    job->transport =
        std::make_unique<control::SmtpTransport>(settings.smtp_url, settings.smtp_timeout);
  }
  return job;
}

void deliver_mail(ApiContext& context, MailJob& job) {
  auto run =
      control::deliver_due_mail(context.db, context.clock, job.transport.get(), job.settings);
  if (!run.ok()) {
    std::fprintf(stderr, "candela portal: mail delivery failed: %s\n", run.error().c_str());
    return;
  }
  if (run->sent + run->deferred + run->failed > 0) {
    std::fprintf(stderr, "candela portal: mail: %d sent, %d to retry, %d given up\n", run->sent,
                 run->deferred, run->failed);
  }
}

}  // namespace

void register_notification_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/notifications/{id}/read",
             [&context](const Request& request) { return mark_read(context, request); });
  router.add("GET", "/api/v1/notification-preferences",
             [&context](const Request& request) { return get_preferences(context, request); });
  router.add("PUT", "/api/v1/notification-preferences",
             [&context](const Request& request) { return put_preferences(context, request); });
  router.add("GET", "/api/v1/mail-deliveries",
             [&context](const Request& request) { return list_deliveries(context, request); });
  router.add("POST", "/api/v1/mail-deliveries/{id}/retry",
             [&context](const Request& request) { return retry_delivery(context, request); });
  auto job = make_mail_job(context.settings);
  context.jobs.push_back(BackgroundJob{"mail-delivery", std::chrono::seconds(2),
                                       [&context, job] { deliver_mail(context, *job); }});
}

}  // namespace candela::portal
