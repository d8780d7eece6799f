// Which plugin, mode, dataplane and policy go together, and which node OS each supports.
#include <algorithm>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/byo_cni_facts.hpp"
#include "models/scenario/spec_enum_names.hpp"
#include "models/scenario/validation_rules.hpp"

namespace cnisim::scenario {

namespace {

const std::string kProfile = "cluster.networkProfile.";

std::string plugin_name(NetworkPlugin p) {
  return std::string(name_of<NetworkPlugin>(p, kNetworkPluginNames));
}

void check_combinations(RuleContext& c) {
  const NetworkProfile& np = c.spec().cluster.networkProfile;
  const std::string plugin = kProfile + "networkPlugin";
  // SPEC networkPluginMode: "overlay" is only valid with networkPlugin azure.
  if (np.networkPluginMode == NetworkPluginMode::Overlay && np.networkPlugin != NetworkPlugin::Azure &&
      c.usable({plugin, kProfile + "networkPluginMode"})) {
    c.report(
        kProfile + "networkPluginMode",
        "overlay mode needs networkPlugin azure, but networkPlugin is " + plugin_name(np.networkPlugin),
        "networkPluginMode: overlay only together with networkPlugin: azure",
        np.networkPlugin == NetworkPlugin::Kubenet
            ? "Azure CNI Overlay is the migration target for kubenet: set networkPlugin: azure, or remove "
              "networkPluginMode to keep kubenet"
            : "set networkPlugin: azure, or remove networkPluginMode");
  }
  // AKSDOCS azure-cni-powered-by-cilium: the cilium dataplane is Azure CNI's.
  if (np.networkDataplane == NetworkDataplane::Cilium && np.networkPlugin != NetworkPlugin::Azure &&
      c.usable({plugin, kProfile + "networkDataplane"})) {
    c.report(
        kProfile + "networkDataplane",
        "the cilium dataplane needs networkPlugin azure, but networkPlugin is " +
            plugin_name(np.networkPlugin),
        "networkDataplane: cilium only together with networkPlugin: azure",
        "set networkPlugin: azure and networkPluginMode: overlay (Azure CNI powered by Cilium), or remove "
        "networkDataplane");
  }
  // SPEC networkPolicy: "cilium" requires networkDataplane cilium.
  if (np.networkPolicy == NetworkPolicy::Cilium && np.networkDataplane != NetworkDataplane::Cilium &&
      c.usable({kProfile + "networkPolicy", kProfile + "networkDataplane"})) {
    c.report(kProfile + "networkPolicy",
             "networkPolicy cilium needs the cilium dataplane, but networkDataplane is azure",
             "networkPolicy: cilium only together with networkDataplane: cilium",
             "set networkDataplane: cilium, or use networkPolicy: calico on this dataplane");
  }
  // NodeLocal DNSCache under Cilium's kube-proxy replacement needs a Cilium Local Redirect Policy to
  // steer queries to the node's cache: not modelled.
  if (c.spec().cluster.nodeLocalDNSCache && np.networkDataplane == NetworkDataplane::Cilium &&
      c.usable({"cluster.nodeLocalDNSCache", kProfile + "networkDataplane"})) {
    c.report("cluster.nodeLocalDNSCache",
             "NodeLocal DNSCache under the cilium dataplane needs Cilium's Local Redirect Policy, which is not modelled",
             "nodeLocalDNSCache with kubenet, azure or overlay (kube-proxy)",
             "leave nodeLocalDNSCache out under cilium, or compare it under the other plugins");
  }
  // AKSDOCS configure-kubenet: Azure Network Policy Manager is not supported with kubenet.
  if (np.networkPolicy == NetworkPolicy::Azure && np.networkPlugin == NetworkPlugin::Kubenet &&
      c.usable({kProfile + "networkPolicy", plugin})) {
    c.report(kProfile + "networkPolicy", "Azure Network Policy Manager is not supported with kubenet",
             "networkPolicy none or calico with kubenet", "kubenet clusters use Calico for network policy");
  }
}

// byoCni: the CNI of a networkPlugin none cluster; its encapsulation must be one it offers, and the
// pods' MTU must leave room for the encapsulation inside the NIC's (no fragmentation is modelled).
void check_byo_cni(RuleContext& c) {
  const ScenarioSpec& spec = c.spec();
  if (!spec.cluster.byoCni) return;
  const ByoCniSpec& cni = *spec.cluster.byoCni;
  const byo::CniFacts& facts = byo::facts(cni.name);
  const std::string name(facts.name);
  if (spec.cluster.networkProfile.networkPlugin != NetworkPlugin::None && c.usable({kProfile + "networkPlugin", "cluster.byoCni"})) {
    c.report("cluster.byoCni",
             "byoCni describes the CNI you install on a cluster AKS gives no CNI, but networkPlugin is " +
                 plugin_name(spec.cluster.networkProfile.networkPlugin),
             "byoCni only with networkPlugin: none",
             "set networkPlugin: none (az aks create --network-plugin none), or remove byoCni");
    return;
  }
  if (!facts.supports[static_cast<std::size_t>(cni.encapsulation)] && c.usable({"cluster.byoCni.encapsulation"})) {
    std::string offered;
    for (const auto& e : kEncapsulationNames) {
      if (facts.supports[static_cast<std::size_t>(e.value)]) offered += (offered.empty() ? "" : " or ") + std::string(e.name);
    }
    const std::string asked(name_of<Encapsulation>(cni.encapsulation, kEncapsulationNames));
    c.report("cluster.byoCni.encapsulation", name + " does not carry pod traffic with " + asked + " encapsulation here",
             "encapsulation: " + offered + " with " + name,
             cni.name == ByoCni::Flannel
                 ? "flannel on Azure uses its vxlan backend (host-gw needs the nodes on one layer-2 segment, which an "
                   "Azure VNet is not)"
                 : "Cilium tunnels with vxlan, or routes natively (encapsulation: none)");
    return;
  }
  const std::uint32_t nic = spec.costs.profile.tcp.mtu;
  const std::uint32_t room = nic - byo::overhead(cni.encapsulation);
  if (cni.mtu && *cni.mtu > room && c.usable({"cluster.byoCni.mtu"})) {
    c.report("cluster.byoCni.mtu",
             "an MTU of " + std::to_string(*cni.mtu) + " does not fit the NIC's " + std::to_string(nic) + " bytes with " +
                 std::to_string(byo::overhead(cni.encapsulation)) + " bytes of encapsulation (IP fragmentation is not modelled)",
             "mtu at most " + std::to_string(room),
             "leave mtu out: " + name + " sets " + std::to_string(room) + " itself");
  }
}

void check_pool_os(RuleContext& c) {
  if (!c.plugin_known()) return;
  const ScenarioSpec& spec = c.spec();
  const PluginKind plugin = spec.plugin();
  bool any_system = false;
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const NodePoolSpec& pool = spec.nodePools[i];
    const std::string os = pool_path(i) + ".osType";
    const std::string mode = pool_path(i) + ".mode";
    if (pool.mode == PoolMode::System && c.usable({mode})) any_system = true;
    if (pool.osType != OsType::Windows || !c.usable({os})) continue;
    if (plugin == PluginKind::Kubenet) {
      c.report(os, "kubenet does not support Windows node pools (pool '" + pool.name + "')",
               "osType Linux with kubenet, or a plugin that supports Windows",
               "use Azure CNI Overlay (networkPlugin: azure, networkPluginMode: overlay) for Windows nodes");
    } else if (plugin == PluginKind::Cilium) {
      c.report(os, "Azure CNI powered by Cilium runs on Linux nodes only (pool '" + pool.name + "')",
               "osType Linux with the cilium dataplane",
               "remove networkDataplane: cilium to run Windows pools");
    } else if (pool.mode == PoolMode::System && c.usable({mode})) {
      c.report(os, "a System pool must be Linux (pool '" + pool.name + "')", "osType Linux for mode System",
               "make this a User pool (mode: User) and keep a Linux System pool for AKS's own pods");
    }
  }
  // AKSDOCS use-system-pools: every cluster has at least one System pool, with at least one node.
  if (!any_system && !spec.nodePools.empty() && c.usable({"nodePools"})) {
    c.report("nodePools", "no node pool has mode System", "at least one pool with mode: System",
             "AKS runs CoreDNS and metrics-server on System pools; set mode: System on a Linux pool");
  }
  if (spec.nodePools.empty() && c.usable({"nodePools"})) {
    c.report(
        "nodePools", "the cluster has no node pools", "at least one node pool",
        "add a pool such as {name: nodepool1, count: 3, mode: System}, or remove nodePools for the default");
  }
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const NodePoolSpec& pool = spec.nodePools[i];
    if (pool.mode == PoolMode::System && pool.count < aks::kMinSystemPoolCount &&
        c.usable({pool_path(i) + ".count", pool_path(i) + ".mode"})) {
      c.report(pool_path(i) + ".count", "System pool '" + pool.name + "' has no nodes",
               "count of at least 1 for a System pool (0 is allowed for User pools)",
               "give the System pool at least one node");
    }
  }
}

}  // namespace

// A profile for one egress kind given with another outboundType would be accepted and ignored; and the
// load balancer's SNAT ports must go round every VM, surge nodes included (AKS refuses the cluster
// otherwise: allocatedOutboundPorts x VMs <= 64,000 x frontend IPs).
void check_egress(RuleContext& c) {
  const ScenarioSpec& spec = c.spec();
  const NetworkProfile& np = spec.cluster.networkProfile;
  const std::string type = kProfile + "outboundType";
  const std::string type_name(name_of<OutboundType>(np.outboundType, kOutboundTypeNames));
  const bool nat = np.outboundType == OutboundType::ManagedNATGateway ||
                   np.outboundType == OutboundType::UserAssignedNATGateway;
  if (spec.given(kProfile + "loadBalancerProfile") && np.outboundType != OutboundType::LoadBalancer &&
      c.usable({type, kProfile + "loadBalancerProfile"})) {
    c.report(kProfile + "loadBalancerProfile",
             "a loadBalancerProfile describes egress through the load balancer, but outboundType is " + type_name,
             "loadBalancerProfile only with outboundType: loadBalancer",
             "remove loadBalancerProfile, or set outboundType: loadBalancer");
  }
  if (spec.given(kProfile + "natGatewayProfile") && !nat && c.usable({type, kProfile + "natGatewayProfile"})) {
    c.report(kProfile + "natGatewayProfile",
             "a natGatewayProfile describes egress through a NAT gateway, but outboundType is " + type_name,
             "natGatewayProfile only with outboundType: managedNATGateway or userAssignedNATGateway",
             "remove natGatewayProfile, or set outboundType: managedNATGateway");
  }
  // AKSDOCS egress-udr: outboundType userDefinedRouting sends the cluster's egress by the subnet's route
  // table (no load balancer outbound rule, no public IP): it needs a default route there.
  const auto& routes = spec.cluster.vnet.routes;
  const bool default_route = std::any_of(routes.begin(), routes.end(), [](const UserRoute& r) {
    return r.addressPrefix.length() == 0;
  });
  if (np.outboundType == OutboundType::UserDefinedRouting && !default_route &&
      c.usable({type, "cluster.vnet.routes"})) {
    c.report(type, "outboundType userDefinedRouting needs a route for 0.0.0.0/0 in the node subnet's route table",
             "cluster.vnet.routes with addressPrefix 0.0.0.0/0 (usually nextHopType VirtualAppliance, your firewall)",
             "add to cluster.vnet.routes: {name: to-firewall, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, "
             "nextHopIpAddress: 10.1.1.4}, or use outboundType loadBalancer");
  }
  // A virtual appliance lives in the VNet, in a subnet of its own (not the cluster's).
  const auto& vnet = spec.cluster.vnet;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const auto& r = routes[i];
    const std::string route = "cluster.vnet.routes[" + std::to_string(i) + "]";
    const std::string path = route + ".nextHopIpAddress";
    if (r.nextHopType != net::NextHopType::VirtualAppliance ||
        !c.usable({path, route + ".nextHopType", "cluster.vnet.addressSpace"}))
      continue;
    const bool in_vnet = std::any_of(vnet.addressSpace.begin(), vnet.addressSpace.end(),
                                     [&](const net::Cidr& space) { return space.contains(r.nextHopIpAddress); });
    const bool in_cluster_subnet =
        vnet.nodeSubnet.contains(r.nextHopIpAddress) || (vnet.podSubnet && vnet.podSubnet->contains(r.nextHopIpAddress));
    if (!in_vnet || in_cluster_subnet) {
      c.report(path,
               "the virtual appliance " + r.nextHopIpAddress.to_string() +
                   (in_vnet ? " is in the cluster's own subnet" : " is outside the VNet's address space"),
               "an address in the VNet, outside the node and pod subnets (the appliance's own subnet, such as "
               "AzureFirewallSubnet)",
               "give the firewall's private IP, e.g. an address of a /26 of the address space that no cluster range uses");
    }
  }
  if (np.outboundType != OutboundType::LoadBalancer) return;
  const LoadBalancerProfile& lb = np.loadBalancerProfile;
  const std::string ports = kProfile + "loadBalancerProfile.allocatedOutboundPorts";
  const std::string ips = kProfile + "loadBalancerProfile.managedOutboundIPs.count";
  if (lb.allocatedOutboundPorts == 0 || !c.usable({ports, ips})) return;
  std::uint64_t vms = 0;
  for (const auto& pool : spec.nodePools) vms += std::uint64_t{pool.count} + pool.maxSurge;
  const std::uint64_t budget = std::uint64_t{aks::kSnatPortsPerFrontendIp} * lb.managedOutboundIPs;
  if (vms * lb.allocatedOutboundPorts > budget) {
    const std::uint64_t fit = budget / vms / aks::kSnatPortAllocationStep * aks::kSnatPortAllocationStep;
    c.report(ports,
             std::to_string(lb.allocatedOutboundPorts) + " SNAT ports for each of " + std::to_string(vms) +
                 " VMs (nodes and surge nodes) need " + std::to_string(vms * lb.allocatedOutboundPorts) +
                 ", but " + std::to_string(lb.managedOutboundIPs) + " outbound IP(s) give " + std::to_string(budget),
             "allocatedOutboundPorts x VMs <= 64,000 x managedOutboundIPs.count",
             fit > 0 ? "lower it to " + std::to_string(fit) + ", or add outbound IPs"
                     : "add outbound IPs (managedOutboundIPs.count), or use a NAT gateway");
  }
}

void check_plugin_choice(RuleContext& c) {
  check_combinations(c);
  check_byo_cni(c);
  check_egress(c);
  check_pool_os(c);
}

}  // namespace cnisim::scenario
