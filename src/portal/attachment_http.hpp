// How the portal serves an uploaded file (ticket and billing-request attachments): always as a
// download, never rendered as a page of the portal.
#pragma once

#include <string>

#include "portal/message.hpp"

namespace candela::portal {

// Content-Disposition for a stored (already cleaned) name: an ASCII fallback and the exact
// UTF-8 name (RFC 6266 / RFC 8187).
std::string attachment_disposition(const std::string& filename);

// 200 with the bytes, `attachment` disposition, nosniff, a sandboxing CSP and no caching; text
// types get charset=utf-8.
Response attachment_response(const std::string& filename, std::string content_type,
                             std::string content);

}  // namespace candela::portal
