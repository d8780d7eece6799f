// Rules on the traffic section that need the rest of the scenario: the pods a selector picks and the
// Service a call names exist, and there is a network to carry the traffic at all. Also the list of
// settings that are accepted but not modelled (warnings).
#include <algorithm>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/byo_cni_facts.hpp"
#include "models/scenario/labels.hpp"
#include "models/scenario/spec_enum_names.hpp"
#include "models/scenario/validation.hpp"
#include "models/scenario/validation_rules.hpp"
#include "models/scenario/vm_sizes.hpp"

namespace cnisim::scenario {
namespace {

std::string service_names(const ScenarioSpec& spec) {
  std::string out;
  for (const auto& s : spec.services) {
    if (s.system) continue;
    out.append(out.empty() ? "" : ", ").append(s.namespace_ == "default" ? s.name : s.namespace_ + "/" + s.name);
  }
  return out.empty() ? "no Services of your own" : out;
}

bool names_service(const ScenarioSpec& spec, const std::string& text) {
  const auto slash = text.find('/');
  const std::string ns = slash == std::string::npos ? "default" : text.substr(0, slash);
  const std::string name = slash == std::string::npos ? text : text.substr(slash + 1);
  return std::any_of(spec.services.begin(), spec.services.end(),
                     [&](const ServiceSpec& s) { return s.namespace_ == ns && s.name == name; });
}


Diagnostic warning(const ScenarioSpec& spec, const std::string& path, std::string message, std::string hint) {
  return spec.diagnostic(path, std::move(message), "", std::move(hint), Severity::Warning);
}

}  // namespace

void check_traffic(RuleContext& c) {
  const ScenarioSpec& spec = c.spec();
  const TrafficSpec& t = spec.traffic;
  if (t.empty()) return;
  if (c.plugin_known() && spec.plugin() == PluginKind::None && !spec.cluster.byoCni) {
    c.report("traffic",
             "traffic cannot run under networkPlugin none without a CNI: AKS installs none in that mode, so pods "
             "have no network until you install one",
             "cluster.byoCni naming the CNI you install (cilium, calico or flannel), or another plugin",
             "add e.g. byoCni: {name: flannel} under cluster (docs/byo-cni.md), or run it under --plugin kubenet");
    return;
  }
  if (!c.usable({"workloads", "services"})) return;
  // The MTU of the pods' interfaces (lower than the NIC's under an encapsulating bring-your-own CNI).
  const std::uint32_t mtu = byo::pod_mtu(spec);
  for (std::size_t i = 0; i < t.bulk.size(); ++i) {
    const auto& b = t.bulk[i];
    const std::string path = "traffic.bulk[" + std::to_string(i) + "]";
    if (b.transport == Transport::Udp && spec.given(path + ".noDelay")) {
      c.report(path + ".noDelay", "noDelay applies to a TCP connection, and this bulk is transport: udp",
               "no noDelay with transport: udp", "leave it out, or use transport: tcp");
    }
    if (b.transport == Transport::Udp && b.packet_size > mtu && spec.given(path + ".packetSize")) {
      c.report(path + ".packetSize", std::to_string(b.packet_size) + "-byte packets exceed the " +
                   std::to_string(mtu) + "-byte MTU (IP fragmentation is not modelled)",
               "at most the MTU, " + std::to_string(mtu) + " bytes, with transport: udp",
               "packetSize is the IP packet over UDP; over TCP it is the size of each application write");
    }
  }
  for (std::size_t i = 0; i < t.chatty.size(); ++i) {
    const auto& s = t.chatty[i];
    const std::string path = "traffic.chatty[" + std::to_string(i) + "]";
    const auto check_selector = [&](const std::string& key, const std::map<std::string, std::string>& selector) {
      if (selector.empty() || !c.usable({path + "." + key})) return;
      if (std::any_of(spec.workloads.begin(), spec.workloads.end(),
                      [&](const WorkloadSpec& w) { return selects(selector, w.labels); })) {
        return;
      }
      c.report(path + "." + key, "no pod has the labels " + labels_text(selector),
               "labels of a workload's pods; the workloads here give " + label_sets(spec),
               "a workload's pods carry its labels (default app: NAME); `cnisim get pods -A --show-labels`");
    };
    check_selector("clients", s.clients);
    check_selector("servers", s.servers);
    if (s.transport == Transport::Udp) {
      for (const char* key : {"connection", "noDelay"}) {
        if (spec.given(path + "." + key)) {
          c.report(path + "." + key, std::string(key) + " applies to TCP connections, and this traffic is transport: udp",
                   "no " + std::string(key) + " with transport: udp", "leave it out, or use transport: tcp");
        }
      }
      // No IP fragmentation is modelled: a UDP message must fit one packet of the path MTU.
      const std::uint32_t most = mtu - 28;
      for (const auto& [key, size] : {std::pair{"requestSize", s.request_size}, std::pair{"responseSize", s.response_size}}) {
        if (size > most && spec.given(path + "." + key)) {
          c.report(path + "." + key, std::to_string(size) + " bytes do not fit one UDP datagram on a " +
                       std::to_string(mtu) + "-byte MTU (IP fragmentation is not modelled)",
                   "at most " + std::to_string(most) + " bytes with transport: udp", "use transport: tcp to send larger messages");
        }
      }
    }
    // Name resolution: a lookup of the called Service's name before each TCP connection.
    if (s.resolve && s.transport == Transport::Udp) {
      c.report(path + ".resolve", "resolve is modelled before each TCP connection a client opens, and this traffic is "
               "transport: udp", "resolve with transport: tcp", "leave resolve out, or use transport: tcp");
    }
    if (s.resolve && s.service.empty() && spec.given(path + ".resolve")) {
      c.report(path + ".resolve", "resolve looks up the name of the Service called, and this traffic calls pods by "
               "their labels (servers:) or a host outside the cluster (to:)", "resolve with service: NAME", "call the Service (service: NAME), or leave resolve out");
    }
    if (!s.resolve) {
      for (const char* key : {"hostname", "ndots", "searches"}) {
        if (spec.given(path + "." + key)) {
          c.report(path + "." + key, std::string(key) + " applies to name resolution, and this traffic has no resolve: true",
                   "resolve: true with " + std::string(key), "add resolve: true, or leave " + std::string(key) + " out");
        }
      }
    }
    // A client outside the cluster has no resolv.conf of the cluster and no route to a ClusterIP.
    if (!s.from.empty() && !s.service.empty() && spec.given(path + ".service")) {
      c.report(path + ".service", "a ClusterIP is reachable only inside the cluster, and this traffic comes from " + s.from,
               "to: a node's IP:nodePort (a NodePort Service), or a host outside the cluster",
               "make the Service type: NodePort and call it with to: NODE_IP:NODEPORT (cnisim get nodes -o wide, get svc)");
    }
    if (!s.from.empty() && s.resolve && spec.given(path + ".resolve")) {
      c.report(path + ".resolve", "resolve is modelled for pods (their resolv.conf), and this traffic comes from " + s.from,
               "resolve with clients: {labels}", "leave resolve out for a client outside the cluster");
    }
    if (!s.service.empty() && c.usable({path + ".service"}) && !names_service(spec, s.service)) {
      c.report(path + ".service", "no Service named '" + s.service + "'",
               "NAME or NAMESPACE/NAME of a Service in the scenario: " + service_names(spec),
               "add it under services:, or check the spelling and the namespace (default: default)");
    }
  }
}

std::vector<Diagnostic> unmodelled_settings(const ScenarioSpec& spec) {
  std::vector<Diagnostic> out;
  const std::string p = "cluster.networkProfile.";
  if (spec.cluster.networkProfile.outboundType == OutboundType::LoadBalancer &&
      spec.cluster.networkProfile.loadBalancerProfile.allocatedOutboundPorts == 0 &&
      aks::lb_default_snat_ports(spec.node_count()) == 0) {
    out.push_back(warning(spec, p + "outboundType",
                          "Azure's default SNAT port allocation is defined for backend pools of up to 1,000 VMs, and "
                          "this cluster has " + std::to_string(spec.node_count()) +
                              ": its nodes get no SNAT ports, so connections to the internet fail",
                          "set loadBalancerProfile.allocatedOutboundPorts, or use outboundType: managedNATGateway"));
  }
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const std::string path = "nodePools[" + std::to_string(i) + "].vmSize";
    const VmSize* size = find_vm_size(spec.nodePools[i].vmSize);
    if (!spec.given(path) || !size || size->accelerated_networking) continue;
    out.push_back(warning(spec, path,
                          std::string(size->name) + " has no Accelerated Networking, but the cost profile's NIC and "
                              "VNet costs are used as they are (" + spec.costs.profile.name +
                              "); the host's software path is not modelled",
                          "pick a size with Accelerated Networking (4 or more vCPUs in Dv3/Dsv3), or set "
                          "devices.nic and devices.vnetRouter in costs for a non-accelerated host"));
  }
  if (spec.cluster.byoCni && spec.cluster.byoCni->encapsulation == Encapsulation::Ipip) {
    out.push_back(warning(spec, "cluster.byoCni.encapsulation",
                          "IPIP packets are blocked by the Azure network fabric (Tigera's Calico-on-Azure guide): pod "
                          "traffic between nodes is dropped in the VNet (counted as ipipBlocked)",
                          "use encapsulation: vxlan, Calico's supported mode on Azure"));
  }
  if (spec.plugin() == PluginKind::Cilium && spec.given(p + "kubeProxyConfig.mode")) {
    out.push_back(warning(spec, p + "kubeProxyConfig.mode",
                             "has no effect under the cilium dataplane, which replaces kube-proxy (Services are "
                             "resolved by eBPF)",
                             "leave it out with networkDataplane cilium"));
  }
  return out;
}

}  // namespace cnisim::scenario
