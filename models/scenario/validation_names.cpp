// Names that must be unique, and names taken by the objects AKS creates itself.
#include <map>
#include <tuple>

#include "models/scenario/validation_rules.hpp"

namespace cnisim::scenario {

void check_names(RuleContext& c) {
  const ScenarioSpec& spec = c.spec();
  std::map<std::string, std::size_t> pools;
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const std::string path = pool_path(i) + ".name";
    if (spec.nodePools[i].name.empty() || !c.usable({path})) continue;
    auto [it, inserted] = pools.emplace(spec.nodePools[i].name, i);
    if (!inserted) {
      c.report(path,
               "node pool name '" + spec.nodePools[i].name + "' is already used by " + pool_path(it->second),
               "a different name for each pool", "rename one of the pools");
    }
  }
  // A Deployment and a Service are identified by namespace and name; system ones come after the file's.
  using Key = std::tuple<WorkloadKind, std::string, std::string>;
  std::map<Key, std::size_t> workloads;
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    const WorkloadSpec& w = spec.workloads[i];
    const std::string path = workload_path(i) + ".name";
    if (w.name.empty() || (!w.system && !c.usable({path, workload_path(i) + ".namespace"}))) continue;
    auto [it, inserted] = workloads.emplace(Key{w.kind, w.namespace_, w.name}, i);
    if (inserted) continue;
    const WorkloadSpec& first = spec.workloads[it->second];
    if (w.system && !first.system) {
      c.report(workload_path(it->second) + ".name",
               "'" + w.namespace_ + "/" + w.name + "' is a system workload AKS creates itself",
               "a name not used by AKS's own workloads in " + w.namespace_,
               "it is added automatically; remove it, or use another name or namespace");
    } else if (!w.system) {
      c.report(path,
               "'" + w.namespace_ + "/" + w.name + "' is already defined by " + workload_path(it->second),
               "a different name for each workload of a kind in a namespace", "rename one of them");
    }
  }
  std::map<std::pair<std::string, std::string>, std::size_t> services;
  for (std::size_t i = 0; i < spec.services.size(); ++i) {
    const ServiceSpec& s = spec.services[i];
    const std::string path = service_path(i) + ".name";
    if (s.name.empty() || (!s.system && !c.usable({path, service_path(i) + ".namespace"}))) continue;
    auto [it, inserted] = services.emplace(std::pair{s.namespace_, s.name}, i);
    if (inserted) continue;
    const ServiceSpec& first = spec.services[it->second];
    if (s.system && !first.system) {
      c.report(service_path(it->second) + ".name",
               "'" + s.namespace_ + "/" + s.name + "' is a Service AKS creates itself",
               "a name not used by the kubernetes, kube-dns and metrics-server Services",
               "it is created automatically; remove it or choose another name");
    } else if (!s.system) {
      c.report(
          path,
          "Service '" + s.namespace_ + "/" + s.name + "' is already defined by " + service_path(it->second),
          "a different name for each Service in a namespace", "rename one of them");
    }
  }
  // A nodePort belongs to one Service port (kube-apiserver's node port allocator).
  std::map<std::uint16_t, std::string> node_ports;
  for (std::size_t i = 0; i < spec.services.size(); ++i) {
    for (std::size_t k = 0; k < spec.services[i].ports.size(); ++k) {
      const std::uint16_t port = spec.services[i].ports[k].nodePort;
      const std::string path = service_path(i) + ".ports[" + std::to_string(k) + "].nodePort";
      if (port == 0 || !c.usable({path})) continue;
      auto [it, inserted] = node_ports.emplace(port, path);
      if (!inserted) {
        c.report(path, "nodePort " + std::to_string(port) + " is already taken by " + it->second,
                 "a different nodePort for each Service port", "leave nodePort out to have one allocated");
      }
    }
  }
  std::map<std::string, std::size_t> namespaces;
  for (std::size_t i = 0; i < spec.namespaces.size(); ++i) {
    const std::string path = "namespaces[" + std::to_string(i) + "].name";
    if (spec.namespaces[i].name.empty() || !c.usable({path})) continue;
    auto [it, inserted] = namespaces.emplace(spec.namespaces[i].name, i);
    if (!inserted) {
      c.report(path, "namespace '" + spec.namespaces[i].name + "' is already listed at namespaces[" +
                         std::to_string(it->second) + "]",
               "each namespace once", "merge the two entries' labels");
    }
  }
  std::map<std::pair<std::string, std::string>, std::size_t> policies;
  for (std::size_t i = 0; i < spec.networkPolicies.size(); ++i) {
    const NetworkPolicySpec& p = spec.networkPolicies[i];
    const std::string base = "networkPolicies[" + std::to_string(i) + "]";
    if (p.name.empty() || !c.usable({base + ".name", base + ".namespace"})) continue;
    auto [it, inserted] = policies.emplace(std::pair{p.namespace_, p.name}, i);
    if (!inserted) {
      c.report(base + ".name",
               "NetworkPolicy '" + p.namespace_ + "/" + p.name + "' is already defined by networkPolicies[" +
                   std::to_string(it->second) + "]",
               "a different name for each policy in a namespace", "rename one of them");
    }
  }
}

}  // namespace cnisim::scenario

namespace cnisim::scenario {

void check_policy_engine(RuleContext& c) {
  // Policies with no engine to enforce them would be accepted and change nothing. (After the name
  // checks, which skip a policy that already has a diagnostic.)
  if (!c.spec().networkPolicies.empty() && c.spec().cluster.networkProfile.networkPlugin == NetworkPlugin::None &&
      c.usable({"cluster.networkProfile.networkPlugin"})) {
    c.report("networkPolicies[0]",
             "network policies under networkPlugin none are enforced by the CNI you install (Calico's or Cilium's own "
             "engine), which is not modelled yet",
             "networkPolicies with networkPlugin kubenet or azure and a networkPolicy engine",
             "compare the policies under --plugin kubenet, azure, overlay or cilium (docs/network-policy.md)");
    return;
  }
  if (!c.spec().networkPolicies.empty() &&
      c.spec().cluster.networkProfile.networkPolicy == NetworkPolicy::None &&
      c.usable({"cluster.networkProfile.networkPolicy"})) {
    c.report("networkPolicies[0]",
             "the scenario has network policies, but the cluster has no network policy engine (networkPolicy: none)",
             "cluster.networkProfile.networkPolicy: calico, azure or cilium",
             "set the engine that enforces them (calico works with every plugin), or remove networkPolicies");
  }
}

}  // namespace cnisim::scenario
