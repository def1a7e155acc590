// pg_test_cluster start|stop STATE_DIR: one throwaway PostgreSQL server for a whole CTest run.
// CTest runs `start` as a fixture before the store tests and `stop` after them; each test process
// then attaches to the recorded server and creates its own database in it, instead of paying for
// an initdb of its own (seconds per test process).
#include <cstdio>
#include <exception>
#include <string>

#include "support/postgres_cluster.hpp"

int main(int argc, char** argv) {
  using candela::testing::PostgresCluster;
  const std::string usage = "usage: pg_test_cluster start|stop STATE_DIR";
  if (argc != 3) {
    std::fprintf(stderr, "%s\n", usage.c_str());
    return 2;
  }
  const std::string command = argv[1];
  const std::string state_dir = argv[2];
  try {
    if (command == "start") {
      PostgresCluster::stop_recorded(state_dir);  // a server left over from an interrupted run
      PostgresCluster cluster;
      cluster.hand_over(state_dir);
      std::printf("PostgreSQL for the tests on 127.0.0.1:%d (state in %s)\n", cluster.port(),
                  state_dir.c_str());
      return 0;
    }
    if (command == "stop") {
      PostgresCluster::stop_recorded(state_dir);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pg_test_cluster: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "%s\n", usage.c_str());
  return 2;
}
