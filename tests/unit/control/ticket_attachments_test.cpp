// Ticket attachments on SQLite and PostgreSQL: stored bytes, random names, limits, types, and
// internal files kept from customers.
#include "control/ticket_attachments.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "ticket_fixture.hpp"

namespace candela::control {
namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\x01');

class TicketAttachmentsTest : public TicketStoreTest {
 protected:
  std::filesystem::path store() const { return std::filesystem::path(dir_.path()) / "files"; }

  Result<TicketAttachmentInfo> add(const Principal& who, const std::string& reference,
                                   AttachmentUpload upload) {
    return db_->with_transaction([&](soci::session& s) {
      return TicketAttachments(s, clock_, random_, store()).add(who, reference, upload);
    });
  }
  Result<AttachmentDownload> read(const Principal& who, const std::string& reference,
                                  long long id) {
    return db_->with_transaction([&](soci::session& s) {
      return TicketAttachments(s, clock_, random_, store()).read(who, reference, id);
    });
  }
  std::vector<std::filesystem::path> files() const {
    std::vector<std::filesystem::path> out;
    if (!std::filesystem::exists(store())) return out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(store())) {
      if (entry.is_regular_file()) out.push_back(entry.path());
    }
    return out;
  }
};

TEST_P(TicketAttachmentsTest, StoresTheBytesUnderARandomName) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  auto added = add(acme_admin_, ticket.reference,
                   {"../../etc/screen shot.png", "image/png", TicketVisibility::kPublic, kPng});
  ASSERT_TRUE(added.ok()) << added.error();
  EXPECT_EQ(added->filename, "screen shot.png");
  EXPECT_EQ(added->size, static_cast<long long>(kPng.size()));
  EXPECT_EQ(added->content_type, "image/png");
  const auto stored = files();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].filename().string().size(), 32u);  // 128 random bits, hex
  EXPECT_EQ(stored[0].filename().string().find("screen"), std::string::npos);
  std::ifstream file(stored[0], std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, kPng);

  auto read_back = read(acme_admin_, ticket.reference, added->id);
  ASSERT_TRUE(read_back.ok()) << read_back.error();
  EXPECT_EQ(read_back->content, kPng);
  auto detail = tx([&](Tickets& t) { return t.get(acme_admin_, ticket.reference); });
  ASSERT_TRUE(detail.ok());
  ASSERT_TRUE(detail->timeline.back().attachment);
  EXPECT_EQ(detail->timeline.back().attachment->id, added->id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_id = :r AND action = 'attach'",
                  ticket.reference),
            1);
  // Another customer cannot read it, nor learn the ticket exists.
  auto foreign = read(globex_admin_, ticket.reference, added->id);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error_kind(), ErrorKind::kNotFound);
}

TEST_P(TicketAttachmentsTest, InternalFilesAreForStaffOnly) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  auto refused = add(acme_admin_, ticket.reference,
                     {"notes.txt", "text/plain", TicketVisibility::kInternal, "hello"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
  auto internal = add(technician_, ticket.reference,
                      {"trace.txt", "text/plain; charset=utf-8", TicketVisibility::kInternal,
                       "edge lon-3: disk full\n"});
  ASSERT_TRUE(internal.ok()) << internal.error();
  EXPECT_EQ(internal->content_type, "text/plain");
  auto hidden = read(acme_admin_, ticket.reference, internal->id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error_kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(read(director_, ticket.reference, internal->id).ok());
  auto detail = tx([&](Tickets& t) { return t.get(acme_admin_, ticket.reference); });
  ASSERT_TRUE(detail.ok());
  for (const auto& event : detail->timeline)
    EXPECT_NE(event.kind, TicketEventKind::kAttachment);
  auto reader = add(acme_reader_, ticket.reference,
                    {"a.txt", "text/plain", TicketVisibility::kPublic, "hello"});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error_kind(), ErrorKind::kForbidden);
}

TEST_P(TicketAttachmentsTest, RefusesBadUploadsAndKeepsNothing) {
  const Ticket ticket = open(acme_admin_, impairment(acme_scid_));
  const std::string too_large(TicketAttachments::kMaxBytes + 1, 'a');
  auto large = add(acme_admin_, ticket.reference,
                   {"big.txt", "text/plain", TicketVisibility::kPublic, too_large});
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error_kind(), ErrorKind::kInvalid);
  ASSERT_EQ(large.failure().fields.size(), 1u);
  EXPECT_EQ(large.failure().fields[0].first, "/body");

  auto bad =
      add(acme_admin_, ticket.reference, {"\x01", "text/html", TicketVisibility::kPublic, ""});
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> pointers;
  for (const auto& field : bad.failure().fields)
    pointers.push_back(field.first);
  EXPECT_EQ(pointers, (std::vector<std::string>{"/filename", "/content_type", "/body"}));
  auto disguised = add(acme_admin_, ticket.reference,
                       {"x.png", "image/png", TicketVisibility::kPublic, "<html>hi</html>"});
  ASSERT_FALSE(disguised.ok());
  EXPECT_EQ(disguised.failure().fields.at(0).first, "/content_type");
  auto binary_text =
      add(acme_admin_, ticket.reference,
          {"x.txt", "text/plain", TicketVisibility::kPublic, std::string("a\0b", 3)});
  ASSERT_FALSE(binary_text.ok());
  EXPECT_TRUE(files().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM ticket_attachments"), 0);
  EXPECT_TRUE(add(acme_admin_, ticket.reference,
                  {"limit.bin", "application/octet-stream", TicketVisibility::kPublic,
                   std::string(TicketAttachments::kMaxBytes, 'z')})
                  .ok());
}

TEST(TicketAttachmentRulesTest, TypesAndNames) {
  EXPECT_EQ(allowed_attachment_type("Image/PNG"), "image/png");
  EXPECT_EQ(allowed_attachment_type("text/csv; charset=utf-8"), "text/csv");
  EXPECT_FALSE(allowed_attachment_type("text/html"));
  EXPECT_FALSE(allowed_attachment_type("image/svg+xml"));
  EXPECT_TRUE(content_matches_type("application/pdf", "%PDF-1.7 ..."));
  EXPECT_FALSE(content_matches_type("application/pdf", "<script>"));
  EXPECT_TRUE(content_matches_type("text/plain", "caf\xc3\xa9"));
  EXPECT_FALSE(content_matches_type("text/plain", "caf\xc3"));
  EXPECT_FALSE(content_matches_type("text/plain", "\xff\xfe"));
  EXPECT_EQ(clean_attachment_filename("C:\\Users\\ann\\log.txt"), "log.txt");
  EXPECT_EQ(clean_attachment_filename("  ..hidden "), "hidden");
  EXPECT_EQ(clean_attachment_filename("a\"b.txt"), "");
  EXPECT_EQ(clean_attachment_filename("dir/"), "");
}

INSTANTIATE_TEST_SUITE_P(Stores, TicketAttachmentsTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
