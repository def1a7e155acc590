// Writing HTTP/1.1 response heads into a reusable string without per-call allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace candela::http {

// The standard reason phrase of a status code (RFC 9110 §15), or "" for an unregistered code
// (an empty reason is valid on the wire, RFC 9112 §4).
std::string_view reason_phrase(int status) noexcept;

// Appends "HTTP/1.1 <status> <reason>\r\n". An empty `reason` is replaced by
// reason_phrase(status). `status` must be 100–999 (anything else is written as 500: a
// three-digit code is what every client requires).
void append_status_line(std::string& out, int status, std::string_view reason);

// Appends "<name>: <value>\r\n". CR, LF and NUL in name or value are written as SP
// (RFC 9110 §5.5), so a value copied from an origin or a client can never split the
// response or inject a field.
void append_field(std::string& out, std::string_view name, std::string_view value);

// Appends the decimal digits of `n`.
void append_decimal(std::string& out, std::uint64_t n);

}  // namespace candela::http
