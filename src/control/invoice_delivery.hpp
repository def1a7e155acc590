// Invoice delivery at issue: the delivery records of an invoice and the mail that carries its
// PDF, chosen by the customer's country and preference. US customers get what they chose —
// post (a paper record for printing), email (to the invoice email address) or portal (a
// notification to the organisation's billing users); every other customer's invoice goes to the
// central depository in London, which prints and distributes it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/invoices.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct InvoiceDeliverySettings {
  // `candela portal --invoice-depository-email`.
  std::string depository_email = "invoices@london.candela.example";
  // The portal's URL as users reach it, for the link in the notice.
  std::string public_url = "http://127.0.0.1:9000";
};

// What the customer record says about delivery.
struct DeliveryPreference {
  std::string country;           // ISO 3166-1 alpha-2
  std::string invoice_delivery;  // "email", "post", "portal"
  std::optional<std::string> invoice_email;
  std::optional<long long> organisation_id;
};

// Stores the delivery records of `invoice` (already inserted, lines included) and queues its
// mail through the Notifier with the PDF attached, in the caller's transaction. Returns the
// records in the order stored.
Result<std::vector<InvoiceDeliveryRecord>> deliver_invoice(soci::session& session,
                                                           const Clock& clock,
                                                           const Invoice& invoice,
                                                           const DeliveryPreference& preference,
                                                           const InvoiceDeliverySettings& settings);

}  // namespace candela::control
