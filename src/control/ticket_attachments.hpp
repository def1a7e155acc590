// Ticket attachments: files customers and staff add to a ticket, kept on disk under the
// attachment store (PortalSettings::attachment_store) by the rules of control/attachment_files,
// and shown to customers only when public.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/attachment_files.hpp"
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

class TicketAttachments {
 public:
  static constexpr std::size_t kMaxBytes = kMaxAttachmentBytes;

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
