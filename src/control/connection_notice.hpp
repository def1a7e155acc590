// The service connection notice of a completed new-service order (handbook: key service
// identifiers, configuration technical details, log file details, CDN support contacts):
// composed once, stored, and mailed through the notifier.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "control/database.hpp"
#include "control/orders.hpp"

namespace soci {
class session;
}

namespace candela::control {

// The CNAME target of a service's aliases: "<scid lower-case>.<cdn_domain>".
std::string cname_target(const std::string& scid, const std::string& cdn_domain);

// The notice for `order` (completed, with its SCID and technical details), `log_retention_days`
// and `configuration_version` as stored; reads the account team's CDN support technician and
// the support centres.
Result<ConnectionNotice> compose_connection_notice(soci::session& session, const Order& order,
                                                   int log_retention_days,
                                                   int configuration_version,
                                                   const OrderSettings& settings, SysTime now);

// Stores `notice` and mails it to the service's admin and technical users (its group and
// above), the account director and the customer care manager.
Status deliver_connection_notice(soci::session& session, const Clock& clock, const Order& order,
                                 const ConnectionNotice& notice);

}  // namespace candela::control
