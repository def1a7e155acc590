// `ctl services`, `ctl config …`, `ctl deploy`, `ctl rollback`, `ctl status`.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "ctl/ctl_actions.hpp"
#include "ctl/output.hpp"
#include "http/headers.hpp"

namespace candela::ctl {
namespace {

std::string service_path(const std::string& scid) {
  return "/api/v1/services/" + url_component(scid);
}

Result<nlohmann::json> parse_document(const std::string& text, const std::string& origin) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return Error{origin + " is not valid JSON"};
  return json;
}

// Polls `path` until `done(body)` or the deadline; prints progress dots to stderr.
int wait_until(CtlContext& ctx, const std::string& path, int seconds,
               bool (*done)(const nlohmann::json&), const char* what) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    auto result = ctx.call("GET", path);
    if (!result.ok()) return result.exit_code;
    const auto body = result.response->json();
    if (done(body)) {
      ctx.print(body);
      return kExitOk;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ctx.print(body);
      std::fprintf(stderr, "candela ctl: %s not complete after %d s\n", what, seconds);
      return kExitRefused;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

bool http_name_is(std::string_view a, std::string_view b) {
  return http::iequals(a, b);
}

int list_services(CtlContext& ctx, const std::string& state) {
  if (!ctx.connect()) return kExitUsage;
  std::string path = "/api/v1/services?limit=500";
  if (!state.empty()) path += "&state=" + url_component(state);
  auto result = ctx.call("GET", path);
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json(),
            {"scid", "state", "customer_number", "customer_name", "access_group_name"});
  return kExitOk;
}

int show_service(CtlContext& ctx, const std::string& scid) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", service_path(scid));
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

int config_history(CtlContext& ctx, const std::string& scid) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", service_path(scid) + "/configurations?limit=500");
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json(), {"version", "created_at", "author.name", "comment"});
  return kExitOk;
}

int config_show(CtlContext& ctx, const std::string& scid, const std::string& version,
                const std::string& output_file) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", service_path(scid) + "/configurations/" + url_component(version));
  if (!result.ok()) return result.exit_code;
  const auto body = result.response->json();
  const auto document = body.contains("document") && !ctx.options().json ? body["document"] : body;
  if (output_file.empty()) {
    std::cout << document.dump(2) << "\n";
    return kExitOk;
  }
  std::ofstream out(output_file);
  out << document.dump(2) << "\n";
  if (!out) {
    std::fprintf(stderr, "candela ctl: cannot write %s\n", output_file.c_str());
    return kExitUsage;
  }
  return kExitOk;
}

int config_validate(CtlContext& ctx, const std::string& scid, const std::string& file) {
  auto text = read_text_file(file);
  if (!text.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", text.error().c_str());
    return kExitUsage;
  }
  auto document = parse_document(*text, file);
  if (!document.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", document.error().c_str());
    return kExitUsage;
  }
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("POST", service_path(scid) + "/configurations/validate",
                         nlohmann::json{{"document", *document}});
  if (!result.ok()) return result.exit_code;
  std::printf("%s: valid\n", file.c_str());
  return kExitOk;
}

int config_push(CtlContext& ctx, const std::string& scid, const std::string& file,
                const std::string& comment) {
  auto text = read_text_file(file);
  if (!text.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", text.error().c_str());
    return kExitUsage;
  }
  auto document = parse_document(*text, file);
  if (!document.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", document.error().c_str());
    return kExitUsage;
  }
  if (!ctx.connect()) return kExitUsage;
  // The new version must follow the latest one this client has seen (If-Match), so a concurrent
  // edit by someone else is refused rather than overwritten.
  std::vector<std::pair<std::string, std::string>> headers;
  auto latest = ctx.client().request("GET", service_path(scid) + "/configurations/latest");
  if (!latest.ok()) {
    std::fprintf(stderr, "candela ctl: %s\n", latest.error().c_str());
    return kExitUnreachable;
  }
  if (latest->ok()) {
    if (auto etag = latest->header("ETag")) headers.emplace_back("If-Match", *etag);
  } else if (latest->status != 404) {
    std::fprintf(stderr, "candela ctl: %s\n", describe_failure(*latest).c_str());
    return kExitRefused;
  }
  auto result = ctx.call("POST", service_path(scid) + "/configurations",
                         nlohmann::json{{"document", *document}, {"comment", comment}}, headers);
  if (!result.ok()) return result.exit_code;
  const auto body = result.response->json();
  if (ctx.options().json) {
    ctx.print(body);
  } else {
    std::printf(
        "stored %s version %s\n", scid.c_str(),
        body.is_object() && body.contains("version") ? cell_text(body["version"]).c_str() : "?");
  }
  return kExitOk;
}

int config_edit(CtlContext& ctx, const std::string& scid, const std::string& comment) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", service_path(scid) + "/configurations/latest");
  if (!result.ok()) return result.exit_code;
  const auto body = result.response->json();
  const auto document = body.contains("document") ? body["document"] : body;
  char name[] = "/tmp/candela-config-XXXXXX.json";
  const int fd = ::mkstemps(name, 5);
  if (fd < 0) {
    std::fprintf(stderr, "candela ctl: cannot create a temporary file\n");
    return kExitUsage;
  }
  ::close(fd);
  {
    std::ofstream out(name);
    out << document.dump(2) << "\n";
  }
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor) editor = std::getenv("EDITOR");
  const std::string command = std::string(editor && *editor ? editor : "vi") + " '" + name + "'";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "candela ctl: the editor failed; your edit is in %s\n", name);
    return kExitUsage;
  }
  const int status = config_push(ctx, scid, name, comment);
  if (status == kExitOk) {
    std::filesystem::remove(name);
  } else {
    std::fprintf(stderr, "candela ctl: your edit is kept in %s\n", name);
  }
  return status;
}

int config_diff(CtlContext& ctx, const std::string& scid, const std::string& from,
                const std::string& to) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("GET", service_path(scid) + "/configurations/" + url_component(to) +
                                    "/diff?against=" + url_component(from));
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

int deploy(CtlContext& ctx, const DeployArgs& args) {
  if (!ctx.connect()) return kExitUsage;
  nlohmann::json body = {{"environment", args.environment}};
  if (args.version == "latest") {
    auto latest = ctx.call("GET", service_path(args.scid) + "/configurations/latest");
    if (!latest.ok()) return latest.exit_code;
    body["version"] = latest.response->json().value("version", 0);
  } else {
    try {
      body["version"] = std::stoi(args.version);
    } catch (const std::exception&) {
      std::fprintf(stderr, "candela ctl: version must be a number or 'latest', not '%s'\n",
                   args.version.c_str());
      return kExitUsage;
    }
  }
  if (!args.comment.empty()) body["comment"] = args.comment;
  auto result = ctx.call("POST", service_path(args.scid) + "/deployments", body);
  if (!result.ok()) return result.exit_code;
  const auto created = result.response->json();
  if (args.wait_seconds <= 0 || !created.contains("id")) {
    ctx.print(created);
    return kExitOk;
  }
  return wait_until(
      ctx, "/api/v1/deployments/" + cell_text(created["id"]), args.wait_seconds,
      [](const nlohmann::json& b) { return b.is_object() && b.value("complete", false); },
      "the deployment");
}

int rollback(CtlContext& ctx, const DeployArgs& args) {
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call("POST", service_path(args.scid) + "/deployments/rollback",
                         nlohmann::json{{"environment", args.environment}});
  if (!result.ok()) return result.exit_code;
  ctx.print(result.response->json());
  return kExitOk;
}

int status(CtlContext& ctx, const std::string& scid) {
  if (!ctx.connect()) return kExitUsage;
  auto deployments = ctx.call("GET", service_path(scid) + "/deployments?limit=10");
  if (!deployments.ok()) return deployments.exit_code;
  auto invalidations = ctx.call("GET", service_path(scid) + "/invalidations?limit=10");
  if (!invalidations.ok()) return invalidations.exit_code;
  if (ctx.options().json) {
    ctx.print(nlohmann::json{{"deployments", deployments.response->json()},
                             {"invalidations", invalidations.response->json()}});
    return kExitOk;
  }
  std::printf("Deployments\n");
  ctx.print(deployments.response->json(),
            {"id", "version", "environment", "action", "requested_at"});
  std::printf("\nInvalidations\n");
  ctx.print(invalidations.response->json(), {"id", "kind", "mode", "requested_at", "completed_at"});
  return kExitOk;
}

int purge(CtlContext& ctx, const PurgeArgs& args) {
  struct Batch {
    const char* kind;
    const std::vector<std::string>& values;
  };
  const Batch batches[] = {{"url", args.urls}, {"pattern", args.patterns}, {"tag", args.tags}};
  bool any = false;
  for (const auto& batch : batches)
    any = any || !batch.values.empty();
  if (!any) {
    std::fprintf(stderr, "candela ctl: purge needs --url, --pattern or --tag\n");
    return kExitUsage;
  }
  if (!ctx.connect()) return kExitUsage;
  for (const auto& batch : batches) {
    if (batch.values.empty()) continue;
    nlohmann::json body = {
        {"kind", batch.kind}, {"mode", args.soft ? "soft" : "hard"}, {"values", batch.values}};
    if (!args.property_ids.empty()) body["property_ids"] = args.property_ids;
    auto result = ctx.call("POST", service_path(args.scid) + "/invalidations", body);
    if (!result.ok()) return result.exit_code;
    const auto created = result.response->json();
    if (args.wait_seconds <= 0 || !created.contains("id")) {
      ctx.print(created);
      continue;
    }
    const int waited = wait_until(
        ctx, "/api/v1/invalidations/" + cell_text(created["id"]), args.wait_seconds,
        [](const nlohmann::json& b) {
          return b.is_object() && b.contains("completed_at") && !b["completed_at"].is_null();
        },
        "the invalidation");
    if (waited != kExitOk) return waited;
  }
  return kExitOk;
}

int raw_request(CtlContext& ctx, const RawArgs& args) {
  std::optional<nlohmann::json> body;
  if (!args.data.empty()) {
    std::string text = args.data;
    if (text.front() == '@') {
      auto file = read_text_file(text.substr(1));
      if (!file.ok()) {
        std::fprintf(stderr, "candela ctl: %s\n", file.error().c_str());
        return kExitUsage;
      }
      text = std::move(file).value();
    }
    auto parsed = parse_document(text, "--data");
    if (!parsed.ok()) {
      std::fprintf(stderr, "candela ctl: %s\n", parsed.error().c_str());
      return kExitUsage;
    }
    body = std::move(parsed).value();
  }
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& line : args.headers) {
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      std::fprintf(stderr, "candela ctl: a header must look like 'Name: value', not '%s'\n",
                   line.c_str());
      return kExitUsage;
    }
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    headers.emplace_back(line.substr(0, colon), value);
  }
  if (!ctx.connect()) return kExitUsage;
  auto result = ctx.call(args.method, args.path, body, headers);
  if (!result.ok()) return result.exit_code;
  if (!result.response->body.empty()) {
    const auto json = result.response->json();
    if (json.is_null())
      std::cout << result.response->body << "\n";
    else
      std::cout << json.dump(2) << "\n";
  }
  return kExitOk;
}

}  // namespace candela::ctl
