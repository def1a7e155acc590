// The store-free ticket rules: field validation, contact formats, the state machine by actor and
// deadline arithmetic.
#include <gtest/gtest.h>

#include <algorithm>

#include "control/database.hpp"
#include "control/ticket_validation.hpp"
#include "control/ticket_workflow.hpp"

namespace candela::control {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const SysTime kNow = from_epoch_ms(1767603600000);  // 2026-01-05T09:00:00Z

std::vector<std::string> pointers(const FieldProblems& problems) {
  std::vector<std::string> out;
  for (const auto& problem : problems)
    out.push_back(problem.first);
  return out;
}

TEST(TicketValidationTest, EmailAddresses) {
  EXPECT_TRUE(is_valid_contact_email("ann@acme.example"));
  EXPECT_TRUE(is_valid_contact_email("ann.o+noc@mail.acme-corp.co.uk"));
  EXPECT_FALSE(is_valid_contact_email(""));
  EXPECT_FALSE(is_valid_contact_email("ann"));
  EXPECT_FALSE(is_valid_contact_email("@acme.example"));
  EXPECT_FALSE(is_valid_contact_email("ann@acme"));
  EXPECT_FALSE(is_valid_contact_email("ann@@acme.example"));
  EXPECT_FALSE(is_valid_contact_email("ann smith@acme.example"));
  EXPECT_FALSE(is_valid_contact_email("ann@acme..example"));
  EXPECT_FALSE(is_valid_contact_email("ann@-acme.example"));
  EXPECT_FALSE(is_valid_contact_email("ann@acme.example."));
  EXPECT_FALSE(is_valid_contact_email("<ann@acme.example>"));
}

TEST(TicketValidationTest, PhoneNumbers) {
  EXPECT_TRUE(is_valid_phone_number("+13035550100"));
  EXPECT_TRUE(is_valid_phone_number("+1 303 555 0100"));
  EXPECT_TRUE(is_valid_phone_number("+44-20-7946-0000"));
  EXPECT_TRUE(is_valid_phone_number("+3531234"));            // 7 digits
  EXPECT_TRUE(is_valid_phone_number("+123456789012345"));    // 15 digits
  EXPECT_FALSE(is_valid_phone_number("+1234567890123456"));  // 16
  EXPECT_FALSE(is_valid_phone_number("+123456"));            // 6
  EXPECT_FALSE(is_valid_phone_number("13035550100"));        // no '+'
  EXPECT_FALSE(is_valid_phone_number("+1 (303) 555 0100"));
  EXPECT_FALSE(is_valid_phone_number("+1  303 555 0100"));  // double separator
  EXPECT_FALSE(is_valid_phone_number("+ 1303555010"));
  EXPECT_FALSE(is_valid_phone_number("+1303555010 "));
  EXPECT_FALSE(is_valid_phone_number("+1303555O100"));
}

TEST(TicketValidationTest, LanguageCodes) {
  EXPECT_TRUE(is_language_code("en"));
  EXPECT_FALSE(is_language_code("EN"));
  EXPECT_FALSE(is_language_code("eng"));
  EXPECT_FALSE(is_language_code("e1"));
}

TEST(TicketValidationTest, ACompleteImpairmentHasNoProblems) {
  TicketDraft draft;
  draft.type = "service_impairment";
  draft.subject = "Down";
  draft.scid = "0123456789";  // 10 characters: not an SCID
  draft.description = "All 5xx";
  draft.alarm_info = "alarm 17";
  draft.problem_started_at = kNow - minutes(5);
  draft.contact = {"Ann", "ann@acme.example", {"+13035550100"}, "Bob +13035550101"};
  auto checked = check_ticket_draft(draft, kNow);
  EXPECT_EQ(pointers(checked.problems), std::vector<std::string>{"/scid"});
  ASSERT_TRUE(checked.type);
  EXPECT_EQ(*checked.type, TicketType::kServiceImpairment);
}

TEST(TicketValidationTest, InquiriesNeedNoServiceOrContact) {
  TicketDraft draft;
  draft.type = "account_inquiry";
  draft.subject = "Invoice";
  draft.description = "Which address?";
  EXPECT_TRUE(check_ticket_draft(draft, kNow).problems.empty());
  draft.contact.email = "not-an-address";  // optional, but checked when given
  draft.contact.phones = {"12"};
  EXPECT_EQ(pointers(check_ticket_draft(draft, kNow).problems),
            (std::vector<std::string>{"/contact/email", "/contact/phones/0"}));
}

TEST(TicketValidationTest, EverythingMissingIsReportedTogether) {
  TicketDraft draft;
  auto problems = pointers(check_ticket_draft(draft, kNow).problems);
  EXPECT_EQ(problems, (std::vector<std::string>{"/type", "/subject", "/description"}));
  draft.type = "service_impairment";
  problems = pointers(check_ticket_draft(draft, kNow).problems);
  EXPECT_EQ(problems,
            (std::vector<std::string>{"/subject", "/description", "/scid", "/alarm_info",
                                      "/problem_started_at", "/contact/name", "/contact/email",
                                      "/contact/phones", "/contact/alternate_contact"}));
}

TEST(TicketValidationTest, ProblemTimeMayNotLieInTheFuture) {
  TicketDraft draft;
  draft.type = "account_inquiry";
  draft.subject = "x";
  draft.description = "y";
  draft.problem_started_at = kNow + minutes(5);
  EXPECT_TRUE(check_ticket_draft(draft, kNow).problems.empty());
  draft.problem_started_at = kNow + minutes(5) + std::chrono::seconds(1);
  EXPECT_EQ(pointers(check_ticket_draft(draft, kNow).problems),
            std::vector<std::string>{"/problem_started_at"});
}

TEST(TicketWorkflowTest, MovesByActor) {
  using S = TicketState;
  using A = TicketActor;
  struct Case {
    S from;
    S to;
    A actor;
    bool ok;
    ErrorKind kind;
  };
  const Case cases[] = {
      {S::kNew, S::kAcknowledged, A::kStaff, true, ErrorKind::kInvalid},
      {S::kNew, S::kAcknowledged, A::kCustomer, false, ErrorKind::kForbidden},
      {S::kNew, S::kInProgress, A::kStaff, false, ErrorKind::kConflict},
      {S::kNew, S::kResolved, A::kStaff, false, ErrorKind::kConflict},
      {S::kAcknowledged, S::kInProgress, A::kStaff, true, ErrorKind::kInvalid},
      {S::kInProgress, S::kPendingCustomer, A::kStaff, true, ErrorKind::kInvalid},
      {S::kInProgress, S::kPendingCustomer, A::kCustomer, false, ErrorKind::kForbidden},
      {S::kPendingCustomer, S::kInProgress, A::kStaff, true, ErrorKind::kInvalid},
      {S::kPendingCustomer, S::kInProgress, A::kSystem, true, ErrorKind::kInvalid},
      {S::kPendingCustomer, S::kInProgress, A::kCustomer, false, ErrorKind::kForbidden},
      {S::kInProgress, S::kResolved, A::kStaff, true, ErrorKind::kInvalid},
      {S::kInProgress, S::kResolved, A::kCustomer, false, ErrorKind::kForbidden},
      {S::kResolved, S::kClosed, A::kCustomer, true, ErrorKind::kInvalid},
      {S::kResolved, S::kClosed, A::kSystem, true, ErrorKind::kInvalid},
      {S::kResolved, S::kClosed, A::kStaff, false, ErrorKind::kForbidden},
      {S::kResolved, S::kReopened, A::kCustomer, true, ErrorKind::kInvalid},
      {S::kClosed, S::kReopened, A::kCustomer, true, ErrorKind::kInvalid},
      {S::kClosed, S::kReopened, A::kStaff, false, ErrorKind::kForbidden},
      {S::kReopened, S::kInProgress, A::kStaff, true, ErrorKind::kInvalid},
      {S::kClosed, S::kInProgress, A::kStaff, false, ErrorKind::kConflict},
      {S::kInProgress, S::kInProgress, A::kStaff, false, ErrorKind::kConflict},
  };
  for (const auto& c : cases) {
    auto checked = check_ticket_transition(c.from, c.to, c.actor);
    const std::string label = std::string(ticket_state_name(c.from)) + "->" +
                              std::string(ticket_state_name(c.to)) + " by " +
                              std::to_string(static_cast<int>(c.actor));
    EXPECT_EQ(checked.ok(), c.ok) << label;
    if (!c.ok && !checked.ok()) {
      EXPECT_EQ(checked.error_kind(), c.kind) << label;
    }
  }
}

TEST(TicketWorkflowTest, WhoWorksTickets) {
  Principal p;
  p.grants = {{Role::kCdnSupportTechnician, std::nullopt}};
  EXPECT_TRUE(may_work_tickets(p));
  p.grants = {{Role::kCustomerCareManager, std::nullopt}};
  EXPECT_TRUE(may_work_tickets(p));
  p.grants = {{Role::kSalesEngineer, std::nullopt}};
  EXPECT_FALSE(may_work_tickets(p));
  EXPECT_EQ(ticket_actor(p), TicketActor::kStaff);
  p.grants = {{Role::kAdmin, 3}};
  EXPECT_FALSE(may_work_tickets(p));
  EXPECT_EQ(ticket_actor(p), TicketActor::kCustomer);
}

SeverityLevel critical() {
  SeverityLevel level;
  level.severity = 1;
  level.initial_response = minutes(15);
  level.update_interval = minutes(60);
  level.restoration = minutes(240);
  return level;
}

TEST(TicketWorkflowTest, DeadlinesAndEscalationTimes) {
  Ticket ticket;
  ticket.created_at = kNow;
  set_initial_deadlines(ticket, critical());
  EXPECT_EQ(ticket.response_due_at, kNow + minutes(15));
  EXPECT_EQ(ticket.restore_due_at, kNow + hours(4));
  EXPECT_EQ(next_ticket_deadline(ticket), kNow + minutes(15));
  EXPECT_EQ(next_escalation_time(ticket, 4), kNow + minutes(15));
  // Escalated once at +15: the next climb waits an update interval.
  ticket.escalation_level = 1;
  ticket.next_escalation_at = kNow + minutes(75);
  EXPECT_EQ(next_escalation_time(ticket, 4), kNow + minutes(75));
  // Acknowledged at +20: the response no longer counts; the update is due at +80.
  ticket.acknowledged_at = kNow + minutes(20);
  ticket.update_due_at = kNow + minutes(80);
  EXPECT_EQ(next_ticket_deadline(ticket), kNow + minutes(80));
  EXPECT_EQ(next_escalation_time(ticket, 4), kNow + minutes(80));
  ticket.escalation_level = 4;
  EXPECT_FALSE(next_escalation_time(ticket, 4));
  ticket.escalation_level = 1;
  ticket.state = TicketState::kResolved;
  EXPECT_FALSE(next_escalation_time(ticket, 4));
}

TEST(TicketWorkflowTest, PausesPushDeadlinesBack) {
  Ticket ticket;
  ticket.created_at = kNow;
  set_initial_deadlines(ticket, critical());
  ticket.acknowledged_at = kNow + minutes(5);
  ticket.update_due_at = kNow + minutes(65);
  push_back_deadlines(ticket, hours(2));
  EXPECT_EQ(ticket.restore_due_at, kNow + hours(6));
  EXPECT_EQ(ticket.update_due_at, kNow + minutes(185));
  EXPECT_EQ(ticket.response_due_at, kNow + minutes(15));  // already met
  EXPECT_EQ(ticket.next_escalation_at, kNow + minutes(135));
  push_back_deadlines(ticket, -hours(1));  // never forwards
  EXPECT_EQ(ticket.restore_due_at, kNow + hours(6));
}

}  // namespace
}  // namespace candela::control
