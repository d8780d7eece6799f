#pragma once
// A rendered cluster brought up in real network namespaces, torn down when the object goes away.
#include <atomic>
#include <string>

#include "models/emulation/netns.hpp"
#include "models/emulation/render.hpp"

namespace cnisim::emulation {

class Emulation {
 public:
  // Renders the cluster under a fresh run prefix. Throws std::invalid_argument (bad input: a plugin
  // that cannot be emulated, too many namespaces) before creating anything.
  explicit Emulation(const cluster::Cluster& cluster);
  ~Emulation() = default;  // the NamespaceSet removes every namespace
  Emulation(const Emulation&) = delete;
  Emulation& operator=(const Emulation&) = delete;

  // Creates the namespaces and configures them; throws std::runtime_error naming the failed command
  // and its stderr (what was created is still removed by the destructor). Stops early when *stop.
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
