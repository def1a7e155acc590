// The parents (shields) this edge fills through, and which one serves a cache key.
//
// A ParentSet is immutable apart from each parent's "failed until" mark; a new list (a reloaded
// file, a new topology) replaces the whole set. Fills read the set in force through
// ParentDirectory::current(), which costs one atomic load per fill once a thread holds the newest
// set, and keep their snapshot to the end, so a swap never changes a fill's failover order.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "edge/edge_config.hpp"

namespace candela::edge {

struct Parent {
  std::string id;       // the parent's edge id: its rendezvous weight and its Via name
  std::string address;  // host:port as configured
  std::string host;
  std::uint16_t port = 0;
  // steady_clock milliseconds (since its epoch) until which the parent is skipped; shared by
  // every loop, so one failed attempt spares the others the same timeout.
  mutable std::atomic<std::int64_t> failed_until_ms{0};
};

class ParentSet {
 public:
  // `parents` must be valid (ids unique, addresses host:port), as parse_edge_config and
  // parents_from_topology guarantee; an entry whose address does not split is left out.
  explicit ParentSet(const std::vector<ParentConfig>& parents, ParentPolicy policy = {});

  bool empty() const { return parents_.empty(); }
  std::size_t size() const { return parents_.size(); }
  const Parent& at(std::size_t i) const { return *parents_[i]; }
  // The policy that came with the list (max hops, retry after, connect timeout).
  const ParentPolicy& policy() const { return policy_; }
  // stable_hash of each parent's id, in list order (the rendezvous node weights).
  const std::vector<std::uint64_t>& id_hashes() const { return id_hashes_; }

  // Every parent's index for `cache_key`, best first (rendezvous order over the ids): the owner
  // of the key, then its failovers. Marks are not consulted here; see usable().
  std::vector<std::size_t> rank(std::string_view cache_key) const;
  // The owner of `cache_key` among the parents not marked failed at `now`; size() when none.
  std::size_t pick(std::string_view cache_key, std::chrono::steady_clock::time_point now) const;

  bool usable(std::size_t i, std::chrono::steady_clock::time_point now) const;
  // Skips parent `i` until `now` + the policy's retry_after. True when it was usable until now
  // (the caller logs the change once, not once per failed fill).
  bool mark_failed(std::size_t i, std::chrono::steady_clock::time_point now) const;

  // The same parents (ids and addresses, in any order) and policy as given.
  bool same_as(const std::vector<ParentConfig>& other, const ParentPolicy& policy) const;
  std::vector<ParentConfig> configs() const;

 private:
  std::vector<std::unique_ptr<Parent>> parents_;
  std::vector<std::uint64_t> id_hashes_;
  ParentPolicy policy_;
};

// "shield-1 (127.0.0.1:8090), shield-2 (…)", or "none (fills go to origins)", for the log.
std::string describe_parents(const std::vector<ParentConfig>& parents);

// The parent set in force for one edge, replaced as a whole.
class ParentDirectory {
 public:
  ParentDirectory();

  // Puts `parents` and `policy` in force. A parent kept from the previous set (same id and
  // address) keeps its failed mark. Returns false (and changes nothing) when both are what is
  // in force already.
  bool replace(const std::vector<ParentConfig>& parents, const ParentPolicy& policy);

  // The set in force. Lock-free once this thread has seen the newest set (a thread-local copy
  // is checked against a version number); a swap costs each thread one locked copy.
  std::shared_ptr<const ParentSet> current() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const ParentSet> set_;
  // Unique across every directory of the process, so a thread-local copy of one directory's set
  // is never taken for another's.
  std::atomic<std::uint64_t> version_;
};

}  // namespace candela::edge
