// PortalTest and ApiClient: an in-process portal per test and a client that speaks its API.
#include "support/portal_fixture.hpp"

#include <algorithm>
#include <cctype>

#include "control/access_groups.hpp"
#include "control/api_keys.hpp"
#include "control/customers.hpp"
#include "control/master_key.hpp"
#include "control/principal_audit.hpp"
#include "control/users.hpp"
#include "portal/request_signing.hpp"
#include "support/postgres_cluster.hpp"

namespace candela::testing {
namespace {

bool iequal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

ApiResponse to_api_response(HttpResponse raw) {
  ApiResponse response;
  response.status = raw.status;
  response.headers = std::move(raw.headers);
  response.body = std::move(raw.body);
  if (!response.body.empty()) {
    response.json = nlohmann::json::parse(response.body, nullptr, false);
    if (response.json.is_discarded()) response.json = nullptr;
  }
  return response;
}

// The token in "candela_session=<token>; Path=/; ...".
std::optional<std::string> session_cookie_value(const ApiResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (!iequal(name, "Set-Cookie")) continue;
    const std::string prefix = "candela_session=";
    if (value.rfind(prefix, 0) != 0) continue;
    return value.substr(prefix.size(), value.find(';') - prefix.size());
  }
  return std::nullopt;
}

}  // namespace

std::string ApiResponse::header(const std::string& name) const {
  for (const auto& [n, v] : headers)
    if (iequal(n, name)) return v;
  return {};
}

bool ApiResponse::has_header(const std::string& name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequal(h.first, name); });
}

ApiClient::ApiClient(int port, const Clock& clock) : port_(port), clock_(clock) {}

ApiResponse ApiClient::sign_in(const std::string& email, const std::string& password) {
  session_token_.clear();
  csrf_token_.clear();
  ApiResponse response = post("/api/v1/session", {{"email", email}, {"password", password}});
  if (response.status == 201) {
    if (auto token = session_cookie_value(response)) session_token_ = *token;
    if (response.json.is_object() && response.json["csrf_token"].is_string())
      csrf_token_ = response.json["csrf_token"].get<std::string>();
  }
  return response;
}

void ApiClient::use_api_key(std::string key_id, std::string secret) {
  api_key_ = std::make_pair(std::move(key_id), std::move(secret));
}

void ApiClient::stop_using_api_key() {
  api_key_.reset();
}

ApiResponse ApiClient::get(const std::string& path, const std::vector<std::string>& headers) {
  return send("GET", path, std::nullopt, headers);
}

ApiResponse ApiClient::post(const std::string& path, const nlohmann::json& body,
                            const std::vector<std::string>& headers) {
  return send("POST", path, body.dump(), headers);
}

ApiResponse ApiClient::put(const std::string& path, const nlohmann::json& body,
                           const std::vector<std::string>& headers) {
  return send("PUT", path, body.dump(), headers);
}

ApiResponse ApiClient::patch(const std::string& path, const nlohmann::json& body,
                             const std::vector<std::string>& headers) {
  return send("PATCH", path, body.dump(), headers);
}

ApiResponse ApiClient::del(const std::string& path, const std::vector<std::string>& headers) {
  return send("DELETE", path, std::nullopt, headers);
}

ApiResponse ApiClient::send(const std::string& method, const std::string& path,
                            const std::optional<std::string>& body,
                            const std::vector<std::string>& headers,
                            const std::string& content_type) {
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (api_key_) {
    const auto timestamp =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
    const std::string key = portal::derive_signing_key(api_key_->second);
    const std::string signature =
        portal::sign_request(key, method, path, timestamp, body.value_or(""));
    request +=
        "Authorization: " + portal::authorization_header(api_key_->first, timestamp, signature) +
        "\r\n";
  } else if (!session_token_.empty()) {
    request += "Cookie: candela_session=" + session_token_ + "\r\n";
    const bool changes =
        method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
    if (changes && send_csrf && !csrf_token_.empty())
      request += "X-CSRF-Token: " + csrf_token_ + "\r\n";
  }
  for (const auto& line : headers)
    request += line + "\r\n";
  if (body) {
    if (!content_type.empty()) request += "Content-Type: " + content_type + "\r\n";
    request += "Content-Length: " + std::to_string(body->size()) + "\r\n";
  }
  request += "\r\n";
  if (body) request += *body;
  auto raw = exchange(request, method == "HEAD");
  if (!raw) {
    ADD_FAILURE() << method << " " << path << ": no response from the portal";
    return {};
  }
  return to_api_response(std::move(*raw));
}

std::optional<HttpResponse> ApiClient::exchange(const std::string& bytes, bool head) {
  // A kept-alive connection may have been closed by the server meanwhile: try a fresh one once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection_ != nullptr;
    if (!connection_) connection_ = std::make_unique<RawConnection>(port_);
    if (connection_->send(bytes)) {
      auto response = connection_->read_response(head, std::chrono::seconds(30));
      if (response) {
        if (iequal(response->header("Connection"), "close")) connection_.reset();
        return response;
      }
    }
    connection_.reset();
    if (!reused) break;
  }
  return std::nullopt;
}

void PortalTest::SetUp() {
  try {
    url_ = GetParam() == "sqlite" ? "sqlite://" + dir_.path() + "/portal.db"
                                  : PostgresCluster::shared().create_fresh_database();
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  portal::PortalOptions options;
  options.database_url = url_;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 4;
  options.clock = &clock_;
  options.settings.password_cost = control::PasswordCost::minimal();
  options.settings.master_key_file = dir_.path() + "/master.key";
  options.settings.log_store = dir_.path() + "/logs";
  adjust(options);
  try {
    app_ = std::make_unique<portal::PortalApp>(options);
    app_->start();
  } catch (const std::exception& e) {
    FAIL() << "the portal did not start: " << e.what();
  }
}

void PortalTest::TearDown() {
  if (app_) app_->stop();
  app_.reset();
}

ApiClient PortalTest::signed_in(const std::string& email, const std::string& password) {
  ApiClient api = client();
  ApiResponse response = api.sign_in(email, password);
  EXPECT_EQ(response.status, 201) << "signing in as " << email << ": " << response.body;
  return api;
}

long long PortalTest::create_group(std::optional<long long> parent, const std::string& name) {
  auto group = context().db.with_transaction(
      [&](soci::session& s) { return control::AccessGroups(s, clock_).create(parent, name); });
  EXPECT_TRUE(group.ok()) << "creating group " << name << ": " << group.error();
  return group.ok() ? group->id : -1;
}

long long PortalTest::create_user(const std::string& email, const std::string& password,
                                  const std::vector<RoleGrant>& roles, const std::string& name) {
  control::NewUser user;
  user.profile.name = name.empty() ? email.substr(0, email.find('@')) : name;
  user.profile.email = email;
  user.grants = roles;
  if (!password.empty()) user.password = password;
  auto created = context().db.with_transaction([&](soci::session& s) {
    return control::Users(s, clock_, control::PasswordCost::minimal())
        .create(control::system_principal(), user);
  });
  EXPECT_TRUE(created.ok()) << "creating user " << email << ": " << created.error();
  return created.ok() ? created->id : -1;
}

std::string PortalTest::create_customer(const std::string& name, long long organisation_id,
                                        const std::string& country) {
  control::NewCustomer customer;
  customer.name = name;
  customer.organisation_id = organisation_id;
  customer.country = country;
  customer.invoice_delivery = control::InvoiceDelivery::kPortal;
  auto created = context().db.with_transaction([&](soci::session& s) {
    return control::Customers(s, clock_, context().random)
        .create(control::system_principal(), customer);
  });
  EXPECT_TRUE(created.ok()) << "creating customer " << name << ": " << created.error();
  return created.ok() ? created->customer_number : std::string();
}

IssuedKey PortalTest::create_api_key(long long access_group_id, Role role) {
  auto master = control::MasterKey::load_or_create(dir_.path() + "/master.key");
  EXPECT_TRUE(master.ok()) << master.error();
  if (!master.ok()) return {};
  auto issued = context().db.with_transaction([&](soci::session& s) {
    return control::ApiKeys(s, clock_, master.value())
        .create(control::system_principal(), {access_group_id, role, "test key"});
  });
  EXPECT_TRUE(issued.ok()) << "creating an API key: " << issued.error();
  if (!issued.ok()) return {};
  return {issued->key.key_id, issued->secret};
}

std::string api_create_service(ApiClient& staff, long long group,
                               const std::string& customer_number) {
  ApiResponse made = staff.post("/api/v1/services",
                                {{"access_group_id", group}, {"customer_number", customer_number}});
  EXPECT_EQ(made.status, 201) << made.body;
  return made.json.value("scid", "");
}

std::string api_create_edge(ApiClient& staff, const std::string& edge_id,
                            const std::string& network) {
  ApiResponse made = staff.post("/api/v1/edges", {{"edge_id", edge_id},
                                                  {"cache_group", "lon1"},
                                                  {"address", "127.0.0.1:8080"},
                                                  {"network", network}});
  EXPECT_EQ(made.status, 201) << made.body;
  return made.json.value("node_token", "");
}

}  // namespace candela::testing
