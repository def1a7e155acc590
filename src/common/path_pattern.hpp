// Path patterns for purges (and their validation in the portal): a small glob-like language.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace candela {

// A compiled pattern, matched against a whole URL path — or path + "?" + query when the
// pattern contains '?' — never a substring of it.
//
//   *        any sequence of characters, '/' included, possibly empty
//   .        any single character
//   +        one or more of the preceding item
//   {n}      exactly n of the preceding item; {n,m}: n to m of it (0 <= n <= m <= 1000)
//   [a,x-y]  one character of a class: single characters and ranges separated by commas;
//            [^...] is the negated class. Inside, \ escapes ',', ']', '-', '^' and '\'.
//   \c       the character c itself (\*, \., \+, \{, \[, \\ ...)
//   anything else, '/' and '?' included, stands for itself
//
// An "item" is one character, '.', an escaped character or a class; '+' and '{...}' cannot
// follow '*' or another repetition. Patterns are at most 1024 bytes.
//
// Matching simulates the pattern's automaton over the subject (a set of positions advanced
// one character at a time), so it takes O(|subject| × steps) whatever the pattern: there is
// no backtracking and no exponential case. Repetitions are expanded into steps, at most 10,000.
class PathPattern {
 public:
  static constexpr std::size_t kMaxPatternBytes = 1024;
  static constexpr std::size_t kMaxRepetition = 1000;
  static constexpr std::size_t kMaxSteps = 10000;

  bool matches(std::string_view path) const;
  // Whether the pattern is matched against the query too (it contains '?').
  bool includes_query() const noexcept { return includes_query_; }
  // The literal text every match starts with (a cheap pre-filter), e.g. "/img/" for "/img/*".
  const std::string& literal_prefix() const noexcept { return literal_prefix_; }
  const std::string& source() const noexcept { return source_; }

 private:
  friend Result<PathPattern> compile_path_pattern(std::string_view pattern);

  // One step of the automaton: consumes one character that matches it (or none when optional);
  // a repeatable step may consume any number of matching characters.
  struct Step {
    std::uint16_t matcher = 0;  // index into matchers_
    bool optional = false;
    bool repeat = false;
  };
  // 256-bit character sets; matchers_[0] is "any character".
  using CharSet = std::array<std::uint64_t, 4>;

  std::vector<Step> steps_;
  std::vector<CharSet> matchers_;
  std::string literal_prefix_;
  std::string source_;
  bool includes_query_ = false;
};

// Compiles `pattern`; the error names the position (1-based) and what is wrong, e.g.
// "position 7: '{' expects {n} or {n,m} with numbers up to 1000".
Result<PathPattern> compile_path_pattern(std::string_view pattern);

}  // namespace candela
