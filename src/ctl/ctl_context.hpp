// What every `candela ctl` action needs: the options, a signed-in client, and printing.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ctl/portal_client.hpp"

namespace candela::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;

struct CtlOptions {
  std::string portal_url;  // empty: the saved login's, else http://127.0.0.1:9000
  std::string credentials_file;
  std::string api_key_id;
  std::string api_key_secret_file;
  bool json = false;  // print the API's JSON instead of tables
};

// The outcome of a call: the response when it is a 2xx, otherwise the exit code to return, with
// the problem already printed to stderr.
struct CallResult {
  std::optional<ApiResponse> response;
  int exit_code = kExitOk;
  bool ok() const { return response.has_value(); }
};

class CtlContext {
 public:
  explicit CtlContext(CtlOptions options) : options_(std::move(options)) {}

  // Builds the client from the options (API key) or the saved login; false (message printed)
  // when neither exists and `need_credentials`.
  bool connect(bool need_credentials = true);
  PortalClient& client() { return *client_; }
  const CtlOptions& options() const { return options_; }
  std::filesystem::path credentials_path() const;

  CallResult call(std::string_view method, const std::string& path,
                  const std::optional<nlohmann::json>& body = std::nullopt,
                  const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Prints `body` as JSON (always with --json, or when `table_columns` is empty), else as a
  // table of its list items.
  void print(const nlohmann::json& body, const std::vector<std::string>& table_columns = {}) const;

 private:
  CtlOptions options_;
  std::optional<PortalClient> client_;
};

// Reads a whole file ("-" is standard input); an Error names the file.
Result<std::string> read_text_file(const std::string& path);
// Percent-encodes one path segment or query value.
std::string url_component(std::string_view text);

}  // namespace candela::ctl
