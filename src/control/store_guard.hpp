// guarded(): runs one store operation and turns an SQL failure into an internal Error, while a
// retryable conflict is rethrown so that Database::with_transaction runs the transaction again.
#pragma once

#include <soci/soci.h>

#include <string_view>

#include "control/store_errors.hpp"

namespace candela::control {

template <typename Fn>
auto guarded(std::string_view what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const soci::soci_error& e) {
    return storage_error(what, e);
  }
}

}  // namespace candela::control
