#pragma once
// From the built cluster (cluster::build_cluster) to what the Linux kernel is given: one network
// namespace per node and per pod (hostNetwork pods share their node's), one "vnet" namespace standing
// for Azure's SDN (a router holding the cluster's Azure route table), one per external endpoint;
// `ip -batch` input per namespace (veth pairs, the kubenet bridge or azure's and overlay's routed
// veths, addresses, the model's routes),
// sysctls, and iptables-restore input (ip-masq-agent's masquerade rules and kube-proxy's Service DNAT,
// both from the model's own rule tables). Nothing refers to the root namespace.
#include <string>
#include <utility>
#include <vector>

#include "models/cluster/cluster.hpp"

namespace cnisim::emulation {

struct NamespacePlan {
  std::string suffix;  // the name after the run prefix: "vnet", "node0", "pod12", "ext0"
  std::string role;    // "node aks-nodepool1-...", "pod default/nginx-...", "Azure VNet (SDN stand-in)"
  std::vector<std::string> ipBatch;                          // `ip -batch -` lines, run inside this namespace
  std::vector<std::pair<std::string, std::string>> sysctls;  // /proc/sys/net keys, after the ip batch
  std::string iptables;                                      // iptables-restore input ("" = none)
};

struct EmulationPlan {
  std::string prefix;
  // In the order they are set up: vnet (it creates the node and external veths), nodes (they create
  // their pods' veths), pods, externals.
  std::vector<NamespacePlan> namespaces;
  std::vector<std::uint32_t> nodeNs;      // [node] -> index in namespaces
  std::vector<std::uint32_t> podNs;       // [pod] -> index in namespaces (hostNetwork: its node's)
  std::vector<std::uint32_t> externalNs;  // [external] -> index in namespaces
  std::uint32_t vnetNs = 0;
  std::vector<std::string> notEmulated;   // what the kernel cannot stand in for, named in the output
  std::vector<std::string> emulationChoices;  // how the parts outside a node kernel are stood in for

  std::string full_name(std::uint32_t ns) const { return prefix + namespaces[ns].suffix; }
};

// How many namespaces the cluster needs: nodes + pods that are not hostNetwork + the VNet + externals.
std::size_t namespaces_needed(const cluster::Cluster& cluster);
// The plugins that can be rendered (kubenet, azure node subnet, overlay); render throws
// std::invalid_argument with cannot_emulate_message for the others (cilium, none).
bool can_emulate(cluster::PluginKind kind);
// Why the plugin cannot be emulated, and the hint (the plugins that can).
std::string cannot_emulate_message(cluster::PluginKind kind);
// Throws std::invalid_argument for a plugin that cannot be emulated or a cluster over kMaxNamespaces.
EmulationPlan render(const cluster::Cluster& cluster, const std::string& prefix);
// The whole plan as text (for `cnisim emulate --dry-run` and the tests).
std::string plan_text(const EmulationPlan& plan);

}  // namespace cnisim::emulation
