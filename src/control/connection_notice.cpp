// The service connection notice: plain text as mailed, plus the same facts as JSON.
#include "control/connection_notice.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>

#include "control/notifier.hpp"
#include "control/order_notices.hpp"
#include "control/order_store.hpp"
#include "control/store_guard.hpp"
#include "control/support_config.hpp"

namespace candela::control {
namespace {

struct Technician {
  std::string name;
  std::string email;
  std::string phone;
};

std::optional<Technician> support_technician(soci::session& session, long long customer_id) {
  Technician t;
  std::string office, mobile;
  session << "SELECT u.name, u.email, u.phone_office, u.phone_mobile FROM account_team a"
             " JOIN users u ON u.id = a.user_id"
             " WHERE a.customer_id = :c AND a.role = 'cdn_support_technician'",
      soci::use(customer_id), soci::into(t.name), soci::into(t.email), soci::into(office),
      soci::into(mobile);
  if (!session.got_data()) return std::nullopt;
  t.phone = !office.empty() ? office : mobile;
  return t;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    out += (i ? separator : "") + parts[i];
  return out;
}

}  // namespace

std::string cname_target(const std::string& scid, const std::string& cdn_domain) {
  std::string lower = scid;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower + "." + cdn_domain;
}

Result<ConnectionNotice> compose_connection_notice(soci::session& session, const Order& order,
                                                   int log_retention_days,
                                                   int configuration_version,
                                                   const OrderSettings& settings, SysTime now) {
  if (!order.scid || !order.technical) {
    return Error{"a connection notice needs the service and its technical details",
                 ErrorKind::kInternal};
  }
  const std::string& scid = *order.scid;
  const TechnicalDetails& technical = *order.technical;
  auto centres = support_centres(session);
  if (!centres.ok()) return Error{centres.failure()};
  std::optional<Technician> technician;
  auto found = guarded("could not read the account team", [&]() -> Result<bool> {
    technician = support_technician(session, order.customer_id);
    return true;
  });
  if (!found.ok()) return Error{found.failure()};

  const std::string activated = format_civil_date(utc_date_of(now));
  const std::string logs_api = "/api/v1/services/" + scid + "/log-files";
  nlohmann::json aliases = nlohmann::json::array();
  std::string alias_lines;
  for (const auto& alias : technical.aliases) {
    const std::string target = cname_target(scid, settings.cdn_domain);
    aliases.push_back({{"alias", alias}, {"cname", target}});
    alias_lines += "    " + alias + "  CNAME  " + target + "\n";
  }
  nlohmann::json centre_list = nlohmann::json::array();
  std::string centre_lines;
  for (const auto& centre : *centres) {
    centre_list.push_back({{"code", centre.code},
                           {"name", centre.name},
                           {"city", centre.city},
                           {"country", centre.country},
                           {"languages", centre.languages}});
    centre_lines += "    " + centre.name + " (" + centre.city + ", " + centre.country +
                    "): languages " + join(centre.languages, ", ") + "\n";
  }
  std::string technician_line;
  nlohmann::json technician_json = nullptr;
  if (technician) {
    technician_line = "  Your CDN support technician: " + technician->name + ", " +
                      technician->email + (technician->phone.empty() ? "" : ", ") +
                      technician->phone + "\n";
    technician_json = {
        {"name", technician->name}, {"email", technician->email}, {"phone", technician->phone}};
  } else {
    technician_line =
        "  Your CDN support technician: not yet assigned; any support centre "
        "below will help.\n";
  }
  const std::string origin_url = technical.origin.scheme + "://" + technical.origin.host + ":" +
                                 std::to_string(technical.origin.port);

  ConnectionNotice notice;
  notice.scid = scid;
  notice.order_number = order.order_number;
  notice.customer_number = order.customer_number;
  notice.created_at = now;
  notice.body =
      "SERVICE CONNECTION NOTICE\n"
      "\n"
      "Your CDN service is active.\n"
      "\n"
      "Key service identifiers\n"
      "  Customer number: " +
      order.customer_number + " (" + order.customer_name +
      ")\n"
      "  SCID: " +
      scid +
      "\n"
      "  Order number: " +
      order.order_number +
      "\n"
      "  Activated on: " +
      activated +
      "\n"
      "Quote the SCID whenever you contact CDN support about this service.\n"
      "\n"
      "Configuration technical details\n"
      "  Point each host name at the CDN with a DNS CNAME record:\n" +
      alias_lines + "  Origin: " + origin_url + " (host " + technical.origin.host + ", port " +
      std::to_string(technical.origin.port) + ", scheme " + technical.origin.scheme +
      ")\n"
      "  Configuration version " +
      std::to_string(configuration_version) +
      " is deployed to production.\n"
      "\n"
      "Log file details\n"
      "  Access log files are kept for " +
      std::to_string(log_retention_days) +
      " days.\n"
      "  List and download them in the portal or with GET " +
      settings.public_url + logs_api +
      "\n"
      "  (see docs/log-delivery.md).\n"
      "\n"
      "CDN support contact information\n" +
      technician_line + "  Support centres:\n" + centre_lines;
  notice.details = {
      {"customer_number", order.customer_number},
      {"customer_name", order.customer_name},
      {"scid", scid},
      {"order_number", order.order_number},
      {"activated_on", activated},
      {"aliases", aliases},
      {"origin",
       {{"host", technical.origin.host},
        {"port", technical.origin.port},
        {"scheme", technical.origin.scheme}}},
      {"configuration_version", configuration_version},
      {"logs",
       {{"retention_days", log_retention_days},
        {"api", logs_api},
        {"documentation", "docs/log-delivery.md"}}},
      {"support", {{"technician", technician_json}, {"centres", centre_list}}},
  };
  return notice;
}

Status deliver_connection_notice(soci::session& session, const Clock& clock, const Order& order,
                                 const ConnectionNotice& notice) {
  auto stored = insert_connection_notice(session, notice);
  if (!stored.ok()) return stored;
  NotificationRecipients to;
  auto contacts = service_contacts(session, order.access_group_id);
  if (!contacts.ok()) return Error{contacts.failure()};
  to.user_ids = *contacts;
  for (const Role role : {Role::kAccountDirector, Role::kCustomerCareManager}) {
    auto member = account_team_recipient(session, order.customer_id, role);
    if (!member.ok()) return Error{member.failure()};
    for (const long long user : member->user_ids) {
      if (std::find(to.user_ids.begin(), to.user_ids.end(), user) == to.user_ids.end()) {
        to.user_ids.push_back(user);
      }
    }
    to.roles.insert(to.roles.end(), member->roles.begin(), member->roles.end());
  }
  Notice mail;
  mail.tmpl = &kServiceConnectionNotice;
  mail.values = {
      {"scid", notice.scid}, {"order_number", notice.order_number}, {"body", notice.body}};
  mail.entity_type = "service";
  mail.entity_id = notice.scid;
  mail.dedupe_key = "order.service_connection_notice:" + notice.scid;
  auto sent = Notifier(session, clock).notify(mail, to);
  if (!sent.ok()) return Error{sent.failure()};
  return ok_status();
}

}  // namespace candela::control
