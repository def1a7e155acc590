// parse_prometheus_text: one line at a time; a line is either a whole sample or skipped.
#include "monitor/prometheus_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

namespace candela::monitor {

std::string_view PrometheusSample::label(std::string_view label_name) const {
  for (const auto& [key, text] : labels) {
    if (key == label_name) return text;
  }
  return {};
}

namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

void skip_blanks(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
    ++pos;
}

std::optional<std::string> read_name(std::string_view line, std::size_t& pos) {
  if (pos >= line.size() || !is_name_start(line[pos])) return std::nullopt;
  const std::size_t start = pos;
  while (pos < line.size() && is_name_char(line[pos]))
    ++pos;
  return std::string(line.substr(start, pos - start));
}

// A quoted label value with the format's escapes: \\, \" and \n.
std::optional<std::string> read_label_value(std::string_view line, std::size_t& pos) {
  if (pos >= line.size() || line[pos] != '"') return std::nullopt;
  std::string value;
  for (++pos; pos < line.size(); ++pos) {
    const char c = line[pos];
    if (c == '"') {
      ++pos;
      return value;
    }
    if (c != '\\') {
      value.push_back(c);
      continue;
    }
    if (++pos >= line.size()) return std::nullopt;
    switch (line[pos]) {
      case '\\':
        value.push_back('\\');
        break;
      case '"':
        value.push_back('"');
        break;
      case 'n':
        value.push_back('\n');
        break;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

bool read_labels(std::string_view line, std::size_t& pos, PrometheusSample& sample) {
  ++pos;  // '{'
  for (;;) {
    skip_blanks(line, pos);
    if (pos < line.size() && line[pos] == '}') {
      ++pos;
      return true;
    }
    auto name = read_name(line, pos);
    if (!name) return false;
    skip_blanks(line, pos);
    if (pos >= line.size() || line[pos] != '=') return false;
    ++pos;
    skip_blanks(line, pos);
    auto value = read_label_value(line, pos);
    if (!value) return false;
    sample.labels.emplace_back(std::move(*name), std::move(*value));
    skip_blanks(line, pos);
    if (pos < line.size() && line[pos] == ',')
      ++pos;
    else if (pos >= line.size() || line[pos] != '}')
      return false;
  }
}

std::optional<double> read_value(std::string_view token) {
  if (token == "+Inf" || token == "Inf") return std::numeric_limits<double>::infinity();
  if (token == "-Inf") return -std::numeric_limits<double>::infinity();
  if (token == "NaN") return std::numeric_limits<double>::quiet_NaN();
  double value = 0.0;
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<PrometheusSample> read_sample(std::string_view line) {
  std::size_t pos = 0;
  PrometheusSample sample;
  auto name = read_name(line, pos);
  if (!name) return std::nullopt;
  sample.name = std::move(*name);
  if (pos < line.size() && line[pos] == '{' && !read_labels(line, pos, sample)) {
    return std::nullopt;
  }
  const std::size_t before_blank = pos;
  skip_blanks(line, pos);
  if (pos == before_blank) return std::nullopt;  // the value must be separated
  const std::size_t value_start = pos;
  while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t')
    ++pos;
  auto value = read_value(line.substr(value_start, pos - value_start));
  if (!value) return std::nullopt;
  sample.value = *value;
  // An optional integer timestamp may follow; anything else makes the line unreadable.
  skip_blanks(line, pos);
  if (pos < line.size()) {
    std::string_view rest = line.substr(pos);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t'))
      rest.remove_suffix(1);
    long long timestamp = 0;
    const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), timestamp);
    if (ec != std::errc() || ptr != rest.data() + rest.size()) return std::nullopt;
  }
  return sample;
}

}  // namespace

PrometheusText parse_prometheus_text(std::string_view text) {
  PrometheusText out;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t pos = 0;
    skip_blanks(line, pos);
    line.remove_prefix(pos);
    if (line.empty() || line.front() == '#') continue;
    if (auto sample = read_sample(line)) {
      out.samples.push_back(std::move(*sample));
    } else {
      ++out.skipped_lines;
    }
  }
  return out;
}

}  // namespace candela::monitor
