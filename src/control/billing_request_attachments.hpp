// Billing-request attachments: files the customer's billing users and the billing coordinator
// add to a request, by the rules of control/attachment_files (allowlist, magic bytes, 10 MiB,
// random names, SHA-256); internal files are the coordinator's and hidden from customers.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/billing_requests.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct BillingRequestUpload {
  std::string filename;
  std::string content_type;
  BillingRequestVisibility visibility = BillingRequestVisibility::kPublic;
  std::string_view bytes;
};

struct BillingRequestFile {
  BillingRequestAttachmentInfo info;
  std::string content;
};

class BillingRequestAttachments {
 public:
  BillingRequestAttachments(soci::session& session, const Clock& clock, RandomSource& random,
                            std::filesystem::path store)
      : session_(session), clock_(clock), random_(random), store_(std::move(store)) {}

  // Checks the upload (located: /filename, /content_type, /body), writes the file, then the row,
  // its timeline event and the audit record in the caller's transaction; only while the request
  // is open or in review.
  Result<BillingRequestAttachmentInfo> add(const Principal& principal, const std::string& reference,
                                           const BillingRequestUpload& upload);
  // One attachment with its bytes; an internal one is not found for customers.
  Result<BillingRequestFile> read(const Principal& principal, const std::string& reference,
                                  long long id);

 private:
  soci::session& session_;
  const Clock& clock_;
  RandomSource& random_;
  std::filesystem::path store_;
};

}  // namespace candela::control
