// Billing adjustments: validated, stored and audited in the caller's transaction; the billing run
// reads the unbilled ones and sets their invoice.
#include "control/billing_adjustments.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/database.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr long long kMaxAmountMinor = 10'000'000'000'000LL;  // 10^13, the wire limit
constexpr std::size_t kMaxDescription = 500;

}  // namespace

std::string_view adjustment_kind_name(AdjustmentKind kind) {
  switch (kind) {
    case AdjustmentKind::kEarlyTermination:
      return "etc";
    case AdjustmentKind::kCredit:
      return "credit";
    case AdjustmentKind::kCharge:
      return "charge";
  }
  return "charge";
}

std::optional<AdjustmentKind> parse_adjustment_kind(std::string_view name) {
  if (name == "etc") return AdjustmentKind::kEarlyTermination;
  if (name == "credit") return AdjustmentKind::kCredit;
  if (name == "charge") return AdjustmentKind::kCharge;
  return std::nullopt;
}

Result<long long> add_billing_adjustment(soci::session& session, const NewAdjustment& adjustment,
                                         SysTime at) {
  std::vector<std::pair<std::string, std::string>> errors;
  const long long amount = adjustment.amount_minor;
  if (adjustment.kind == AdjustmentKind::kCredit) {
    if (amount >= 0) errors.emplace_back("/amount_minor", "a credit must be negative");
  } else if (amount <= 0) {
    errors.emplace_back("/amount_minor", "a charge or early termination charge must be positive");
  }
  if (amount > kMaxAmountMinor || amount < -kMaxAmountMinor) {
    errors.emplace_back("/amount_minor", "must not exceed 10^13 minor units");
  }
  if (adjustment.description.empty() || adjustment.description.size() > kMaxDescription ||
      adjustment.description.find_first_of("\r\n") != std::string::npos) {
    errors.emplace_back("/description", "must be one line of 1 to 500 characters");
  }
  if (adjustment.scid && adjustment.scid->size() != 9) {
    errors.emplace_back("/scid", "must be a 9-character SCID");
  }
  if (!errors.empty()) {
    return Error{"the billing adjustment is not valid", ErrorKind::kInvalid, std::move(errors)};
  }
  return guarded("could not store the billing adjustment", [&]() -> Result<long long> {
    int customers = 0;
    session << "SELECT COUNT(*) FROM customers WHERE id = :id", soci::use(adjustment.customer_id),
        soci::into(customers);
    if (customers == 0) {
      return Error{"customer " + std::to_string(adjustment.customer_id) + " does not exist",
                   ErrorKind::kNotFound};
    }
    const std::string kind(adjustment_kind_name(adjustment.kind));
    const std::string scid = adjustment.scid.value_or("");
    soci::indicator scid_ind = adjustment.scid ? soci::i_ok : soci::i_null;
    const long long created_by = adjustment.created_by.value_or(0);
    soci::indicator by_ind = adjustment.created_by ? soci::i_ok : soci::i_null;
    const long long at_ms = to_epoch_ms(at);
    long long id = 0;
    session << "INSERT INTO billing_adjustments (customer_id, kind, amount_minor, description,"
               " scid, source_reference, created_by, created_at)"
               " VALUES (:c, :k, :a, :d, :s, :r, :by, :at) RETURNING id",
        soci::use(adjustment.customer_id), soci::use(kind), soci::use(amount),
        soci::use(adjustment.description), soci::use(scid, scid_ind),
        soci::use(adjustment.source_reference), soci::use(created_by, by_ind), soci::use(at_ms),
        soci::into(id);

    // The caller audits its own change (order, request); this entry says what billing owes.
    AuditEntry entry;
    entry.actor_user_id = adjustment.created_by;
    entry.entity_type = "billing_adjustment";
    entry.entity_id = std::to_string(id);
    entry.action = "create";
    entry.reason = adjustment.description;
    entry.details = nlohmann::json{{"customer_id", adjustment.customer_id},
                                   {"kind", kind},
                                   {"amount_minor", amount},
                                   {"scid", adjustment.scid ? nlohmann::json(scid) : nullptr},
                                   {"source_reference", adjustment.source_reference}}
                        .dump();
    const ManualClock stamp(at);
    Result<long long> audited = AuditLog(session, stamp).append(entry);
    if (!audited) return audited.failure();
    return id;
  });
}

Result<std::vector<Adjustment>> unbilled_adjustments(soci::session& session,
                                                     long long customer_id) {
  return guarded(
      "could not read the billing adjustments", [&]() -> Result<std::vector<Adjustment>> {
        std::vector<Adjustment> out;
        Adjustment row;
        std::string kind, scid;
        soci::indicator scid_ind = soci::i_null;
        long long created_at = 0;
        soci::statement st =
            (session.prepare << "SELECT id, customer_id, kind, amount_minor, description, scid,"
                                " source_reference, created_at FROM billing_adjustments"
                                " WHERE customer_id = :c AND invoice_id IS NULL"
                                " ORDER BY created_at, id",
             soci::into(row.id), soci::into(row.customer_id), soci::into(kind),
             soci::into(row.amount_minor), soci::into(row.description), soci::into(scid, scid_ind),
             soci::into(row.source_reference), soci::into(created_at), soci::use(customer_id));
        st.execute();
        while (st.fetch()) {
          Adjustment a = row;
          a.kind = parse_adjustment_kind(kind).value_or(AdjustmentKind::kCharge);
          a.scid = scid_ind == soci::i_ok ? std::optional<std::string>(scid) : std::nullopt;
          a.created_at = from_epoch_ms(created_at);
          out.push_back(std::move(a));
        }
        return out;
      });
}

}  // namespace candela::control
