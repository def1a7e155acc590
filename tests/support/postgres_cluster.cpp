// PostgresCluster: initdb, pg_ctl start/stop and createdb, run as the postgres user when root.
#include "support/postgres_cluster.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"

namespace candela::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstallHint =
    "install the PostgreSQL server with scripts/install-deps.sh (Debian package 'postgresql'); "
    "the data store tests run on SQLite and PostgreSQL and never skip PostgreSQL";

// Prefers PostgreSQL 15 (what Debian 12 ships), then any other installed major version.
std::string find_bin_dir() {
  if (const char* env = std::getenv("CANDELA_PG_BIN")) return env;
  const fs::path preferred = "/usr/lib/postgresql/15/bin";
  if (fs::exists(preferred / "initdb")) return preferred.string();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(entry.path() / "bin" / "initdb")) return (entry.path() / "bin").string();
  }
  throw std::runtime_error(
      "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin: " +
      std::string(kInstallHint));
}

std::string find_runuser() {
  for (const char* candidate : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  throw std::runtime_error("runuser not found; it is needed to run PostgreSQL as 'postgres'");
}

}  // namespace

PostgresCluster::PostgresCluster() {
  bin_dir_ = find_bin_dir();
  // initdb and postgres refuse to run as root, so root runs them as the postgres system user.
  switch_user_ = ::geteuid() == 0;
  const passwd* server_user = nullptr;
  if (switch_user_) {
    server_user = ::getpwnam("postgres");
    if (server_user == nullptr) {
      throw std::runtime_error("the 'postgres' system user does not exist: " +
                               std::string(kInstallHint));
    }
  }
  std::string pattern = (fs::temp_directory_path() / "candela-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temp dir for PostgreSQL: " + pattern);
  }
  dir_ = pattern;
  data_dir_ = dir_ + "/data";
  command_log_ = dir_ + "/commands.log";
  if (server_user != nullptr &&
      ::chown(dir_.c_str(), server_user->pw_uid, server_user->pw_gid) != 0) {
    fs::remove_all(dir_);
    throw std::runtime_error("cannot hand " + dir_ + " to the postgres user");
  }
  port_ = free_port();
  const auto fail = [&](const std::string& what) {
    const std::string message = what + "; log:\n" + log_tail();
    if (started_) run(bin_dir_ + "/pg_ctl", {"-D", data_dir_, "-m", "immediate", "stop"}, true);
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw std::runtime_error(message);
  };
  if (run(bin_dir_ + "/initdb",
          {"-D", data_dir_, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C",
           "--no-sync"},
          true) != 0) {
    fail("initdb failed in " + data_dir_);
  }
  // Loopback only and a private socket dir, so nothing system-wide is touched or needed.
  const std::string options = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                              " -k " + dir_ +
                              " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  if (run(bin_dir_ + "/pg_ctl",
          {"-D", data_dir_, "-l", dir_ + "/server.log", "-w", "-t", "60", "-o", options, "start"},
          true) != 0) {
    fail("PostgreSQL did not start on 127.0.0.1:" + std::to_string(port_));
  }
  started_ = true;
}

PostgresCluster::~PostgresCluster() {
  if (attached_) return;  // another process owns the server and its files
  if (started_) run(bin_dir_ + "/pg_ctl", {"-D", data_dir_, "-m", "immediate", "-w", "stop"}, true);
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string PostgresCluster::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresCluster::create_database(const std::string& name) {
  if (run(bin_dir_ + "/createdb",
          {"-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "postgres", name}, false) != 0) {
    throw std::runtime_error("createdb " + name + " failed; log:\n" + log_tail());
  }
  return url(name);
}

std::string PostgresCluster::create_fresh_database() {
  // The process id keeps names apart when several test processes share one cluster.
  return create_database("test_" + std::to_string(::getpid()) + "_" +
                         std::to_string(++databases_created_));
}

void PostgresCluster::hand_over(const std::string& state_dir) {
  fs::create_directories(state_dir);
  std::ofstream(fs::path(state_dir) / "port") << port_ << "\n";
  std::ofstream(fs::path(state_dir) / "dir") << dir_ << "\n";
  started_ = false;
  dir_.clear();  // the destructor must not delete the files of the running server
}

std::unique_ptr<PostgresCluster> PostgresCluster::attach(const std::string& state_dir) {
  std::ifstream port_file(fs::path(state_dir) / "port");
  std::ifstream dir_file(fs::path(state_dir) / "dir");
  int port = 0;
  std::string dir;
  if (!(port_file >> port) || !(dir_file >> dir) || port <= 0) return nullptr;
  if (!wait_for_port(port, std::chrono::milliseconds(200))) return nullptr;
  auto cluster = std::unique_ptr<PostgresCluster>(new PostgresCluster(Attached{}));
  cluster->bin_dir_ = find_bin_dir();
  cluster->dir_ = dir;
  cluster->data_dir_ = dir + "/data";
  cluster->command_log_ = dir + "/commands.log";
  cluster->port_ = port;
  cluster->switch_user_ = ::geteuid() == 0;
  cluster->attached_ = true;
  return cluster;
}

void PostgresCluster::stop_recorded(const std::string& state_dir) {
  std::ifstream dir_file(fs::path(state_dir) / "dir");
  std::string dir;
  if (dir_file >> dir && fs::exists(dir + "/data")) {
    PostgresCluster cluster{Attached{}};
    cluster.bin_dir_ = find_bin_dir();
    cluster.dir_ = dir;
    cluster.data_dir_ = dir + "/data";
    cluster.command_log_ = dir + "/commands.log";
    cluster.switch_user_ = ::geteuid() == 0;
    cluster.run(cluster.bin_dir_ + "/pg_ctl",
                {"-D", cluster.data_dir_, "-m", "immediate", "-w", "stop"}, true);
    std::error_code ec;
    fs::remove_all(dir, ec);
    cluster.dir_.clear();
  }
  std::error_code ec;
  fs::remove(fs::path(state_dir) / "port", ec);
  fs::remove(fs::path(state_dir) / "dir", ec);
}

PostgresCluster& PostgresCluster::shared() {
  static std::mutex mutex;
  static std::unique_ptr<PostgresCluster> cluster;
  static std::string failure;
  std::lock_guard lock(mutex);
  if (cluster) return *cluster;
  if (!failure.empty()) throw std::runtime_error(failure);
#ifdef CANDELA_TEST_PG_STATE_DIR
  cluster = attach(CANDELA_TEST_PG_STATE_DIR);
  if (cluster) return *cluster;
#endif
  try {
    cluster = std::make_unique<PostgresCluster>();
  } catch (const std::exception& e) {
    failure = e.what();
    throw;
  }
  return *cluster;
}

int PostgresCluster::run(const std::string& program, const std::vector<std::string>& args,
                         bool as_server_user) {
  std::vector<std::string> argv;
  if (as_server_user && switch_user_) {
    argv = {find_runuser(), "-u", "postgres", "--"};
  }
  argv.push_back(program);
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& arg : argv)
    raw.push_back(arg.data());
  raw.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int log = ::open(command_log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    // The server user may not be allowed into the caller's working directory.
    if (::chdir(dir_.c_str()) != 0) ::_exit(126);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string PostgresCluster::log_tail() const {
  std::ostringstream out;
  for (const std::string& path : {command_log_, dir_ + "/server.log"}) {
    std::ifstream in(path);
    if (!in) continue;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    constexpr std::size_t kTail = 2000;
    if (text.size() > kTail) text = "..." + text.substr(text.size() - kTail);
    out << "--- " << path << " ---\n" << text << "\n";
  }
  return out.str();
}

}  // namespace candela::testing
