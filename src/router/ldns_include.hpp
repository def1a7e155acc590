// Includes ldns safely from C++: without stdbool.h first, ldns/common.h defines `bool`, `true`
// and `false` as macros (true → 1), which silently turns `json{{"x", false}}` into 0 and breaks
// standard headers included after it. The order matters: stdbool.h sets
// __bool_true_false_are_defined, which makes ldns leave them alone.
#pragma once

// clang-format off
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>
// clang-format on
