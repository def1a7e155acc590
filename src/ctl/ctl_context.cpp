#include "ctl/ctl_context.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ctl/credentials.hpp"
#include "ctl/output.hpp"
#include "http/url_encoding.hpp"

namespace candela::ctl {

std::filesystem::path CtlContext::credentials_path() const {
  return options_.credentials_file.empty() ? default_credentials_path()
                                           : std::filesystem::path(options_.credentials_file);
}

bool CtlContext::connect(bool need_credentials) {
  auto saved = load_login(credentials_path());
  if (!saved.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", saved.error().c_str());
    return false;
  }
  std::string url_text = options_.portal_url;
  if (url_text.empty() && saved.value()) url_text = saved.value()->portal_url;
  if (url_text.empty()) url_text = "http://127.0.0.1:9000";
  auto url = parse_portal_url(url_text);
  if (!url.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", url.error().c_str());
    return false;
  }
  client_.emplace(std::move(url).value());
  if (!options_.api_key_id.empty()) {
    if (options_.api_key_secret_file.empty()) {
      std::fprintf(stderr, "candela ctl: --api-key-id needs --api-key-secret-file\n");
      return false;
    }
    auto secret = read_text_file(options_.api_key_secret_file);
    if (!secret.ok()) {
      std::fprintf(stderr, "candela ctl: %s\n", secret.error().c_str());
      return false;
    }
    std::string text = std::move(secret).value();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
    client_->use_api_key({options_.api_key_id, text});
    return true;
  }
  if (saved.value() && !saved.value()->session_cookie.empty() &&
      (options_.portal_url.empty() || saved.value()->portal_url == client_->url().text)) {
    client_->use_session({saved.value()->session_cookie, saved.value()->csrf_token});
    return true;
  }
  if (need_credentials) {
    std::fprintf(stderr,
                 "candela ctl: not signed in to %s; run `candela ctl login --email ...` or pass "
                 "--api-key-id and --api-key-secret-file\n",
                 client_->url().text.c_str());
    return false;
  }
  return true;
}

CallResult CtlContext::call(std::string_view method, const std::string& path,
                            const std::optional<nlohmann::json>& body,
                            const std::vector<std::pair<std::string, std::string>>& headers) {
  std::optional<std::string> text;
  if (body) text = body->dump();
  auto response = client_->request(method, path, text, headers);
  if (!response.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", response.error().c_str());
    return {std::nullopt, kExitUnreachable};
  }
  if (!response->ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", describe_failure(*response).c_str());
    if (response->status == 401)
      std::fprintf(stderr, "candela ctl: sign in again with `candela ctl login`\n");
    return {std::nullopt, kExitRefused};
  }
  return {std::move(response).value(), kExitOk};
}

void CtlContext::print(const nlohmann::json& body,
                       const std::vector<std::string>& table_columns) const {
  if (options_.json || table_columns.empty()) {
    std::cout << body.dump(2) << "\n";
    return;
  }
  std::cout << format_table(list_items(body), table_columns);
}

Result<std::string> read_text_file(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path};
  text << in.rdbuf();
  return text.str();
}

std::string url_component(std::string_view text) {
  return http::percent_encode(text);
}

}  // namespace candela::ctl
