// `candela ctl` as a user runs it: the real binary against a portal on loopback, signing in or
// signing with an API key, and the exit status and messages for each kind of failure.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "support/candela_processes.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

struct CtlRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

class CtlTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    group_ = create_group(std::nullopt, "Acme");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("tech@acme.test", kPassword, {{Role::kTechnical, group_}});
    ApiClient root = signed_in("root@provider.test", kPassword);
    auto customer = root.post("/api/v1/customers", {{"name", "Acme Ltd"},
                                                    {"organisation_id", group_},
                                                    {"country", "GB"},
                                                    {"invoice_email", "billing@acme.test"}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    auto service = root.post(
        "/api/v1/services",
        {{"access_group_id", group_}, {"customer_number", customer.json["customer_number"]}});
    ASSERT_EQ(service.status, 201) << service.body;
    scid_ = service.json["scid"];
    ASSERT_EQ(
        root.patch("/api/v1/services/" + scid_, {{"state", "active"}, {"reason", "t"}}).status,
        200);
    write_file("password", kPassword);
  }

  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
  void write_file(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }
  std::string portal_url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  std::string document(int origin_port) const {
    return nlohmann::json{{"scid", scid_},
                          {"properties",
                           {{{"id", "www"},
                             {"primary_alias", "www.acme.test"},
                             {"origin", {{"host", "origin.acme.test"}, {"port", origin_port}}}}}}}
        .dump(2);
  }

  // Runs `candela ctl <args>` with its own credentials file; returns exit status and output.
  CtlRun ctl(std::vector<std::string> args, const std::string& portal = "") {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "CANDELA_CTL_CONFIG=" + path("ctl.json"),
                                     "CANDELA_PASSWORD=",
                                     candela_binary(),
                                     "ctl",
                                     "--portal",
                                     portal.empty() ? portal_url() : portal};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string log = path("ctl-" + std::to_string(++runs_) + ".log");
    ChildProcess process(argv, log);
    const int status = process.wait_for_exit(std::chrono::seconds(60));
    CtlRun run;
    run.exit_code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    run.output = text.str();
    return run;
  }

  static constexpr const char* kPassword = "a long enough password";
  TempDir dir_;
  long long group_ = 0;
  std::string scid_;
  int runs_ = 0;
};

TEST_P(CtlTest, ATechnicalUserEditsValidatesDiffsDeploysAndPurges) {
  auto login = ctl({"login", "--email", "tech@acme.test", "--password-file", path("password")});
  ASSERT_EQ(login.exit_code, 0) << login.output;
  EXPECT_NE(login.output.find("signed in"), std::string::npos);

  auto whoami = ctl({"whoami"});
  EXPECT_EQ(whoami.exit_code, 0) << whoami.output;
  EXPECT_NE(whoami.output.find("tech@acme.test"), std::string::npos);

  auto list = ctl({"services", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find(scid_), std::string::npos);
  EXPECT_NE(list.output.find("SCID"), std::string::npos) << "a table with a header";

  write_file("v1.json", document(8080));
  auto first = ctl({"config", "push", scid_, path("v1.json"), "-m", "first version"});
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("version 1"), std::string::npos) << first.output;

  write_file("bad.json", document(70000));
  auto invalid = ctl({"config", "validate", scid_, path("bad.json")});
  EXPECT_EQ(invalid.exit_code, 1) << invalid.output;
  EXPECT_NE(invalid.output.find("/document/properties/0/origin/port"), std::string::npos)
      << invalid.output;
  auto refused = ctl({"config", "push", scid_, path("bad.json"), "-m", "broken"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;

  write_file("v2.json", document(8081));
  EXPECT_EQ(ctl({"config", "validate", scid_, path("v2.json")}).exit_code, 0);
  auto second = ctl({"config", "push", scid_, path("v2.json"), "-m", "new origin port"});
  EXPECT_EQ(second.exit_code, 0) << second.output;

  auto history = ctl({"config", "history", scid_});
  EXPECT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("new origin port"), std::string::npos) << history.output;
  EXPECT_EQ(history.output.find("broken"), std::string::npos) << "the invalid push stored nothing";

  auto diff = ctl({"config", "diff", scid_, "1", "2"});
  EXPECT_EQ(diff.exit_code, 0) << diff.output;
  EXPECT_NE(diff.output.find("8081"), std::string::npos) << diff.output;

  auto show = ctl({"config", "show", scid_, "--version", "1", "-o", path("shown.json")});
  EXPECT_EQ(show.exit_code, 0) << show.output;
  std::ifstream shown(path("shown.json"));
  EXPECT_EQ(nlohmann::json::parse(shown)["properties"][0]["origin"]["port"], 8080);

  auto deploy = ctl({"deploy", scid_, "latest", "-e", "production", "-m", "go"});
  EXPECT_EQ(deploy.exit_code, 0) << deploy.output;
  auto purge = ctl({"purge", scid_, "--url", "http://www.acme.test/a.jpg", "--soft"});
  EXPECT_EQ(purge.exit_code, 0) << purge.output;
  auto bad_purge = ctl({"purge", scid_, "--url", "http://not-ours.example/a.jpg"});
  EXPECT_EQ(bad_purge.exit_code, 1) << bad_purge.output;

  auto status = ctl({"status", scid_});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("production"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("url"), std::string::npos) << status.output;

  auto logout = ctl({"logout"});
  EXPECT_EQ(logout.exit_code, 0) << logout.output;
  EXPECT_EQ(ctl({"services", "list"}).exit_code, 2) << "signed out: no credentials";
}

TEST_P(CtlTest, ApiKeysSignRequestsAndReadOnlyRolesAreRefused) {
  const auto key = create_api_key(group_, Role::kReadOnly);
  write_file("key.secret", key.secret + "\n");
  auto list = ctl({"--api-key-id", key.key_id, "--api-key-secret-file", path("key.secret"),
                   "services", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find(scid_), std::string::npos);

  write_file("v1.json", document(8080));
  auto push = ctl({"--api-key-id", key.key_id, "--api-key-secret-file", path("key.secret"),
                   "config", "push", scid_, path("v1.json"), "-m", "read-only tries"});
  EXPECT_EQ(push.exit_code, 1) << push.output;
  EXPECT_NE(push.output.find("403"), std::string::npos) << push.output;

  write_file("wrong.secret", "not the secret");
  auto forged = ctl({"--api-key-id", key.key_id, "--api-key-secret-file", path("wrong.secret"),
                     "services", "list"});
  EXPECT_EQ(forged.exit_code, 1) << forged.output;
  EXPECT_NE(forged.output.find("401"), std::string::npos) << forged.output;
}

TEST_P(CtlTest, FailuresHaveClearMessagesAndDistinctExitCodes) {
  write_file("wrong", "not the password");
  auto wrong = ctl({"login", "--email", "tech@acme.test", "--password-file", path("wrong")});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_NE(wrong.output.find("401"), std::string::npos) << wrong.output;

  auto not_signed_in = ctl({"services", "list"});
  EXPECT_EQ(not_signed_in.exit_code, 2) << not_signed_in.output;
  EXPECT_NE(not_signed_in.output.find("ctl login"), std::string::npos);

  auto https = ctl({"services", "list"}, "https://127.0.0.1:1");
  EXPECT_EQ(https.exit_code, 2) << https.output;

  const int closed = free_port();
  auto unreachable =
      ctl({"login", "--email", "tech@acme.test", "--password-file", path("password")},
          "http://127.0.0.1:" + std::to_string(closed));
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.output;
  EXPECT_NE(unreachable.output.find("cannot reach the portal"), std::string::npos);

  ASSERT_EQ(
      ctl({"login", "--email", "tech@acme.test", "--password-file", path("password")}).exit_code,
      0);
  write_file("broken.json", "{\"scid\": ");
  auto broken = ctl({"config", "push", scid_, path("broken.json"), "-m", "x"});
  EXPECT_EQ(broken.exit_code, 2) << broken.output;
  EXPECT_NE(broken.output.find("not valid JSON"), std::string::npos);
  auto missing = ctl({"config", "push", scid_, path("absent.json"), "-m", "x"});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  auto unknown = ctl({"services", "show", "ZZZZZZZZZ"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  auto bad_version = ctl({"deploy", scid_, "seven"});
  EXPECT_EQ(bad_version.exit_code, 2) << bad_version.output;
}

INSTANTIATE_TEST_SUITE_P(Stores, CtlTest, ::testing::Values(std::string("sqlite")), store_name);

}  // namespace
}  // namespace candela::testing
