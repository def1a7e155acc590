// A non-allocating RFC 8941 dictionary reader that validates syntax and reports value types.
#include "cache/structured_field.hpp"

namespace candela::cache {

namespace {

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// tchar (RFC 9110 §5.6.2).
bool is_tchar(char c) noexcept {
  if (is_alpha(c) || is_digit(c)) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~")) {
    if (c == t) return true;
  }
  return false;
}

bool is_base64(char c) noexcept {
  return is_alpha(c) || is_digit(c) || c == '+' || c == '/' || c == '=';
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  bool empty() const noexcept { return pos_ >= s_.size(); }
  char peek() const noexcept { return empty() ? '\0' : s_[pos_]; }
  bool consume(char c) noexcept {
    if (peek() != c || empty()) return false;
    ++pos_;
    return true;
  }
  void skip_sp() noexcept {
    while (!empty() && s_[pos_] == ' ')
      ++pos_;
  }
  void skip_ows() noexcept {
    while (!empty() && (s_[pos_] == ' ' || s_[pos_] == '\t'))
      ++pos_;
  }

  // key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ), see the header.
  bool key(std::string_view& out) noexcept {
    const std::size_t start = pos_;
    if (!(is_alpha(peek()) || peek() == '*')) return false;
    ++pos_;
    while (!empty()) {
      const char c = s_[pos_];
      if (!(is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' || c == '*')) break;
      ++pos_;
    }
    out = s_.substr(start, pos_ - start);
    return true;
  }

  bool number(SfValueType& type) noexcept {
    consume('-');
    std::size_t int_digits = 0;
    while (is_digit(peek())) {
      ++pos_;
      ++int_digits;
    }
    if (int_digits == 0) return false;
    if (!consume('.')) {
      type = SfValueType::kInteger;
      return int_digits <= 15;
    }
    std::size_t frac_digits = 0;
    while (is_digit(peek())) {
      ++pos_;
      ++frac_digits;
    }
    type = SfValueType::kDecimal;
    return int_digits <= 12 && frac_digits >= 1 && frac_digits <= 3;
  }

  bool string() noexcept {
    ++pos_;  // the opening quote
    while (!empty()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (empty() || (s_[pos_] != '"' && s_[pos_] != '\\')) return false;
        ++pos_;
      } else if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return false;  // unterminated
  }

  bool bare_item(SfValueType& type) noexcept {
    const char c = peek();
    if (empty()) return false;
    if (c == '-' || is_digit(c)) return number(type);
    if (c == '"') {
      type = SfValueType::kString;
      return string();
    }
    if (c == '*' || is_alpha(c)) {
      type = SfValueType::kToken;
      ++pos_;
      while (!empty() && (is_tchar(s_[pos_]) || s_[pos_] == ':' || s_[pos_] == '/'))
        ++pos_;
      return true;
    }
    if (c == ':') {
      type = SfValueType::kByteSequence;
      ++pos_;
      while (!empty() && is_base64(s_[pos_]))
        ++pos_;
      return consume(':');
    }
    if (c == '?') {
      type = SfValueType::kBoolean;
      ++pos_;
      return consume('0') || consume('1');
    }
    if (c == '@') {  // Date (RFC 9651)
      ++pos_;
      SfValueType number_type{};
      type = SfValueType::kDate;
      return number(number_type) && number_type == SfValueType::kInteger;
    }
    return false;
  }

  bool parameters() noexcept {
    while (consume(';')) {
      skip_sp();
      std::string_view name;
      if (!key(name)) return false;
      SfValueType type{};
      if (consume('=') && !bare_item(type)) return false;
    }
    return true;
  }

  bool item_or_inner_list(SfValueType& type) noexcept {
    if (!consume('(')) return bare_item(type) && parameters();
    type = SfValueType::kInnerList;
    while (true) {
      skip_sp();
      if (consume(')')) return parameters();
      SfValueType member{};
      if (!bare_item(member) || !parameters()) return false;
      if (!(peek() == ' ' || peek() == ')')) return false;
    }
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

bool walk_sf_dictionary(
    std::string_view line,
    const std::function<bool(std::string_view key, SfValueType type)>& on_member) {
  Reader r(line);
  r.skip_ows();
  while (!r.empty()) {
    std::string_view name;
    if (!r.key(name)) return false;
    SfValueType type = SfValueType::kBoolean;
    if (r.consume('=')) {
      if (!r.item_or_inner_list(type)) return false;
    } else if (!r.parameters()) {
      return false;
    }
    if (!on_member(name, type)) return false;
    r.skip_ows();
    if (r.empty()) return true;
    if (!r.consume(',')) return false;
    r.skip_ows();
    if (r.empty()) return false;  // a trailing comma
  }
  return true;
}

}  // namespace candela::cache
