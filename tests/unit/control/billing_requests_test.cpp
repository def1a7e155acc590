// Billing requests on SQLite and PostgreSQL: opening with located errors and dispute bounds,
// every transition for every role (403 wrong role, 409 impossible move, 404 another customer's),
// a credit makes exactly one adjustment, internal notes and files stay hidden from customers,
// open disputes for collections, notices and audit records.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "billing_request_fixture.hpp"
#include "control/billing_disputes.hpp"
#include "control/billing_request_attachments.hpp"

namespace candela::control {
namespace {

std::vector<std::string> pointers(const Error& error) {
  std::vector<std::string> out;
  for (const auto& [pointer, message] : error.fields)
    out.push_back(pointer);
  std::sort(out.begin(), out.end());
  return out;
}

using BillingRequestsTest = BillingRequestStoreTest;

TEST_P(BillingRequestsTest, CustomerOpensADisputeThatIsNumberedAssignedAuditedAndAnnounced) {
  const BillingRequest request = open(acme_billing_, dispute(1, 50000));
  EXPECT_EQ(request.reference, "BRQ-2025-000001");
  EXPECT_EQ(request.state, BillingRequestState::kOpen);
  EXPECT_EQ(request.kind, BillingRequestKind::kDispute);
  EXPECT_EQ(request.customer_number, "C0000001");
  EXPECT_EQ(request.invoice_number, "INV-2025-000001");
  EXPECT_EQ(request.line_number, 1);
  EXPECT_EQ(request.disputed_amount_minor, 50000);
  ASSERT_TRUE(request.assigned_to);
  EXPECT_EQ(request.assigned_to->user_id, coordinator_.user_id);
  EXPECT_EQ(request.assigned_to->name, "Bea Coordinator");
  ASSERT_TRUE(request.opened_by);
  EXPECT_EQ(request.opened_by->name, "Bill Acme");
  EXPECT_EQ(open(acme_admin_, inquiry()).reference, "BRQ-2025-000002");

  auto detail = tx([&](BillingRequests& r) { return r.get(acme_billing_, request.reference); });
  ASSERT_TRUE(detail.ok()) << detail.error();
  ASSERT_EQ(detail->events.size(), 1u);
  EXPECT_EQ(detail->events[0].kind, BillingRequestEventKind::kOpened);
  EXPECT_EQ(detail->events[0].actor_name, "Bill Acme");
  EXPECT_EQ(detail->allowed_transitions, std::vector<std::string>{"cancelled"});
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'billing_request'"
                  " AND entity_id = :r AND action = 'open'",
                  request.reference),
            1);
  // The account team's coordinator hears of it, nobody else.
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE template = 'billing_request.opened'"
                  " AND entity_id = :r",
                  request.reference),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE entity_id = :r AND recipient_user_id = " +
                      std::to_string(coordinator_.user_id),
                  request.reference),
            1);
}

TEST_P(BillingRequestsTest, WithoutAnAccountTeamCoordinatorEveryCoordinatorIsTold) {
  auto cleared = db_->with_session([&](soci::session& s) -> Result<bool> {
    s << "DELETE FROM account_team";
    return true;
  });
  ASSERT_TRUE(cleared.ok());
  const BillingRequest request = open(acme_billing_, inquiry());
  EXPECT_FALSE(request.assigned_to);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE template = 'billing_request.opened'"
                  " AND entity_id = :r",
                  request.reference),
            2);  // both billing coordinators
}

TEST_P(BillingRequestsTest, OnlyTheCustomersBillingUsersOpenRequests) {
  struct Case {
    const char* who;
    const Principal* principal;
    ErrorKind kind;
    bool located;  // a 400 at /invoice_number: not an invoice of theirs
  };
  const Case cases[] = {
      {"technical", &acme_technical_, ErrorKind::kForbidden, false},
      {"read-only", &acme_reader_, ErrorKind::kForbidden, false},
      {"coordinator", &coordinator_, ErrorKind::kForbidden, false},
      {"provider admin", &provider_admin_, ErrorKind::kForbidden, false},
      {"account director", &director_, ErrorKind::kForbidden, false},
      {"admin of a sub-group", &video_admin_, ErrorKind::kInvalid, true},
      {"another customer", &globex_admin_, ErrorKind::kInvalid, true},
  };
  const long long before = stored_rows();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.who);
    auto opened = tx([&](BillingRequests& r) { return r.open(*c.principal, dispute(1, 100)); });
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error_kind(), c.kind) << opened.error();
    if (c.located) {
      EXPECT_EQ(pointers(opened.failure()), std::vector<std::string>{"/invoice_number"});
    }
  }
  EXPECT_EQ(stored_rows(), before);
}

TEST_P(BillingRequestsTest, EveryProblemOfADraftIsLocatedAndNothingIsStored) {
  const long long before = stored_rows();
  auto empty = tx([&](BillingRequests& r) { return r.open(acme_billing_, BillingRequestDraft{}); });
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(pointers(empty.failure()),
            (std::vector<std::string>{"/description", "/invoice_number", "/kind", "/subject"}));
  BillingRequestDraft bad = inquiry();
  bad.invoice_number = "INV-2099-999999";
  bad.kind = "complaint";
  bad.subject = std::string(201, 'x');
  bad.line_number = 0;
  auto refused = tx([&](BillingRequests& r) { return r.open(acme_billing_, bad); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(pointers(refused.failure()),
            (std::vector<std::string>{"/invoice_number", "/kind", "/line_number", "/subject"}));
  BillingRequestDraft amount_on_inquiry = inquiry();
  amount_on_inquiry.disputed_amount_minor = 100;
  amount_on_inquiry.line_number = 9;
  auto inquiry_refused =
      tx([&](BillingRequests& r) { return r.open(acme_billing_, amount_on_inquiry); });
  ASSERT_FALSE(inquiry_refused.ok());
  EXPECT_EQ(pointers(inquiry_refused.failure()),
            (std::vector<std::string>{"/disputed_amount_minor", "/line_number"}));
  EXPECT_EQ(stored_rows(), before);
}

TEST_P(BillingRequestsTest, DisputedAmountsStayWithinTheLineOrTheInvoice) {
  struct Case {
    const char* what;
    std::optional<long long> line;
    std::optional<long long> amount;
    bool accepted;
  };
  // Line 1 is 50000, line 2 100000, line 3 a credit of -5000; new charges 145000.
  const Case cases[] = {
      {"no amount", 1, std::nullopt, false},
      {"zero", 1, 0, false},
      {"negative", 1, -1, false},
      {"above 10^13", std::nullopt, 10'000'000'000'001LL, false},
      {"one more than the line", 1, 50001, false},
      {"a credit line", 3, 1, false},
      {"the whole line", 1, 50000, true},
      {"the same line again", 1, 1, false},
      {"more than the invoice's rest", std::nullopt, 95001, false},
      {"the invoice's rest", std::nullopt, 95000, true},
      {"anything more on the invoice", 2, 1, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    BillingRequestDraft draft = dispute(c.line, 0);
    draft.disputed_amount_minor = c.amount;
    const long long before = stored_rows();
    auto opened = tx([&](BillingRequests& r) { return r.open(acme_billing_, draft); });
    EXPECT_EQ(opened.ok(), c.accepted) << (opened.ok() ? "" : opened.error());
    if (!opened.ok()) {
      EXPECT_EQ(pointers(opened.failure()), std::vector<std::string>{"/disputed_amount_minor"});
      EXPECT_EQ(stored_rows(), before);
    }
  }
  auto disputed =
      db_->with_session([&](soci::session& s) { return open_disputed_minor(s, acme_invoice_); });
  ASSERT_TRUE(disputed.ok()) << disputed.error();
  EXPECT_EQ(*disputed, 145000);
}

TEST_P(BillingRequestsTest, EachTransitionBelongsToItsRoleOnly) {
  struct Case {
    const char* to;
    const char* who;
    const Principal* principal;
    std::optional<ErrorKind> refusal;  // empty: allowed
  };
  const Case cases[] = {
      {"in_review", "coordinator", &coordinator_, std::nullopt},
      {"in_review", "another coordinator", &other_coordinator_, std::nullopt},
      {"in_review", "provider admin", &provider_admin_, ErrorKind::kForbidden},
      {"in_review", "account director", &director_, ErrorKind::kForbidden},
      {"in_review", "customer admin", &acme_admin_, ErrorKind::kForbidden},
      {"in_review", "customer billing", &acme_billing_, ErrorKind::kForbidden},
      {"in_review", "another customer", &globex_admin_, ErrorKind::kNotFound},
      {"cancelled", "customer admin", &acme_admin_, std::nullopt},
      {"cancelled", "customer billing", &acme_billing_, std::nullopt},
      {"cancelled", "customer technical", &acme_technical_, ErrorKind::kForbidden},
      {"cancelled", "customer read-only", &acme_reader_, ErrorKind::kForbidden},
      {"cancelled", "coordinator", &coordinator_, ErrorKind::kForbidden},
      {"cancelled", "provider admin", &provider_admin_, ErrorKind::kForbidden},
      {"cancelled", "admin of a sub-group", &video_admin_, ErrorKind::kNotFound},
      {"cancelled", "another customer", &globex_admin_, ErrorKind::kNotFound},
      {"resolved", "coordinator", &coordinator_, std::nullopt},
      {"resolved", "provider admin", &provider_admin_, ErrorKind::kForbidden},
      {"resolved", "account director", &director_, ErrorKind::kForbidden},
      {"resolved", "customer admin", &acme_admin_, ErrorKind::kForbidden},
      {"resolved", "another customer", &globex_admin_, ErrorKind::kNotFound},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.who) + " → " + c.to);
    const BillingRequest request = open(acme_billing_, inquiry());
    BillingRequestTransition change = to(c.to);
    if (std::string(c.to) == "resolved") {
      change.resolution = "explanation";
      change.explanation = "Line 2 is the one-off activation fee of the order.";
    }
    const long long before = stored_rows();
    auto moved = move(*c.principal, request.reference, change);
    if (!c.refusal) {
      ASSERT_TRUE(moved.ok()) << moved.error();
      EXPECT_EQ(billing_request_state_name(moved->state), c.to);
    } else {
      ASSERT_FALSE(moved.ok());
      EXPECT_EQ(moved.error_kind(), *c.refusal) << moved.error();
      EXPECT_EQ(stored_rows(), before);
    }
  }
}

TEST_P(BillingRequestsTest, ImpossibleMovesAreConflicts) {
  const BillingRequest reviewed = open(acme_billing_, inquiry());
  ASSERT_TRUE(move(coordinator_, reviewed.reference, to("in_review")).ok());
  auto again = move(coordinator_, reviewed.reference, to("in_review"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error_kind(), ErrorKind::kConflict);
  // In review the customer may still cancel.
  ASSERT_TRUE(move(acme_billing_, reviewed.reference, to("cancelled")).ok());
  for (const char* target : {"in_review", "cancelled", "resolved"}) {
    SCOPED_TRACE(std::string("cancelled → ") + target);
    const Principal& who = std::string(target) == "cancelled" ? acme_billing_ : coordinator_;
    BillingRequestTransition change = std::string(target) == "resolved" ? credit(100) : to(target);
    auto moved = move(who, reviewed.reference, change);
    ASSERT_FALSE(moved.ok());
    EXPECT_EQ(moved.error_kind(), ErrorKind::kConflict) << moved.error();
  }
  const BillingRequest resolved = open(acme_billing_, inquiry());
  BillingRequestTransition explained = to("resolved");
  explained.resolution = "explanation";
  explained.explanation = "The fee is in your order.";
  ASSERT_TRUE(move(coordinator_, resolved.reference, explained).ok());
  auto cancel = move(acme_admin_, resolved.reference, to("cancelled"));
  ASSERT_FALSE(cancel.ok());
  EXPECT_EQ(cancel.error_kind(), ErrorKind::kConflict);
  auto unknown = move(coordinator_, resolved.reference, to("open"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(pointers(unknown.failure()), std::vector<std::string>{"/to"});
  auto detail = tx([&](BillingRequests& r) { return r.get(coordinator_, resolved.reference); });
  ASSERT_TRUE(detail.ok());
  EXPECT_TRUE(detail->allowed_transitions.empty());
}

TEST_P(BillingRequestsTest, ACreditMakesExactlyOneAdjustmentOnTheNextInvoice) {
  const BillingRequest request = open(acme_billing_, dispute(1, 50000));
  ASSERT_TRUE(move(coordinator_, request.reference, to("in_review")).ok());
  auto disputed =
      db_->with_session([&](soci::session& s) { return open_disputed_minor(s, acme_invoice_); });
  ASSERT_TRUE(disputed.ok());
  EXPECT_EQ(*disputed, 50000);

  // Refused resolutions leave nothing behind.
  const long long before = stored_rows();
  for (auto [what, change] : std::vector<std::pair<std::string, BillingRequestTransition>>{
           {"more than the line", credit(50001)},
           {"zero", credit(0)},
           {"no explanation",
            [] {
              auto c = credit(100);
              c.explanation.reset();
              return c;
            }()},
           {"no amount",
            [] {
              auto c = credit(100);
              c.credit_minor.reset();
              return c;
            }()},
       }) {
    SCOPED_TRACE(what);
    auto refused = move(coordinator_, request.reference, change);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  }
  EXPECT_EQ(stored_rows(), before);

  auto resolved = move(coordinator_, request.reference, credit(30000));
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  EXPECT_EQ(resolved->state, BillingRequestState::kResolved);
  EXPECT_EQ(resolved->resolution, BillingResolution::kCredit);
  EXPECT_EQ(resolved->credit_minor, 30000);
  EXPECT_TRUE(resolved->resolved_at);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments WHERE kind = 'credit'"
                  " AND amount_minor = -30000 AND source_reference = :r AND scid = 'ABCDE1234'"
                  " AND invoice_id IS NULL AND customer_id = " +
                      std::to_string(acme_customer_),
                  request.reference),
            1);
  // Resolving again is impossible, and makes no second credit.
  auto twice = move(coordinator_, request.reference, credit(30000));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error_kind(), ErrorKind::kConflict);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments"), 1);
  // No longer disputed; the customer heard of the resolution.
  disputed =
      db_->with_session([&](soci::session& s) { return open_disputed_minor(s, acme_invoice_); });
  EXPECT_EQ(*disputed, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE template = 'billing_request.resolved'"
                  " AND entity_id = :r",
                  request.reference),
            2);  // the opener (a billing user) and the customer admin
}

TEST_P(BillingRequestsTest, AnExplanationMakesNoAdjustment) {
  const BillingRequest request = open(acme_admin_, dispute(std::nullopt, 1000));
  BillingRequestTransition change = to("resolved");
  change.resolution = "explanation";
  change.credit_minor = 100;
  change.explanation = "Correct as billed.";
  auto refused = move(coordinator_, request.reference, change);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(pointers(refused.failure()), std::vector<std::string>{"/credit_minor"});
  change.credit_minor.reset();
  auto resolved = move(coordinator_, request.reference, change);
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  EXPECT_EQ(resolved->resolution, BillingResolution::kExplanation);
  EXPECT_EQ(resolved->explanation, "Correct as billed.");
  EXPECT_FALSE(resolved->credit_minor);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments"), 0);
}

TEST_P(BillingRequestsTest, InternalNotesAreTheCoordinatorsAndHiddenFromCustomers) {
  const BillingRequest request = open(acme_billing_, inquiry());
  auto note = [&](const Principal& who, BillingRequestVisibility visibility) {
    return tx([&](BillingRequests& r) {
      return r.add_note(who, request.reference, "Checked the order form.", visibility);
    });
  };
  ASSERT_TRUE(note(coordinator_, BillingRequestVisibility::kInternal).ok());
  ASSERT_TRUE(note(coordinator_, BillingRequestVisibility::kPublic).ok());
  ASSERT_TRUE(note(acme_admin_, BillingRequestVisibility::kPublic).ok());
  EXPECT_EQ(note(acme_admin_, BillingRequestVisibility::kInternal).error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(note(director_, BillingRequestVisibility::kPublic).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(note(provider_admin_, BillingRequestVisibility::kPublic).error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(note(acme_technical_, BillingRequestVisibility::kPublic).error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(note(globex_admin_, BillingRequestVisibility::kPublic).error_kind(),
            ErrorKind::kNotFound);
  auto blank = tx([&](BillingRequests& r) {
    return r.add_note(acme_admin_, request.reference, "  ", BillingRequestVisibility::kPublic);
  });
  EXPECT_EQ(pointers(blank.failure()), std::vector<std::string>{"/text"});

  auto staff_view = tx([&](BillingRequests& r) { return r.get(director_, request.reference); });
  ASSERT_TRUE(staff_view.ok());
  EXPECT_EQ(staff_view->events.size(), 4u);  // opened + 3 notes
  auto customer_view =
      tx([&](BillingRequests& r) { return r.get(acme_billing_, request.reference); });
  ASSERT_TRUE(customer_view.ok());
  ASSERT_EQ(customer_view->events.size(), 3u);
  for (const auto& event : customer_view->events)
    EXPECT_EQ(event.visibility, BillingRequestVisibility::kPublic);
  // Technical and read-only users do not read billing requests; others' do not exist.
  EXPECT_EQ(
      tx([&](BillingRequests& r) { return r.get(acme_reader_, request.reference); }).error_kind(),
      ErrorKind::kForbidden);
  EXPECT_EQ(
      tx([&](BillingRequests& r) { return r.get(globex_admin_, request.reference); }).error_kind(),
      ErrorKind::kNotFound);
  // The internal note told nobody; the coordinator's public note told the opener and the
  // customer admin; the customer admin's note told the opener and the coordinator.
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE template = 'billing_request.updated'"
                  " AND entity_id = :r",
                  request.reference),
            4);
  // Notes end with the request.
  ASSERT_TRUE(move(acme_billing_, request.reference, to("cancelled")).ok());
  EXPECT_EQ(note(acme_admin_, BillingRequestVisibility::kPublic).error_kind(),
            ErrorKind::kConflict);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'billing_request'"
                  " AND entity_id = :r",
                  request.reference),
            5);  // open, 3 notes, cancel; nothing for the refusals
}

TEST_P(BillingRequestsTest, AttachmentsFollowTheTicketRulesAndHideInternalFiles) {
  const BillingRequest request = open(acme_billing_, inquiry());
  const std::filesystem::path store = dir_.path() + "/attachments";
  SeededRandom random(3);
  auto attach = [&](const Principal& who, BillingRequestUpload upload) {
    return db_->with_transaction([&](soci::session& s) {
      return BillingRequestAttachments(s, clock_, random, store)
          .add(who, request.reference, upload);
    });
  };
  auto read = [&](const Principal& who, long long id) {
    return db_->with_transaction([&](soci::session& s) {
      return BillingRequestAttachments(s, clock_, random, store).read(who, request.reference, id);
    });
  };
  auto added = attach(acme_billing_, {"../remittance.pdf", "application/pdf",
                                      BillingRequestVisibility::kPublic, "%PDF-1.4 remittance"});
  ASSERT_TRUE(added.ok()) << added.error();
  EXPECT_EQ(added->filename, "remittance.pdf");
  auto internal = attach(coordinator_, {"notes.txt", "text/plain; charset=utf-8",
                                        BillingRequestVisibility::kInternal, "internal only"});
  ASSERT_TRUE(internal.ok()) << internal.error();
  EXPECT_EQ(attach(acme_admin_, {"a.txt", "text/plain", BillingRequestVisibility::kInternal, "x"})
                .error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(attach(globex_admin_, {"a.txt", "text/plain", BillingRequestVisibility::kPublic, "x"})
                .error_kind(),
            ErrorKind::kNotFound);
  const long long before = stored_rows();
  auto bad = attach(acme_billing_, {"", "text/html", BillingRequestVisibility::kPublic, ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(pointers(bad.failure()),
            (std::vector<std::string>{"/body", "/content_type", "/filename"}));
  auto fake =
      attach(acme_billing_, {"x.png", "image/png", BillingRequestVisibility::kPublic, "not a png"});
  EXPECT_EQ(pointers(fake.failure()), std::vector<std::string>{"/content_type"});
  EXPECT_EQ(stored_rows(), before);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(store))
    files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 2u);

  auto mine = read(acme_admin_, added->id);
  ASSERT_TRUE(mine.ok()) << mine.error();
  EXPECT_EQ(mine->content, "%PDF-1.4 remittance");
  EXPECT_EQ(read(acme_admin_, internal->id).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(read(coordinator_, internal->id)->content, "internal only");
  EXPECT_EQ(read(globex_admin_, added->id).error_kind(), ErrorKind::kNotFound);
  auto customer_view =
      tx([&](BillingRequests& r) { return r.get(acme_billing_, request.reference); });
  ASSERT_TRUE(customer_view.ok());
  ASSERT_EQ(customer_view->attachments.size(), 1u);
  EXPECT_EQ(customer_view->attachments[0].filename, "remittance.pdf");
}

TEST_P(BillingRequestsTest, ListsShowEachCustomerItsOwnRequests) {
  const BillingRequest acme = open(acme_billing_, inquiry());
  BillingRequestDraft globex_draft = inquiry();
  globex_draft.invoice_number = "INV-2025-000002";
  const BillingRequest globex = open(globex_admin_, globex_draft);
  ASSERT_TRUE(move(acme_billing_, acme.reference, to("cancelled")).ok());
  auto list = [&](const Principal& who, BillingRequestFilter filter = {}) {
    auto page = tx([&](BillingRequests& r) { return r.list(who, filter, std::nullopt, 50); });
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& request : page->requests)
        out.push_back(request.reference);
    }
    return out;
  };
  EXPECT_EQ(list(acme_admin_), std::vector<std::string>{acme.reference});
  EXPECT_EQ(list(globex_admin_), std::vector<std::string>{globex.reference});
  EXPECT_TRUE(list(acme_technical_).empty());
  EXPECT_TRUE(list(video_admin_).empty());
  EXPECT_EQ(list(coordinator_), (std::vector<std::string>{globex.reference, acme.reference}));
  EXPECT_EQ(list(coordinator_, {std::string("open"), std::nullopt, std::nullopt}),
            std::vector<std::string>{globex.reference});
  EXPECT_EQ(list(coordinator_, {std::nullopt, std::string("C0000001"), std::nullopt}),
            std::vector<std::string>{acme.reference});
  EXPECT_EQ(list(coordinator_, {std::nullopt, std::nullopt, std::string("INV-2025-000002")}),
            std::vector<std::string>{globex.reference});
  auto bad = tx([&](BillingRequests& r) {
    return r.list(coordinator_, {std::string("sleeping"), std::nullopt, std::nullopt}, std::nullopt,
                  50);
  });
  EXPECT_EQ(bad.error_kind(), ErrorKind::kInvalid);
  auto first = tx([&](BillingRequests& r) { return r.list(coordinator_, {}, std::nullopt, 1); });
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->requests.size(), 1u);
  ASSERT_TRUE(first->next_before);
  auto second =
      tx([&](BillingRequests& r) { return r.list(coordinator_, {}, first->next_before, 1); });
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->requests.size(), 1u);
  EXPECT_EQ(second->requests[0].reference, acme.reference);
  EXPECT_FALSE(second->next_before);
}

TEST_P(BillingRequestsTest, OnlyOpenDisputesCountAgainstTheInvoice) {
  open(acme_billing_, inquiry());
  const BillingRequest cancelled = open(acme_billing_, dispute(2, 7000));
  ASSERT_TRUE(move(acme_billing_, cancelled.reference, to("cancelled")).ok());
  const BillingRequest reviewed = open(acme_billing_, dispute(2, 3000));
  ASSERT_TRUE(move(coordinator_, reviewed.reference, to("in_review")).ok());
  open(acme_billing_, dispute(std::nullopt, 500));
  auto disputed = db_->with_session([&](soci::session& s) -> Result<std::pair<long, long>> {
    auto acme = open_disputed_minor(s, acme_invoice_);
    auto globex = open_disputed_minor(s, globex_invoice_);
    if (!acme.ok() || !globex.ok()) return Error{"could not read"};
    return std::pair<long, long>{*acme, *globex};
  });
  ASSERT_TRUE(disputed.ok());
  EXPECT_EQ(disputed->first, 3500);
  EXPECT_EQ(disputed->second, 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, BillingRequestsTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
