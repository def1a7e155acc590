// Path patterns: a recursive-descent compiler to a list of steps, and a position-set matcher.
#include "common/path_pattern.hpp"

#include <limits>
#include <optional>

namespace candela {

namespace {

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

// One parsed item with its repetition, before expansion into steps.
struct Item {
  std::uint16_t matcher = 0;
  std::size_t min = 1;
  std::size_t max = 1;
  bool star = false;        // '*': nothing may repeat it
  bool quantified = false;  // already followed by '+' or '{...}'
  std::optional<char> literal;
};

Error at(std::size_t index, const std::string& what) {
  return Error{"position " + std::to_string(index + 1) + ": " + what};
}

class Compiler {
 public:
  explicit Compiler(std::string_view pattern) : p_(pattern) {}

  // Fills `matchers` (index 0 must already be "any") and returns the items, or an error.
  Result<std::vector<Item>> parse(std::vector<std::array<std::uint64_t, 4>>& matchers) {
    matchers_ = &matchers;
    std::vector<Item> items;
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '*') {
        items.push_back({0, 0, kUnbounded, true, true, std::nullopt});
        ++i_;
      } else if (c == '.') {
        items.push_back({0, 1, 1, false, false, std::nullopt});
        ++i_;
      } else if (c == '\\') {
        if (i_ + 1 == p_.size()) return at(i_, "'\\' at the end escapes nothing");
        items.push_back(literal_item(p_[i_ + 1]));
        i_ += 2;
      } else if (c == '[') {
        auto matcher = parse_class();
        if (!matcher) return matcher.failure();
        items.push_back({matcher.value(), 1, 1, false, false, std::nullopt});
      } else if (c == '+' || c == '{') {
        if (items.empty()) return at(i_, std::string("'") + c + "' has no item to repeat");
        Item& item = items.back();
        if (item.star) return at(i_, std::string("'") + c + "' cannot repeat '*'");
        if (item.quantified) {
          return at(i_, std::string("'") + c + "' cannot follow another repetition");
        }
        if (c == '+') {
          item.max = kUnbounded;
          ++i_;
        } else {
          auto bounds = parse_bounds();
          if (!bounds) return bounds.failure();
          item.min = bounds.value().first;
          item.max = bounds.value().second;
        }
        item.quantified = true;
      } else {
        items.push_back(literal_item(c));
        ++i_;
      }
    }
    return items;
  }

 private:
  Item literal_item(char c) {
    std::array<std::uint64_t, 4> set{};
    add(set, static_cast<unsigned char>(c));
    return {matcher_for(set), 1, 1, false, false, c};
  }

  static void add(std::array<std::uint64_t, 4>& set, unsigned char c) {
    set[c / 64] |= std::uint64_t{1} << (c % 64);
  }

  std::uint16_t matcher_for(const std::array<std::uint64_t, 4>& set) {
    for (std::size_t m = 0; m < matchers_->size(); ++m) {
      if ((*matchers_)[m] == set) return static_cast<std::uint16_t>(m);
    }
    matchers_->push_back(set);
    return static_cast<std::uint16_t>(matchers_->size() - 1);
  }

  // One class member character at i_ (with '\' escapes); advances past it.
  Result<char> class_char() {
    if (i_ >= p_.size()) return at(p_.size() - 1, "'[' is never closed with ']'");
    if (p_[i_] == '\\') {
      if (i_ + 1 == p_.size()) return at(i_, "'\\' at the end escapes nothing");
      i_ += 2;
      return p_[i_ - 1];
    }
    const char c = p_[i_];
    if (c == ',' || c == ']' || c == '-') {
      return at(i_, std::string("'") + c + "' where a class member was expected (escape it as \\" +
                        c + ")");
    }
    ++i_;
    return c;
  }

  Result<std::uint16_t> parse_class() {
    const std::size_t open = i_++;
    bool negated = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      negated = true;
      ++i_;
    }
    if (i_ < p_.size() && p_[i_] == ']') return at(open, "empty character class");
    std::array<std::uint64_t, 4> set{};
    while (true) {
      const std::size_t member = i_;
      auto first = class_char();
      if (!first) return first.failure();
      auto last = first.value();
      if (i_ < p_.size() && p_[i_] == '-') {
        ++i_;
        auto end = class_char();
        if (!end) return end.failure();
        last = end.value();
        if (static_cast<unsigned char>(last) < static_cast<unsigned char>(first.value())) {
          return at(member, "range '" + std::string(1, first.value()) + "-" + std::string(1, last) +
                                "' ends before it starts");
        }
      }
      for (unsigned c = static_cast<unsigned char>(first.value());
           c <= static_cast<unsigned char>(last); ++c) {
        add(set, static_cast<unsigned char>(c));
      }
      if (i_ >= p_.size()) return at(open, "'[' is never closed with ']'");
      if (p_[i_] == ']') {
        ++i_;
        break;
      }
      if (p_[i_] != ',') {
        return at(i_,
                  "class members are single characters or ranges separated by commas, "
                  "e.g. [a,x-z]");
      }
      ++i_;
    }
    if (negated) {
      for (auto& word : set)
        word = ~word;
    }
    return matcher_for(set);
  }

  Result<std::size_t> number() {
    const std::size_t start = i_;
    std::size_t n = 0;
    while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') {
      n = n * 10 + static_cast<std::size_t>(p_[i_] - '0');
      if (n > PathPattern::kMaxRepetition) {
        return at(start,
                  "repetition counts go up to " + std::to_string(PathPattern::kMaxRepetition));
      }
      ++i_;
    }
    if (i_ == start) return at(start, "'{' expects {n} or {n,m} with numbers up to 1000");
    return n;
  }

  Result<std::pair<std::size_t, std::size_t>> parse_bounds() {
    const std::size_t open = i_++;
    auto low = number();
    if (!low) return low.failure();
    std::size_t high = low.value();
    if (i_ < p_.size() && p_[i_] == ',') {
      ++i_;
      auto h = number();
      if (!h) return h.failure();
      high = h.value();
    }
    if (i_ >= p_.size() || p_[i_] != '}') {
      return at(open, "'{' expects {n} or {n,m} with numbers up to 1000");
    }
    ++i_;
    if (low.value() > high) {
      return at(open, "{" + std::to_string(low.value()) + "," + std::to_string(high) +
                          "}: the lower bound is above the upper one");
    }
    return std::pair{low.value(), high};
  }

  std::string_view p_;
  std::size_t i_ = 0;
  std::vector<std::array<std::uint64_t, 4>>* matchers_ = nullptr;
};

}  // namespace

Result<PathPattern> compile_path_pattern(std::string_view pattern) {
  if (pattern.empty()) return Error{"the pattern is empty"};
  if (pattern.size() > PathPattern::kMaxPatternBytes) {
    return Error{"the pattern is " + std::to_string(pattern.size()) + " bytes long; at most " +
                 std::to_string(PathPattern::kMaxPatternBytes) + " are allowed"};
  }
  PathPattern compiled;
  compiled.source_ = std::string(pattern);
  compiled.includes_query_ = pattern.find('?') != std::string_view::npos;
  compiled.matchers_.push_back({~0ull, ~0ull, ~0ull, ~0ull});  // any character

  auto items = Compiler(pattern).parse(compiled.matchers_);
  if (!items) return items.failure();

  bool prefix_open = true;
  for (const Item& item : items.value()) {
    if (prefix_open && item.literal && item.min == 1 && item.max == 1) {
      compiled.literal_prefix_.push_back(*item.literal);
    } else {
      prefix_open = false;
    }
    const std::size_t required = item.max == kUnbounded && item.min > 0 ? item.min - 1 : item.min;
    const std::size_t optional = item.max == kUnbounded ? 0 : item.max - item.min;
    const std::size_t steps = required + optional + (item.max == kUnbounded ? 1 : 0);
    if (steps > PathPattern::kMaxSteps - compiled.steps_.size()) {
      return Error{"the pattern is too complex: its repetitions add up to more than " +
                   std::to_string(PathPattern::kMaxSteps) + " steps"};
    }
    for (std::size_t s = 0; s < required; ++s)
      compiled.steps_.push_back({item.matcher, false, false});
    for (std::size_t s = 0; s < optional; ++s)
      compiled.steps_.push_back({item.matcher, true, false});
    // n or more: one step that may repeat, and that may be skipped when n is 0.
    if (item.max == kUnbounded) compiled.steps_.push_back({item.matcher, item.min == 0, true});
  }
  return compiled;
}

bool PathPattern::matches(std::string_view subject) const {
  if (!subject.starts_with(literal_prefix_)) return false;
  const std::size_t n = steps_.size();
  // Position p means "steps before p are done". A set position implies every position reachable
  // from it by skipping optional steps, which is what lets add() stop at a set position.
  thread_local std::vector<std::uint8_t> current, next;
  current.assign(n + 1, 0);
  const auto add = [&](std::vector<std::uint8_t>& set, std::size_t p) {
    while (p <= n && !set[p]) {
      set[p] = 1;
      if (p == n || !steps_[p].optional) break;
      ++p;
    }
  };
  add(current, 0);
  for (const char ch : subject) {
    const auto c = static_cast<unsigned char>(ch);
    next.assign(n + 1, 0);
    bool alive = false;
    for (std::size_t p = 0; p < n; ++p) {
      if (!current[p]) continue;
      const CharSet& set = matchers_[steps_[p].matcher];
      if (!(set[c / 64] >> (c % 64) & 1)) continue;
      add(next, p + 1);
      if (steps_[p].repeat) add(next, p);
      alive = true;
    }
    if (!alive) return false;
    current.swap(next);
  }
  return current[n] != 0;
}

}  // namespace candela
