// build_mime_message: single-part text/plain, or multipart/mixed with the text first.
#include "control/mail_message.hpp"

#include "control/mail_encoding.hpp"

namespace candela::control {
namespace {

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) > 0x7E) return false;
  }
  return true;
}

// "=_" never occurs in base64 or quoted-printable output, so this boundary cannot clash with
// an encoded part.
std::string boundary_for(const std::string& message_id) {
  std::string token;
  for (char c : message_id) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '-')
      token.push_back(c);
  }
  return "=_candela_" + token.substr(0, 50);
}

// A header parameter value: a quoted-string when ASCII, else RFC 2231 (filename*=UTF-8''...).
std::string filename_parameter(const std::string& filename) {
  std::string clean;
  for (char c : filename) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) clean.push_back(c);
  }
  if (is_ascii(clean)) {
    std::string quoted = "filename=\"";
    for (char c : clean) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    return quoted + "\"";
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded = "filename*=UTF-8''";
  for (char c : clean) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '.' ||
        c == '-' || c == '_') {
      encoded.push_back(c);
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[u >> 4]);
      encoded.push_back(kHex[u & 0x0F]);
    }
  }
  return encoded;
}

std::string single_line(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

std::string text_part_headers() {
  return "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n";
}

}  // namespace

std::string build_mime_message(const MailMessage& message) {
  std::string out;
  out += "From: " + single_line(message.from) + "\r\n";
  out += "To: " + single_line(message.to) + "\r\n";
  out += "Subject: " + encode_header_text(message.subject) + "\r\n";
  out += "Date: " + rfc5322_date(message.date) + "\r\n";
  out += "Message-ID: " + single_line(message.message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  // Automatic replies (out-of-office) should not answer machine mail (RFC 3834).
  out += "Auto-Submitted: auto-generated\r\n";
  const std::string text = quoted_printable(message.body);
  if (message.attachments.empty()) {
    // The message must end with CRLF; a body that already does gets no extra empty line.
    out += text_part_headers() + "\r\n" + text;
    if (!text.ends_with("\r\n")) out += "\r\n";
    return out;
  }
  const std::string boundary = boundary_for(message.message_id);
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "This is a message in MIME format.\r\n";
  out += "--" + boundary + "\r\n" + text_part_headers() + "\r\n" + text + "\r\n";
  for (const auto& attachment : message.attachments) {
    out += "--" + boundary + "\r\n";
    out += "Content-Type: " + single_line(attachment.content_type) + "\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    out += "Content-Disposition: attachment; " + filename_parameter(attachment.filename) + "\r\n";
    out += "\r\n" + base64_encode(attachment.content, 76) + "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace candela::control
