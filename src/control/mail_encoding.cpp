// base64, quoted-printable, RFC 2047 encoded-words and RFC 5322 dates for outgoing mail.
#include "control/mail_encoding.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace candela::control {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kHex[] = "0123456789ABCDEF";

bool is_plain_ascii(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) return false;
  }
  return text.find("=?") == std::string_view::npos;  // would read as an encoded-word
}

// The length of the UTF-8 prefix of `text` no longer than `limit` bytes that ends on a
// character boundary (at least one byte, so malformed input still makes progress).
std::size_t utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text.size();
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return cut == 0 ? limit : cut;
}

void append_escaped(std::string& line, unsigned char c) {
  line.push_back('=');
  line.push_back(kHex[c >> 4]);
  line.push_back(kHex[c & 0x0F]);
}

// One line of text (no line break inside) as quoted-printable lines joined by soft breaks.
std::string qp_line(std::string_view line) {
  std::string out;
  std::string current;
  auto emit = [&](const std::string& piece) {
    // Keep room for the soft-break '=' within 76 characters.
    if (current.size() + piece.size() > 75) {
      out += current + "=\r\n";
      current.clear();
    }
    current += piece;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    std::string piece;
    const bool from_line = i == 0 && line.substr(0, 5) == "From ";
    if ((c == ' ' || c == '\t') && last) {
      append_escaped(piece, c);  // trailing white space may be stripped in transit
    } else if (c == ' ' || c == '\t' || (c >= 33 && c <= 126 && c != '=' && !from_line)) {
      piece.push_back(static_cast<char>(c));
    } else {
      append_escaped(piece, c);
    }
    emit(piece);
  }
  return out + current;
}

}  // namespace

std::string base64_encode(std::string_view bytes, std::size_t line_length) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4 + bytes.size() / 38 + 4);
  std::size_t on_line = 0;
  auto put = [&](char c) {
    if (line_length > 0 && on_line == line_length) {
      out += "\r\n";
      on_line = 0;
    }
    out.push_back(c);
    ++on_line;
  };
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    put(kBase64[(v >> 18) & 63]);
    put(kBase64[(v >> 12) & 63]);
    put(kBase64[(v >> 6) & 63]);
    put(kBase64[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    put(kBase64[(v >> 18) & 63]);
    put(kBase64[(v >> 12) & 63]);
    put(rest == 2 ? kBase64[(v >> 6) & 63] : '=');
    put('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  int padding = 0;
  std::size_t symbols = 0;
  for (char c : text) {
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    const auto at = kBase64.find(c);
    if (at == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(at);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (symbols % 4 != 0 || padding > 2) return std::nullopt;
  return out;
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    const bool more = end != std::string_view::npos;
    if (!more) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += qp_line(line);
    if (!more) break;
    out += "\r\n";
    start = end + 1;
  }
  return out;
}

std::string encode_header_text(std::string_view text) {
  std::string clean(text);
  for (char& c : clean) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  if (is_plain_ascii(clean) && clean.size() <= 900) return clean;
  // "=?UTF-8?B?" + 60 base64 characters + "?=" is 72 characters: 45 bytes per word.
  constexpr std::size_t kBytesPerWord = 45;
  std::string out;
  std::string_view rest = clean;
  while (!rest.empty()) {
    const std::size_t take = utf8_prefix(rest, kBytesPerWord);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(rest.substr(0, take)) + "?=";
    rest.remove_prefix(take);
  }
  return out;
}

std::string rfc5322_date(SysTime at) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                kDays[static_cast<std::size_t>(tm.tm_wday)], tm.tm_mday,
                kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return text;
}

}  // namespace candela::control
