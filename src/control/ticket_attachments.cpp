// Ticket attachment rows; the files and the upload rules are control/attachment_files.
#include "control/ticket_attachments.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"
#include "control/ticket_effects.hpp"
#include "control/ticket_rows.hpp"

namespace candela::control {

Result<TicketAttachmentInfo> TicketAttachments::add(const Principal& principal,
                                                    const std::string& reference,
                                                    const AttachmentUpload& upload) {
  Tickets tickets(session_, clock_);
  auto ticket = tickets.load_for(principal, reference, true);
  if (!ticket.ok()) return Error{ticket.failure()};
  if (upload.visibility == TicketVisibility::kInternal && !principal.is_provider()) {
    return Error{"internal attachments are for support staff only", ErrorKind::kForbidden};
  }
  if (ticket->state == TicketState::kClosed) {
    return Error{reference + " is closed; reopen it to add files", ErrorKind::kConflict};
  }
  auto checked = check_attachment(upload.filename, upload.content_type, upload.bytes);
  if (!checked.ok()) return Error{checked.failure()};
  const std::string& filename = checked->filename;
  auto file = write_attachment_file(store_, random_, upload.bytes);
  if (!file.ok()) return Error{file.failure()};
  // The row goes in the caller's transaction; if anything below fails the file goes too (also
  // when a serialisation conflict makes the transaction start again: the retry writes anew).
  auto remove_file = [&file] { remove_attachment_file(file->path); };
  auto store_row = [&]() -> Result<TicketAttachmentInfo> {
    const SysTime now = clock_.now();
    const auto actor = acting_user_id(principal);
    auto event = append_ticket_event(
        session_, {ticket->id, now, actor, TicketEventKind::kAttachment, upload.visibility,
                   std::nullopt, std::nullopt, filename, "{}"});
    if (!event.ok()) return Error{event.failure()};
    TicketAttachmentInfo info{0, filename, static_cast<long long>(upload.bytes.size()),
                              checked->content_type};
    long long ticket_id = ticket->id;
    long long event_id = *event;
    std::string visibility(ticket_visibility_name(upload.visibility));
    std::string sha = file->sha256;
    std::string storage_name = file->storage_name;
    long long uploader = actor.value_or(0);
    soci::indicator uploader_ind = actor ? soci::i_ok : soci::i_null;
    long long at = to_epoch_ms(now);
    session_ << "INSERT INTO ticket_attachments (ticket_id, event_id, filename, content_type,"
                " size, sha256, storage_name, visibility, uploaded_by_user_id, created_at)"
                " VALUES (:ticket, :event, :filename, :type, :size, :sha, :storage,"
                " :visibility, :uploader, :at) RETURNING id",
        soci::use(ticket_id), soci::use(event_id), soci::use(info.filename),
        soci::use(info.content_type), soci::use(info.size), soci::use(sha), soci::use(storage_name),
        soci::use(visibility), soci::use(uploader, uploader_ind), soci::use(at),
        soci::into(info.id);
    std::string details = nlohmann::json{{"attachment_id", info.id}, {"size", info.size}}.dump();
    session_ << "UPDATE ticket_events SET details = :details WHERE id = :id", soci::use(details),
        soci::use(event_id);
    AuditEntry entry = ticket_audit_entry(principal, *ticket, "attach");
    entry.details = nlohmann::json{{"attachment_id", info.id}, {"filename", info.filename},
                                   {"size", info.size},        {"content_type", info.content_type},
                                   {"visibility", visibility}, {"sha256", sha}}
                        .dump();
    auto audited = append_audit(session_, clock_, entry);
    if (!audited.ok()) return Error{audited.failure()};
    return info;
  };
  try {
    auto stored = guarded("could not store the attachment", store_row);
    if (!stored.ok()) remove_file();
    return stored;
  } catch (...) {
    remove_file();
    throw;
  }
}

Result<AttachmentDownload> TicketAttachments::read(const Principal& principal,
                                                   const std::string& reference, long long id) {
  Tickets tickets(session_, clock_);
  auto ticket = tickets.load_for(principal, reference, false);
  if (!ticket.ok()) return Error{ticket.failure()};
  auto found = guarded("could not read the attachment", [&]() -> Result<AttachmentDownload> {
    AttachmentDownload out;
    std::string visibility;
    std::string storage_name;
    long long ticket_id = ticket->id;
    session_ << "SELECT id, filename, size, content_type, visibility, storage_name"
                " FROM ticket_attachments WHERE id = :id AND ticket_id = :ticket",
        soci::use(id), soci::use(ticket_id), soci::into(out.info.id), soci::into(out.info.filename),
        soci::into(out.info.size), soci::into(out.info.content_type), soci::into(visibility),
        soci::into(storage_name);
    const Error missing{"there is no attachment " + std::to_string(id) + " on " + reference,
                        ErrorKind::kNotFound};
    if (!session_.got_data()) return missing;
    out.visibility = parse_ticket_visibility(visibility).value_or(TicketVisibility::kInternal);
    if (out.visibility == TicketVisibility::kInternal && !principal.is_provider()) return missing;
    auto content = read_attachment_file(store_, storage_name, out.info.size);
    if (!content.ok()) return Error{content.failure()};
    out.content = std::move(content).value();
    return out;
  });
  return found;
}

}  // namespace candela::control
