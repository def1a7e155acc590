// Nullable SQL columns with SOCI: read into Nullable*, bind for writing from std::optional with
// Bound*. Include only in the row-mapping files that already use SOCI.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>

#include "common/clock.hpp"

namespace candela::control {

// A nullable BIGINT column (numbers, or instants as epoch milliseconds).
struct NullableNumber {
  long long value = 0;
  soci::indicator ind = soci::i_null;
  std::optional<long long> get() const {
    return ind == soci::i_ok ? std::optional<long long>(value) : std::nullopt;
  }
  std::optional<SysTime> time() const {
    return ind == soci::i_ok ? std::optional<SysTime>(from_epoch_ms(value)) : std::nullopt;
  }
};

struct NullableText {
  std::string value;
  soci::indicator ind = soci::i_null;
  std::optional<std::string> get() const {
    return ind == soci::i_ok ? std::optional<std::string>(value) : std::nullopt;
  }
};

// Values bound for writing a nullable column.
struct BoundNumber {
  long long value = 0;
  soci::indicator ind = soci::i_null;
  explicit BoundNumber(std::optional<long long> v) {
    if (v) {
      value = *v;
      ind = soci::i_ok;
    }
  }
  explicit BoundNumber(std::optional<SysTime> t) {
    if (t) {
      value = to_epoch_ms(*t);
      ind = soci::i_ok;
    }
  }
};

struct BoundText {
  std::string value;
  soci::indicator ind = soci::i_null;
  explicit BoundText(const std::optional<std::string>& v) {
    if (v) {
      value = *v;
      ind = soci::i_ok;
    }
  }
};

}  // namespace candela::control
