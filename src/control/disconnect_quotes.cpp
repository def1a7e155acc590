#include "control/disconnect_quotes.hpp"

#include <algorithm>

#include "control/customer_terms.hpp"
#include "control/service_items.hpp"

namespace candela::control {
namespace {

Error invalid_at(const std::string& pointer, const std::string& message) {
  return Error{pointer + ": " + message, ErrorKind::kInvalid, {{pointer, message}}};
}

}  // namespace

Result<ServiceDisconnectQuote> quote_service_disconnect(
    soci::session& session, const Clock& clock, std::string_view scid, const CivilDate& cessation,
    const std::optional<std::vector<long long>>& item_ids) {
  const CivilDate today = utc_date_of(clock.now());
  auto all = ServiceItems(session, clock).for_service(scid);
  if (!all.ok()) return Error{all.failure()};
  std::vector<ServiceItem> open_items;
  for (const ServiceItem& item : *all) {
    if (!item.end_date) open_items.push_back(item);
  }
  if (open_items.empty()) {
    return Error{"service " + std::string(scid) + " has no open contract items to disconnect",
                 ErrorKind::kConflict};
  }
  std::vector<ServiceItem> chosen;
  if (item_ids) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (std::size_t i = 0; i < item_ids->size(); ++i) {
      const long long id = (*item_ids)[i];
      const auto it = std::find_if(open_items.begin(), open_items.end(),
                                   [&](const ServiceItem& item) { return item.id == id; });
      if (it == open_items.end()) {
        fields.emplace_back("/item_ids/" + std::to_string(i),
                            "is not an open item of service " + std::string(scid));
      } else if (std::none_of(chosen.begin(), chosen.end(),
                              [&](const ServiceItem& item) { return item.id == id; })) {
        chosen.push_back(*it);
      }
    }
    if (!fields.empty()) {
      return Error{"the items to disconnect are invalid: " + fields.front().first + " " +
                       fields.front().second,
                   ErrorKind::kInvalid, fields};
    }
  } else {
    chosen = open_items;
  }
  std::sort(chosen.begin(), chosen.end(),
            [](const ServiceItem& a, const ServiceItem& b) { return a.id < b.id; });

  auto terms = CustomerTermsStore(session, clock).for_customer_id(chosen.front().customer_id);
  if (!terms.ok()) return Error{terms.failure()};
  ServiceDisconnectQuote result;
  result.requested_on = today;
  result.currency = terms->currency;
  for (const ServiceItem& item : chosen) {
    auto quote = quote_disconnect(item.contract(), today, cessation);
    if (!quote.ok()) return Error{quote.failure()};  // a cessation before today
    if (cessation < item.start_date) {
      return invalid_at("/cessation_date",
                        "must be on or after " + format_civil_date(item.start_date) +
                            ", the first day of item " + std::to_string(item.id));
    }
    result.etc_total_minor += quote->etc_minor;
    result.quotes.push_back(
        ItemDisconnectQuote{item.id, item.terms.product, item.term_end, *quote});
  }
  return result;
}

nlohmann::json disconnect_quote_to_json(const ServiceDisconnectQuote& quote) {
  nlohmann::json quotes = nlohmann::json::array();
  for (const ItemDisconnectQuote& item : quote.quotes) {
    quotes.push_back({{"item_id", item.item_id},
                      {"product", item.product},
                      {"term_end", format_civil_date(item.term_end)},
                      {"requested_cessation", format_civil_date(item.quote.requested_cessation)},
                      {"cessation", format_civil_date(item.quote.cessation)},
                      {"outcome", disconnect_outcome_name(item.quote.outcome)},
                      {"remaining_mrc_minor", item.quote.remaining_mrc_minor},
                      {"etc_minor", item.quote.etc_minor},
                      {"explanation", item.quote.explanation}});
  }
  return {{"requested_on", format_civil_date(quote.requested_on)},
          {"quotes", std::move(quotes)},
          {"etc_total_minor", quote.etc_total_minor},
          {"currency", quote.currency}};
}

}  // namespace candela::control
