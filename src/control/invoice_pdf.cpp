// Invoice PDFs with libharu: text laid out top-down on A4 pages in points (1/72 in).
#include "control/invoice_pdf.hpp"

#include <hpdf.h>

#include <memory>
#include <vector>

#include "common/money.hpp"

namespace candela::control {
namespace {

constexpr float kLeft = 40.0F;
constexpr float kRight = 555.0F;
constexpr float kTop = 800.0F;
constexpr float kBottom = 60.0F;
constexpr float kNumberX = kLeft;
constexpr float kTextX = 68.0F;
constexpr float kTextWidth = 390.0F;
constexpr float kBody = 9.5F;
constexpr float kSmall = 8.0F;

struct HaruError {
  HPDF_STATUS code = HPDF_OK;
  HPDF_STATUS detail = 0;
};

void on_error(HPDF_STATUS code, HPDF_STATUS detail, void* data) {
  auto* error = static_cast<HaruError*>(data);
  if (error->code == HPDF_OK) {
    error->code = code;
    error->detail = detail;
  }
}

// The built-in fonts speak WinAnsi: keep printable ASCII, one "?" per other UTF-8 character.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (c < 0x80) {
      out += ' ';
    } else if ((c & 0xc0) != 0x80) {
      out += '?';  // the lead byte of a multi-byte character; continuation bytes are dropped
    }
  }
  return out;
}

class Writer {
 public:
  Writer(HPDF_Doc doc, HPDF_Font regular, HPDF_Font bold)
      : doc_(doc), regular_(regular), bold_(bold) {
    new_page();
  }

  float y() const { return y_; }
  void down(float by) { y_ -= by; }

  // Starts a new page when fewer than `height` points remain above the bottom margin.
  void reserve(float height) {
    if (y_ - height < kBottom) new_page();
  }

  void text(float x, const std::string& value, float size = kBody, bool strong = false) {
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : regular_, size);
    HPDF_Page_TextOut(page_, x, y_, printable(value).c_str());
    HPDF_Page_EndText(page_);
  }

  void right(float x, const std::string& value, float size = kBody, bool strong = false) {
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : regular_, size);
    const std::string shown = printable(value);
    text(x - HPDF_Page_TextWidth(page_, shown.c_str()), value, size, strong);
  }

  void rule(float width = 0.5F) {
    HPDF_Page_SetLineWidth(page_, width);
    HPDF_Page_MoveTo(page_, kLeft, y_);
    HPDF_Page_LineTo(page_, kRight, y_);
    HPDF_Page_Stroke(page_);
  }

  // Splits `value` into lines no wider than `width` at `size`, breaking at spaces (a word longer
  // than a line is cut).
  std::vector<std::string> wrap(const std::string& value, float width, float size) {
    HPDF_Page_SetFontAndSize(page_, regular_, size);
    std::vector<std::string> lines;
    std::string rest = printable(value);
    while (!rest.empty()) {
      HPDF_REAL real_width = 0;
      HPDF_UINT fits = HPDF_Font_MeasureText(
          regular_, reinterpret_cast<const HPDF_BYTE*>(rest.c_str()),
          static_cast<HPDF_UINT>(rest.size()), width, size, 0, 0, HPDF_TRUE, &real_width);
      if (fits == 0) {
        fits = HPDF_Font_MeasureText(regular_, reinterpret_cast<const HPDF_BYTE*>(rest.c_str()),
                                     static_cast<HPDF_UINT>(rest.size()), width, size, 0, 0,
                                     HPDF_FALSE, &real_width);
      }
      if (fits == 0) fits = 1;
      std::string line = rest.substr(0, fits);
      rest.erase(0, fits);
      while (!line.empty() && line.back() == ' ')
        line.pop_back();
      while (!rest.empty() && rest.front() == ' ')
        rest.erase(0, 1);
      lines.push_back(line);
    }
    if (lines.empty()) lines.emplace_back();
    return lines;
  }

  const std::vector<HPDF_Page>& pages() const { return pages_; }
  HPDF_Font regular() const { return regular_; }

  void select(HPDF_Page page) { page_ = page; }

 private:
  void new_page() {
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    pages_.push_back(page_);
    y_ = kTop;
  }

  HPDF_Doc doc_;
  HPDF_Font regular_;
  HPDF_Font bold_;
  HPDF_Page page_ = nullptr;
  std::vector<HPDF_Page> pages_;
  float y_ = kTop;
};

void write_header(Writer& w, const Invoice& invoice) {
  w.text(kLeft, "Candela CDN", 11, true);
  w.right(kRight, "INVOICE", 16, true);
  w.down(20);
  w.right(kRight, invoice.invoice_number, 11, true);
  w.down(24);
  const InvoiceAddress& a = invoice.billing_address;
  std::vector<std::string> address = {a.name, a.line1, a.line2};
  std::string city = a.city;
  if (!a.region.empty()) city += (city.empty() ? "" : ", ") + a.region;
  if (!a.postal_code.empty()) city += (city.empty() ? "" : " ") + a.postal_code;
  address.push_back(city);
  address.push_back(a.country);
  const std::pair<std::string, std::string> facts[] = {
      {"Customer number", invoice.customer_number},
      {"Billing period", format_billing_month(invoice.period)},
      {"Issue date", format_civil_date(invoice.issue_date)},
      {"Due date", format_civil_date(invoice.due_date)},
      {"Currency", invoice.currency},
  };
  const float start = w.y();
  float left_y = start;
  for (const std::string& part : address) {
    if (part.empty()) continue;
    w.down(w.y() - left_y);
    w.text(kLeft, part, 10);
    left_y -= 13;
  }
  w.down(w.y() - start);
  for (const auto& [name, value] : facts) {
    w.text(360, name, 9, true);
    w.right(kRight, value, 9);
    w.down(13);
  }
  if (left_y < w.y()) w.down(w.y() - left_y);
  w.down(14);
}

void write_summary(Writer& w, const Invoice& invoice) {
  const std::string& currency = invoice.currency;
  const std::pair<std::string, long long> rows[] = {
      {"Previous balance", invoice.previous_balance_minor},
      {"Payments received", -invoice.payments_minor},
      {"New charges", invoice.new_charges_minor},
  };
  w.rule();
  w.down(14);
  for (const auto& [name, amount] : rows) {
    w.text(kLeft, name);
    w.right(kRight, format_money(amount, currency));
    w.down(14);
  }
  w.rule(1.0F);
  w.down(14);
  w.text(kLeft, "Amount due by " + format_civil_date(invoice.due_date), 10.5F, true);
  w.right(kRight, format_money(invoice.amount_due_minor, currency), 10.5F, true);
  w.down(26);
}

void write_lines(Writer& w, const Invoice& invoice) {
  auto heading = [&] {
    w.text(kNumberX, "#", kBody, true);
    w.text(kTextX, "Description", kBody, true);
    w.right(kRight, "Amount", kBody, true);
    w.down(5);
    w.rule();
    w.down(13);
  };
  w.reserve(60);
  heading();
  for (const InvoiceLine& line : invoice.lines) {
    std::vector<std::string> text = w.wrap(line.description, kTextWidth, kBody);
    std::string facts(invoice_line_kind_name(line.kind));
    if (line.scid) facts += "  SCID " + *line.scid;
    if (!line.quantity.empty()) facts += "  " + line.quantity;
    if (line.period_from && line.period_to) {
      facts +=
          "  " + format_civil_date(*line.period_from) + " to " + format_civil_date(*line.period_to);
    }
    std::vector<std::string> small = w.wrap(facts, kTextWidth, kSmall);
    const float height =
        12.0F * static_cast<float>(text.size()) + 10.0F * static_cast<float>(small.size()) + 6.0F;
    if (w.y() - height < kBottom) {
      w.reserve(height + 40);
      heading();
    }
    w.text(kNumberX, std::to_string(line.line_number));
    w.right(kRight, format_money(line.amount_minor, invoice.currency));
    for (const std::string& part : text) {
      w.text(kTextX, part);
      w.down(12);
    }
    for (const std::string& part : small) {
      w.text(kTextX, part, kSmall);
      w.down(10);
    }
    w.down(6);
  }
  w.reserve(30);
  w.rule(1.0F);
  w.down(14);
  w.text(kTextX, "New charges", kBody, true);
  w.right(kRight, format_money(invoice.new_charges_minor, invoice.currency), kBody, true);
  w.down(24);
  w.reserve(24);
  w.text(kLeft,
         "Please quote " + invoice.invoice_number +
             " with your payment. Questions about a charge: open a billing request in the portal.",
         kSmall);
}

void write_page_numbers(Writer& w, const Invoice& invoice) {
  const std::size_t count = w.pages().size();
  for (std::size_t i = 0; i < count; ++i) {
    w.select(w.pages()[i]);
    w.down(w.y() - 30);
    w.text(kLeft, invoice.invoice_number, kSmall);
    w.right(kRight, "Page " + std::to_string(i + 1) + " of " + std::to_string(count), kSmall);
  }
}

}  // namespace

Result<std::string> render_invoice_pdf(const Invoice& invoice) {
  HaruError error;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, void (*)(HPDF_Doc)> doc(
      HPDF_New(on_error, &error), HPDF_Free);
  if (!doc) return Error{"could not start a PDF document", ErrorKind::kInternal};
  HPDF_SetCompressionMode(doc.get(), HPDF_COMP_ALL);
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_TITLE,
                   printable("Invoice " + invoice.invoice_number).c_str());
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_AUTHOR, "Candela CDN");
  HPDF_Font regular = HPDF_GetFont(doc.get(), "Helvetica", "WinAnsiEncoding");
  HPDF_Font bold = HPDF_GetFont(doc.get(), "Helvetica-Bold", "WinAnsiEncoding");
  if (error.code != HPDF_OK) {
    return Error{"could not load the PDF fonts", ErrorKind::kInternal};
  }
  Writer writer(doc.get(), regular, bold);
  write_header(writer, invoice);
  write_summary(writer, invoice);
  write_lines(writer, invoice);
  write_page_numbers(writer, invoice);
  if (error.code != HPDF_OK || HPDF_SaveToStream(doc.get()) != HPDF_OK) {
    return Error{"could not render the PDF of " + invoice.invoice_number + " (libharu error " +
                     std::to_string(error.code) + "/" + std::to_string(error.detail) + ")",
                 ErrorKind::kInternal};
  }
  std::string out(HPDF_GetStreamSize(doc.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(out.size());
  // Reading exactly the whole stream may report HPDF_STREAM_EOF; `size` says what was read.
  HPDF_ReadFromStream(doc.get(), reinterpret_cast<HPDF_BYTE*>(out.data()), &size);
  out.resize(size);
  if (out.rfind("%PDF-", 0) != 0) {
    return Error{"the PDF of " + invoice.invoice_number + " came out empty", ErrorKind::kInternal};
  }
  return out;
}

}  // namespace candela::control
