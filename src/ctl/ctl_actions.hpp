// The actions of `candela ctl`, one function per command; each returns the exit status.
#pragma once

#include <string>
#include <vector>

#include "ctl/ctl_context.hpp"

namespace candela::ctl {

bool http_name_is(std::string_view a, std::string_view b);

struct LoginArgs {
  std::string email;
  std::string password_file;
};
int login(CtlContext& ctx, const LoginArgs& args);
int logout(CtlContext& ctx);
int whoami(CtlContext& ctx);

int list_services(CtlContext& ctx, const std::string& state);
int show_service(CtlContext& ctx, const std::string& scid);

int config_history(CtlContext& ctx, const std::string& scid);
int config_show(CtlContext& ctx, const std::string& scid, const std::string& version,
                const std::string& output_file);
int config_validate(CtlContext& ctx, const std::string& scid, const std::string& file);
int config_push(CtlContext& ctx, const std::string& scid, const std::string& file,
                const std::string& comment);
int config_edit(CtlContext& ctx, const std::string& scid, const std::string& comment);
int config_diff(CtlContext& ctx, const std::string& scid, const std::string& from,
                const std::string& to);

struct DeployArgs {
  std::string scid;
  std::string version;  // a number, or "latest"
  std::string environment = "production";
  std::string comment;
  int wait_seconds = 0;  // > 0: wait until every edge has applied it
};
int deploy(CtlContext& ctx, const DeployArgs& args);
int rollback(CtlContext& ctx, const DeployArgs& args);

struct PurgeArgs {
  std::string scid;
  std::vector<std::string> urls;
  std::vector<std::string> patterns;
  std::vector<std::string> tags;
  std::vector<std::string> property_ids;
  bool soft = false;
  int wait_seconds = 0;
};
int purge(CtlContext& ctx, const PurgeArgs& args);

int status(CtlContext& ctx, const std::string& scid);

struct RawArgs {
  std::string method;
  std::string path;
  std::string data;                  // JSON text, or @file
  std::vector<std::string> headers;  // "Name: value"
};
int raw_request(CtlContext& ctx, const RawArgs& args);

}  // namespace candela::ctl
