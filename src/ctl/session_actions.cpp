// `ctl login`, `ctl logout`, `ctl whoami`.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "ctl/credentials.hpp"
#include "ctl/ctl_actions.hpp"

namespace candela::ctl {
namespace {

// Reads a password from the terminal without echo; empty when there is no terminal.
std::string prompt_password() {
  if (!::isatty(STDIN_FILENO)) return {};
  std::fprintf(stderr, "Password: ");
  termios old_mode{};
  ::tcgetattr(STDIN_FILENO, &old_mode);
  termios quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string password;
  std::getline(std::cin, password);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::fprintf(stderr, "\n");
  return password;
}

// The value of `name=` in a Set-Cookie line, or empty.
std::string cookie_value(const std::string& set_cookie, const std::string& name) {
  const std::string prefix = name + "=";
  if (set_cookie.rfind(prefix, 0) != 0) return {};
  const auto end = set_cookie.find(';');
  return set_cookie.substr(prefix.size(), end == std::string::npos ? end : end - prefix.size());
}

}  // namespace

int login(CtlContext& ctx, const LoginArgs& args) {
  if (!ctx.connect(false)) return kExitUsage;
  std::string password;
  if (!args.password_file.empty()) {
    auto text = read_text_file(args.password_file);
    if (!text.ok()) {
      std::fprintf(stderr, "candela ctl: %s\n", text.error().c_str());
      return kExitUsage;
    }
    password = std::move(text).value();
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
      password.pop_back();
  } else if (const char* env = std::getenv("CANDELA_PASSWORD"); env && *env) {
    password = env;
  } else {
    password = prompt_password();
  }
  if (password.empty()) {
    std::fprintf(
        stderr, "candela ctl: no password (use --password-file, CANDELA_PASSWORD or a terminal)\n");
    return kExitUsage;
  }
  auto result = ctx.call("POST", "/api/v1/session",
                         nlohmann::json{{"email", args.email}, {"password", password}});
  if (!result.ok()) return result.exit_code;
  std::string cookie;
  for (const auto& [name, value] : result.response->headers) {
    if (http_name_is(name, "Set-Cookie")) {
      cookie = cookie_value(value, "candela_session");
      if (!cookie.empty()) break;
    }
  }
  const auto body = result.response->json();
  const std::string csrf = body.is_object() ? body.value("csrf_token", std::string()) : "";
  if (cookie.empty() || csrf.empty()) {
    std::fprintf(stderr,
                 "candela ctl: the portal answered without a session cookie or CSRF token\n");
    return kExitRefused;
  }
  auto saved = save_login(ctx.credentials_path(),
                          SavedLogin{ctx.client().url().text, cookie, csrf, args.email});
  if (!saved.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", saved.error().c_str());
    return kExitUsage;
  }
  std::printf("signed in to %s as %s\n", ctx.client().url().text.c_str(), args.email.c_str());
  return kExitOk;
}

int logout(CtlContext& ctx) {
  if (ctx.connect(false)) {
    // Ends the session on the portal too; the local file goes either way.
    (void)ctx.client().request("DELETE", "/api/v1/session");
  }
  auto removed = forget_login(ctx.credentials_path());
  if (!removed.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", removed.error().c_str());
    return kExitUsage;
  }
  std::printf("signed out\n");
  return kExitOk;
}

int whoami(CtlContext& ctx) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", "/api/v1/session");
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

}  // namespace candela::ctl
