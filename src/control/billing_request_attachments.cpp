// Billing-request attachment rows; the files and the upload rules are control/attachment_files.
#include "control/billing_request_attachments.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/attachment_files.hpp"
#include "control/billing_request_access.hpp"
#include "control/billing_request_rows.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"

namespace candela::control {

Result<BillingRequestAttachmentInfo> BillingRequestAttachments::add(
    const Principal& principal, const std::string& reference, const BillingRequestUpload& upload) {
  BillingRequests requests(session_, clock_);
  auto request = requests.load_for(principal, reference, true, upload.visibility);
  if (!request.ok()) return Error{request.failure()};
  auto checked = check_attachment(upload.filename, upload.content_type, upload.bytes);
  if (!checked.ok()) return Error{checked.failure()};
  auto file = write_attachment_file(store_, random_, upload.bytes);
  if (!file.ok()) return Error{file.failure()};
  // The row goes in the caller's transaction; if anything below fails the file goes too (also
  // when a serialisation conflict makes the transaction start again: the retry writes anew).
  auto store_row = [&]() -> Result<BillingRequestAttachmentInfo> {
    const SysTime now = clock_.now();
    const auto actor = acting_user_id(principal);
    auto event = append_billing_request_event(
        session_,
        {request->id, now, actor, actor_name(principal), BillingRequestEventKind::kAttachment,
         upload.visibility, std::nullopt, std::nullopt, checked->filename});
    if (!event.ok()) return Error{event.failure()};
    BillingRequestAttachmentInfo info;
    info.filename = checked->filename;
    info.size = static_cast<long long>(upload.bytes.size());
    info.content_type = checked->content_type;
    info.visibility = upload.visibility;
    info.uploaded_by = actor;
    info.created_at = now;
    long long request_id = request->id;
    long long event_id = *event;
    std::string visibility(billing_request_visibility_name(upload.visibility));
    long long uploader = actor.value_or(0);
    soci::indicator uploader_ind = actor ? soci::i_ok : soci::i_null;
    long long at = to_epoch_ms(now);
    session_ << "INSERT INTO billing_request_attachments (request_id, event_id, filename,"
                " content_type, size, sha256, storage_name, visibility, uploaded_by_user_id,"
                " created_at) VALUES (:request, :event, :filename, :type, :size, :sha,"
                " :storage, :visibility, :uploader, :at) RETURNING id",
        soci::use(request_id), soci::use(event_id), soci::use(info.filename),
        soci::use(info.content_type), soci::use(info.size), soci::use(file->sha256),
        soci::use(file->storage_name), soci::use(visibility), soci::use(uploader, uploader_ind),
        soci::use(at), soci::into(info.id);
    request->updated_at = now;
    auto saved = save_billing_request(session_, *request);
    if (!saved.ok()) return Error{saved.failure()};
    AuditEntry entry = billing_request_audit(principal, *request, "attach");
    entry.details = nlohmann::json{{"attachment_id", info.id}, {"filename", info.filename},
                                   {"size", info.size},        {"content_type", info.content_type},
                                   {"visibility", visibility}, {"sha256", file->sha256}}
                        .dump();
    auto audited = append_billing_request_audit(session_, clock_, entry);
    if (!audited.ok()) return Error{audited.failure()};
    return info;
  };
  try {
    auto stored = guarded("could not store the attachment", store_row);
    if (!stored.ok()) remove_attachment_file(file->path);
    return stored;
  } catch (...) {
    remove_attachment_file(file->path);
    throw;
  }
}

Result<BillingRequestFile> BillingRequestAttachments::read(const Principal& principal,
                                                           const std::string& reference,
                                                           long long id) {
  BillingRequests requests(session_, clock_);
  auto request = requests.load_for(principal, reference, false, BillingRequestVisibility::kPublic);
  if (!request.ok()) return Error{request.failure()};
  return guarded("could not read the attachment", [&]() -> Result<BillingRequestFile> {
    BillingRequestFile out;
    std::string visibility;
    std::string storage_name;
    long long created = 0;
    long long request_id = request->id;
    session_ << "SELECT id, filename, size, content_type, visibility, storage_name, created_at"
                " FROM billing_request_attachments WHERE id = :id AND request_id = :request",
        soci::use(id), soci::use(request_id), soci::into(out.info.id),
        soci::into(out.info.filename), soci::into(out.info.size), soci::into(out.info.content_type),
        soci::into(visibility), soci::into(storage_name), soci::into(created);
    const Error missing{"there is no attachment " + std::to_string(id) + " on " + reference,
                        ErrorKind::kNotFound};
    if (!session_.got_data()) return missing;
    out.info.visibility =
        parse_billing_request_visibility(visibility).value_or(BillingRequestVisibility::kInternal);
    if (out.info.visibility == BillingRequestVisibility::kInternal && !principal.is_provider()) {
      return missing;
    }
    out.info.created_at = from_epoch_ms(created);
    auto content = read_attachment_file(store_, storage_name, out.info.size);
    if (!content.ok()) return Error{content.failure()};
    out.content = std::move(content).value();
    return out;
  });
}

}  // namespace candela::control
