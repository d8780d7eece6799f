#pragma once
// A rendered cluster brought up in real network namespaces, torn down when the object goes away.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "models/emulation/netns.hpp"
#include "models/emulation/render.hpp"

namespace cnisim::emulation {

// The links in `ip -o link show` output that have their carrier but do not pass packets yet: up with
// LOWER_UP, and still "qdisc noop" or an operstate other than UP (or UNKNOWN, what lo and links
// without an operstate report); their names. A link's qdisc is attached and its operstate set by the
// kernel's linkwatch work, which runs after the carrier comes on (net/core/link_watch.c: an event it
// does not take as urgent waits up to a second); until then what is sent through the link is dropped
// by the noop qdisc. A link without its carrier (NO-CARRIER: a bridge with no port, a veth whose peer
// is down) is not waited for.
std::vector<std::string> links_not_passing(const std::string& ip_link_output);

class Emulation {
 public:
  // Renders the cluster under a fresh run prefix. Throws std::invalid_argument (bad input: a plugin
  // that cannot be emulated, too many namespaces) before creating anything.
  static constexpr std::chrono::milliseconds kLinkWait{10000};

  explicit Emulation(const cluster::Cluster& cluster);
  ~Emulation() = default;  // the NamespaceSet removes every namespace
  Emulation(const Emulation&) = delete;
  Emulation& operator=(const Emulation&) = delete;

  // Creates the namespaces and configures them, then waits (up to kLinkWait) until every link whose
  // carrier is on passes packets; throws std::runtime_error naming the failed command and its stderr,
  // or the links still waiting (what was created is still removed by the destructor). Stops early
  // when *stop.
  void up(const std::atomic<bool>* stop = nullptr);
  // Removes everything now; returns the errors.
  std::vector<std::string> down() { return namespaces_.remove_all(); }

  const EmulationPlan& plan() const { return plan_; }
  const cluster::Cluster& cluster() const { return cluster_; }
  const std::string& prefix() const { return namespaces_.prefix(); }
  std::string path_of_pod(cluster::PodIndex p) const { return netns_path(plan_.full_name(plan_.podNs[p])); }
  std::string path_of_node(cluster::NodeIndex n) const { return netns_path(plan_.full_name(plan_.nodeNs[n])); }
  std::string path_of_external(std::uint32_t e) const { return netns_path(plan_.full_name(plan_.externalNs[e])); }

 private:
  const cluster::Cluster& cluster_;
  NamespaceSet namespaces_;
  EmulationPlan plan_;
};

}  // namespace cnisim::emulation
