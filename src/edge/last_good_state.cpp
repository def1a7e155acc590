// last-good.json: read at start, replaced atomically (tmp + fsync + rename + fsync of the folder).
#include "edge/last_good_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace candela::edge {
namespace {

std::string os_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Result<std::monostate> write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{os_error("cannot write", path)};
    }
    written += static_cast<std::size_t>(n);
  }
  return std::monostate{};
}

}  // namespace

nlohmann::json to_json(const LastGoodState& state) {
  nlohmann::json services = nlohmann::json::object();
  for (const auto& [scid, service] : state.services) {
    services[scid] = {{"deployment_id", service.deployment_id},
                      {"version", service.version},
                      {"properties", service.properties}};
  }
  return {{"sequence", state.sequence},
          {"services", std::move(services)},
          {"service_states", state.service_states.to_json()}};
}

Result<LastGoodState> last_good_from_json(const nlohmann::json& document) {
  if (!document.is_object() || !document.contains("sequence") ||
      !document["sequence"].is_number_integer() || !document.contains("services") ||
      !document["services"].is_object()) {
    return Error{"expected {\"sequence\": N, \"services\": {...}}"};
  }
  LastGoodState state;
  state.sequence = document["sequence"].get<long long>();
  if (state.sequence < 0) return Error{"/sequence must not be negative"};
  for (const auto& [scid, service] : document["services"].items()) {
    if (!service.is_object() || !service.contains("properties") ||
        !service["properties"].is_array()) {
      return Error{"/services/" + scid + " needs a \"properties\" array"};
    }
    DeployedService deployed;
    deployed.deployment_id = service.value("deployment_id", 0LL);
    deployed.version = service.value("version", 0LL);
    deployed.properties = service["properties"];
    state.services.emplace(scid, std::move(deployed));
  }
  if (document.contains("service_states")) {
    auto states = ServiceStates::from_json(document["service_states"]);
    if (!states.ok()) return Error{states.failure()};
    state.service_states = std::move(states).value();
  }
  return state;
}

Result<std::optional<LastGoodState>> load_last_good(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<LastGoodState>{};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path};
  std::stringstream text;
  text << in.rdbuf();
  auto document = nlohmann::json::parse(text.str(), nullptr, false);
  if (document.is_discarded()) return Error{path + " is not valid JSON"};
  auto state = last_good_from_json(document);
  if (!state.ok()) return Error{path + ": " + state.error()};
  return std::optional<LastGoodState>{std::move(state).value()};
}

Result<std::monostate> save_last_good(const std::string& path, const LastGoodState& state) {
  const std::string data = to_json(state).dump() + "\n";
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{os_error("cannot create", temporary)};
  auto written = write_all(fd, data, temporary);
  if (written.ok() && ::fsync(fd) != 0) written = Error{os_error("cannot fsync", temporary)};
  ::close(fd);
  if (!written.ok()) {
    ::unlink(temporary.c_str());
    return written;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string message = os_error("cannot rename " + temporary + " to", path);
    ::unlink(temporary.c_str());
    return Error{message};
  }
  // The rename itself is only durable once the folder's entry is on disk.
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return std::monostate{};
}

}  // namespace candela::edge
