// The encodings a MIME message needs: base64 (RFC 2045), quoted-printable (RFC 2045),
// encoded-words for non-ASCII header text (RFC 2047) and the RFC 5322 date.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace candela::control {

// Standard alphabet with padding; `line_length` > 0 breaks lines with CRLF every that many
// characters (76 in message bodies), 0 gives one line.
std::string base64_encode(std::string_view bytes, std::size_t line_length = 0);
// Accepts what base64_encode makes, line breaks included; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

// Quoted-printable with CRLF line ends: LF or CRLF in `text` become hard line breaks, long
// lines get soft breaks ("=" CRLF) so no line exceeds 76 characters.
std::string quoted_printable(std::string_view text);

// Header text: returned as is when it is printable ASCII, otherwise as RFC 2047 "B"
// encoded-words in UTF-8 (each at most 75 characters, never splitting a character), separated
// by CRLF SP so the header folds. CR and LF in `text` become spaces first.
std::string encode_header_text(std::string_view text);

// "Wed, 25 Nov 2026 04:11:46 +0000" (RFC 5322 section 3.3, always UTC).
std::string rfc5322_date(SysTime at);

}  // namespace candela::control
