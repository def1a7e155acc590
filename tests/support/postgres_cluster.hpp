// PostgresCluster: a throwaway PostgreSQL server on loopback for tests of the data store.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace candela::testing {

class PostgresCluster {
 public:
  // initdb into a fresh temp dir and start a server on 127.0.0.1 and a free port (trust auth,
  // fsync off). Throws std::runtime_error with a clear message if PostgreSQL is not installed
  // or does not start: the store tests must run on PostgreSQL, never skip it.
  PostgresCluster();
  // Stops the server and deletes its files.
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  int port() const { return port_; }
  // Creates an empty database and returns its URL, postgresql://postgres@127.0.0.1:port/name.
  std::string create_database(const std::string& name);
  // The same with a generated name unique within this cluster: one per test keeps tests apart.
  std::string create_fresh_database();
  std::string url(const std::string& database) const;

  // The cluster shared by every test of this process: the one `pg_test_cluster start` left
  // running for the whole CTest run (see tests/tools/pg_test_cluster.cpp) when it answers, else
  // one started on first use and stopped at exit. Throws (every time) if none could start.
  static PostgresCluster& shared();

  // Records this running cluster in `state_dir` and stops owning it: the server outlives this
  // object, for other test processes to attach() to, until stop_recorded() ends it.
  void hand_over(const std::string& state_dir);
  // The cluster recorded in `state_dir` if its server accepts connections, else null.
  static std::unique_ptr<PostgresCluster> attach(const std::string& state_dir);
  // Stops and deletes the cluster recorded in `state_dir`, if any (also a stale one).
  static void stop_recorded(const std::string& state_dir);

 private:
  struct Attached {};
  explicit PostgresCluster(Attached) {}
  int run(const std::string& program, const std::vector<std::string>& args, bool as_server_user);
  std::string log_tail() const;

  std::string bin_dir_;
  std::string dir_;
  std::string data_dir_;
  std::string command_log_;
  int port_ = 0;
  int databases_created_ = 0;
  bool started_ = false;  // this object owns a running server and stops it when destroyed
  bool switch_user_ = false;
  bool attached_ = false;  // the server belongs to the process that recorded it
};

}  // namespace candela::testing
