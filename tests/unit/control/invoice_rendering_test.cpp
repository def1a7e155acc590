// Invoice rendering: the PDF's text as pdftotext (poppler-utils) reads it, stable bytes, several
// pages for many lines; the HTML page escapes what it shows; CSV quoting.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>

#include "control/invoice_csv.hpp"
#include "control/invoice_html.hpp"
#include "control/invoice_pdf.hpp"
#include "support/process.hpp"

namespace candela::control {
namespace {

Invoice sample(int extra_lines = 0) {
  Invoice invoice;
  invoice.id = 1;
  invoice.invoice_number = "INV-2026-000042";
  invoice.customer_number = "C0000001";
  invoice.customer_name = "Acme <Video> & Co";
  invoice.period = {2026, 2};
  invoice.issue_date = {2026, 3, 1};
  invoice.due_date = {2026, 3, 31};
  invoice.previous_balance_minor = 120000;
  invoice.payments_minor = 100000;
  invoice.billing_address = {
      "Acme <Video> & Co", "1 Main Street", "Suite 2", "Springfield", "62701", "IL", "US"};
  invoice.lines = {
      {1, InvoiceLineKind::kMrc, "AB12CD34E", 7,
       "Monthly charge: CDN HTTP(S) delivery, SCID "
       "AB12CD34E, 2026-02-10 to 2026-02-28 (19 of 28 days)",
       "19/28 days of USD 500.00", CivilDate{2026, 2, 10}, CivilDate{2026, 2, 28}, 33929},
      {2, InvoiceLineKind::kNrc, "AB12CD34E", 7, "One-time charge: CDN HTTP(S) delivery", "1",
       CivilDate{2026, 2, 10}, std::nullopt, 100000},
      {3, InvoiceLineKind::kCredit, std::nullopt, std::nullopt,
       "Credit, \"goodwill\", for the outage (BRQ-2026-000003) \xe2\x80\x94 thanks", "",
       std::nullopt, std::nullopt, -2500},
  };
  for (int i = 0; i < extra_lines; ++i) {
    invoice.lines.push_back({4 + i, InvoiceLineKind::kUsage, "AB12CD34E", 7,
                             "Usage line number " + std::to_string(4 + i) +
                                 " with a description long enough to wrap onto a second line of "
                                 "the PDF page, naming tiers and rates at length",
                             "1.000000000 GB", CivilDate{2026, 2, 1}, CivilDate{2026, 2, 28},
                             100 + i});
  }
  for (const InvoiceLine& line : invoice.lines)
    invoice.new_charges_minor += line.amount_minor;
  invoice.amount_due_minor =
      invoice.previous_balance_minor - invoice.payments_minor + invoice.new_charges_minor;
  return invoice;
}

// The text of a PDF as pdftotext lays it out.
std::string pdf_text(const std::string& pdf) {
  candela::testing::TempDir dir;
  const std::string path = dir.path() + "/invoice.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(
      popen(("pdftotext -layout '" + path + "' - 2>&1").c_str(), "r"), pclose);
  EXPECT_TRUE(pipe);
  std::string out;
  std::array<char, 4096> buffer{};
  while (pipe && fgets(buffer.data(), buffer.size(), pipe.get()))
    out += buffer.data();
  return out;
}

TEST(InvoicePdf, PdftotextReadsTheInvoice) {
  auto pdf = render_invoice_pdf(sample());
  ASSERT_TRUE(pdf.ok()) << pdf.error();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0U);
  const std::string text = pdf_text(*pdf);
  for (const std::string expected : {"INVOICE",
                                     "INV-2026-000042",
                                     "Acme <Video> & Co",
                                     "1 Main Street",
                                     "C0000001",
                                     "2026-02",
                                     "2026-03-31",
                                     "Previous balance",
                                     "USD 1,200.00",
                                     "Payments received",
                                     "USD -1,000.00",
                                     "New charges",
                                     "USD 1,314.29",
                                     "Amount due by 2026-03-31",
                                     "USD 1,514.29",
                                     "Monthly charge: CDN HTTP(S) delivery",
                                     "19/28 days of USD 500.00",
                                     "2026-02-10 to 2026-02-28",
                                     "USD 339.29",
                                     "USD -25.00",
                                     "(BRQ-2026-000003) ? thanks",
                                     "Page 1 of 1"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }
}

TEST(InvoicePdf, SameInvoiceSameBytesAndLongInvoicesRunOverPages) {
  auto first = render_invoice_pdf(sample());
  auto second = render_invoice_pdf(sample());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);

  auto long_pdf = render_invoice_pdf(sample(150));
  ASSERT_TRUE(long_pdf.ok()) << long_pdf.error();
  const std::string text = pdf_text(*long_pdf);
  std::smatch first_page;
  ASSERT_TRUE(std::regex_search(text, first_page, std::regex("Page 1 of ([0-9]+)")));
  const std::string pages = first_page[1].str();
  EXPECT_GT(std::stoi(pages), 3);
  EXPECT_NE(text.find("Page " + pages + " of " + pages), std::string::npos);
  EXPECT_NE(text.find("Page 2 of " + pages), std::string::npos);
  EXPECT_NE(text.find("Usage line number 153"), std::string::npos);
  EXPECT_NE(text.find("Please quote INV-2026-000042"), std::string::npos);
}

TEST(InvoiceHtml, SelfContainedAndEscaped) {
  const std::string html = render_invoice_html(sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(html.find("<title>Invoice INV-2026-000042</title>"), std::string::npos);
  EXPECT_NE(html.find("Acme &lt;Video&gt; &amp; Co"), std::string::npos);
  EXPECT_EQ(html.find("<Video>"), std::string::npos);
  EXPECT_NE(html.find("Credit, &quot;goodwill&quot;"), std::string::npos);
  EXPECT_NE(html.find("USD 1,514.29"), std::string::npos);
  EXPECT_NE(html.find("2026-02-10 to 2026-02-28"), std::string::npos);
  // Nothing fetched from elsewhere: no scripts, links or external images.
  for (const std::string forbidden : {"<script", "<link", "src=", "http://", "https://"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
}

TEST(InvoiceCsv, HeaderAndOneQuotedRowPerLine) {
  const std::string csv = render_invoice_csv(sample());
  const std::string expected =
      "invoice_number,line_number,kind,scid,description,quantity,period_from,period_to,amount,"
      "currency\r\n"
      "INV-2026-000042,1,mrc,AB12CD34E,\"Monthly charge: CDN HTTP(S) delivery, SCID AB12CD34E, "
      "2026-02-10 to 2026-02-28 (19 of 28 days)\",19/28 days of USD 500.00,2026-02-10,2026-02-28,"
      "339.29,USD\r\n"
      "INV-2026-000042,2,nrc,AB12CD34E,One-time charge: CDN HTTP(S) delivery,1,2026-02-10,,"
      "1000.00,USD\r\n"
      "INV-2026-000042,3,credit,,\"Credit, \"\"goodwill\"\", for the outage (BRQ-2026-000003) "
      "\xe2\x80\x94 thanks\",,,,-25.00,USD\r\n";
  EXPECT_EQ(csv, expected);
}

TEST(InvoiceLineKinds, NamesRoundTrip) {
  for (const char* name : {"mrc", "nrc", "usage", "etc", "credit", "charge"}) {
    auto kind = parse_invoice_line_kind(name);
    ASSERT_TRUE(kind) << name;
    EXPECT_EQ(invoice_line_kind_name(*kind), name);
  }
  EXPECT_FALSE(parse_invoice_line_kind("refund"));
  EXPECT_EQ(parse_invoice_status("overdue"), InvoiceStatus::kOverdue);
  EXPECT_FALSE(parse_invoice_status("late"));
}

}  // namespace
}  // namespace candela::control
