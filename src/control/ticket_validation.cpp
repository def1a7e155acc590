// Field rules of a submitted ticket (contract section 3; handbook "Customer-reported service
// impairment").
#include "control/ticket_validation.hpp"

#include <cctype>

#include "common/ids.hpp"
#include "control/customers.hpp"

namespace candela::control {
namespace {

bool is_blank(std::string_view text) {
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

void require_text(FieldProblems& problems, const std::string& pointer, const std::string& value,
                  std::size_t max_length, bool required) {
  if (is_blank(value)) {
    if (required) problems.emplace_back(pointer, "is required");
    return;
  }
  if (value.size() > max_length) {
    problems.emplace_back(pointer, "is longer than " + std::to_string(max_length) + " characters");
  }
}

void check_contact(FieldProblems& problems, const TicketContact& contact, bool required) {
  require_text(problems, "/contact/name", contact.name, 200, required);
  if (is_blank(contact.email)) {
    if (required) problems.emplace_back("/contact/email", "is required");
  } else if (!is_valid_contact_email(contact.email)) {
    problems.emplace_back("/contact/email", "is not a valid email address");
  }
  if (contact.phones.empty() && required) {
    problems.emplace_back("/contact/phones", "needs at least one telephone number");
  }
  if (contact.phones.size() > 5) {
    problems.emplace_back("/contact/phones", "may list at most 5 numbers");
  }
  for (std::size_t i = 0; i < contact.phones.size(); ++i) {
    if (!is_valid_phone_number(contact.phones[i])) {
      problems.emplace_back("/contact/phones/" + std::to_string(i),
                            "must be an international number: '+', then 7 to 15 digits "
                            "(spaces or dashes allowed), e.g. +1 303 555 0100");
    }
  }
  require_text(problems, "/contact/alternate_contact", contact.alternate_contact, 500, required);
}

}  // namespace

bool is_valid_contact_email(std::string_view email) {
  if (email.size() > 254) return false;
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  for (char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u) || std::iscntrl(u) || c == '<' || c == '>' || c == ',' || c == ';')
      return false;
  }
  if (domain.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = domain.find('.', start);
    const auto label = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!is_domain_label(label)) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool is_valid_phone_number(std::string_view phone) {
  if (phone.size() < 2 || phone.front() != '+') return false;
  int digits = 0;
  bool previous_separator = true;  // no separator straight after '+'
  for (std::size_t i = 1; i < phone.size(); ++i) {
    const char c = phone[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
      previous_separator = false;
    } else if (c == ' ' || c == '-') {
      if (previous_separator) return false;
      previous_separator = true;
    } else {
      return false;
    }
  }
  return !previous_separator && digits >= 7 && digits <= 15;
}

bool is_language_code(std::string_view code) {
  return code.size() == 2 && std::islower(static_cast<unsigned char>(code[0])) &&
         std::islower(static_cast<unsigned char>(code[1]));
}

CheckedDraft check_ticket_draft(const TicketDraft& draft, SysTime now) {
  CheckedDraft out;
  auto& problems = out.problems;
  if (is_blank(draft.type)) {
    problems.emplace_back("/type", "is required");
  } else if (auto type = parse_ticket_type(draft.type)) {
    out.type = *type;
  } else {
    problems.emplace_back(
        "/type", "must be \"service_impairment\", \"service_change\" or \"account_inquiry\"");
  }
  if (draft.severity && (*draft.severity < 1 || *draft.severity > 4)) {
    problems.emplace_back("/severity", "must be 1 (critical) to 4 (informational)");
  }
  require_text(problems, "/subject", draft.subject, Tickets::kMaxSubjectLength, true);
  require_text(problems, "/description", draft.description, Tickets::kMaxTextLength, true);

  const bool impairment = out.type == TicketType::kServiceImpairment;
  const bool needs_scid = impairment || out.type == TicketType::kServiceChange;
  if (!draft.scid || is_blank(*draft.scid)) {
    if (needs_scid) problems.emplace_back("/scid", "is required: the service identifier (SCID)");
  } else if (!is_valid_scid(*draft.scid)) {
    problems.emplace_back("/scid", "is not a valid service identifier (SCID)");
  }
  require_text(problems, "/alarm_info", draft.alarm_info, Tickets::kMaxTextLength, impairment);
  if (!draft.problem_started_at) {
    if (impairment) problems.emplace_back("/problem_started_at", "is required (UTC)");
  } else if (*draft.problem_started_at > now + Tickets::kFutureTolerance) {
    problems.emplace_back("/problem_started_at", "lies in the future");
  }
  check_contact(problems, draft.contact, impairment);
  if (draft.language && !is_language_code(*draft.language)) {
    problems.emplace_back("/language", "must be an ISO 639-1 code such as \"en\" or \"es\"");
  }
  if (draft.customer_number && !is_customer_number(*draft.customer_number)) {
    problems.emplace_back("/customer_number", "must be \"C\" and seven digits");
  }
  return out;
}

}  // namespace candela::control
