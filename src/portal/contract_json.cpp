#include "portal/contract_json.hpp"

namespace candela::portal {

nlohmann::json service_item_json(const control::ServiceItem& item, const CivilDate& today) {
  return {{"id", item.id},
          {"scid", item.scid},
          {"customer_number", item.customer_number},
          {"product", item.terms.product},
          {"description", item.terms.description},
          {"pricing_basis", control::pricing_basis_name(item.terms.pricing_basis)},
          {"mrc_minor", item.terms.mrc_minor},
          {"nrc_minor", item.terms.nrc_minor},
          {"usage_plan", control::usage_plan_to_json(item.terms.usage_plan)},
          {"term_months", item.terms.term_months},
          {"etc_percent", item.terms.etc_percent},
          {"start_date", format_civil_date(item.start_date)},
          {"end_date", item.end_date ? nlohmann::json(format_civil_date(*item.end_date)) : nullptr},
          {"term_start", format_civil_date(item.term_start)},
          {"term_end", format_civil_date(item.term_end)},
          {"month_to_month", today > item.term_end},
          {"nrc_due", item.nrc_due},
          {"nrc_invoice_number",
           item.nrc_invoice_number ? nlohmann::json(*item.nrc_invoice_number) : nullptr},
          {"order_number", item.order_number},
          {"replaces_item_id",
           item.replaces_item_id ? nlohmann::json(*item.replaces_item_id) : nullptr}};
}

nlohmann::json product_json(const control::Product& product) {
  return {{"code", product.code},
          {"name", product.name},
          {"standard_mrc_minor", product.standard_mrc_minor},
          {"standard_nrc_minor", product.standard_nrc_minor},
          {"usage_plan", control::usage_plan_to_json(product.standard_usage_plan)}};
}

nlohmann::json customer_terms_json(const control::CustomerTerms& terms) {
  return {{"customer_number", terms.customer_number},
          {"msa_reference", terms.msa_reference},
          {"currency", terms.currency},
          {"payment_terms_days", terms.payment_terms_days},
          {"warning_after_days", terms.warning_after_days},
          {"final_warning_after_days", terms.final_warning_after_days},
          {"suspend_after_days", terms.suspend_after_days}};
}

}  // namespace candela::portal
