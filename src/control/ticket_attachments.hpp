// Ticket attachments: files customers and staff add to a ticket, kept on disk under the
// attachment store (PortalSettings::attachment_store) with random names that never derive from
// the uploaded filename, size-limited, of allowed types whose first bytes must match, and shown
// to customers only when public.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"
#include "control/tickets.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct AttachmentUpload {
  std::string filename;      // as the user named it; only the last path segment is kept
  std::string content_type;  // the upload's Content-Type (parameters ignored)
  TicketVisibility visibility = TicketVisibility::kPublic;
  std::string_view bytes;
};

struct AttachmentDownload {
  TicketAttachmentInfo info;
  TicketVisibility visibility = TicketVisibility::kPublic;
  std::string content;
};

// The base media type if it is one attachments may have ("image/png", "application/pdf", …).
std::optional<std::string> allowed_attachment_type(std::string_view content_type);
// False when the bytes plainly are not of `type` (PNG, JPEG, GIF, PDF, ZIP and gzip signatures;
// text types must be valid UTF-8 without NUL bytes).
bool content_matches_type(std::string_view type, std::string_view bytes);
// The filename to keep: the last path segment, trimmed; empty when nothing usable is left.
std::string clean_attachment_filename(std::string_view filename);

class TicketAttachments {
 public:
  static constexpr std::size_t kMaxBytes = 10 * 1024 * 1024;

  TicketAttachments(soci::session& session, const Clock& clock, RandomSource& random,
                    std::filesystem::path store)
      : session_(session), clock_(clock), random_(random), store_(std::move(store)) {}

  // Checks the upload (every problem located: /filename, /content_type, /visibility, /body),
  // writes the file, then the row, its timeline event and the audit record in the caller's
  // transaction. Internal attachments: staff only.
  Result<TicketAttachmentInfo> add(const Principal& principal, const std::string& reference,
                                   const AttachmentUpload& upload);
  // One attachment with its bytes; an internal one is not found for customers.
  Result<AttachmentDownload> read(const Principal& principal, const std::string& reference,
                                  long long id);

 private:
  soci::session& session_;
  const Clock& clock_;
  RandomSource& random_;
  std::filesystem::path store_;
};

}  // namespace candela::control
