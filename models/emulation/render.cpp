#include "models/emulation/render.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "models/cluster/plugin.hpp"
#include "models/emulation/netns.hpp"

namespace cnisim::emulation {
namespace {

using cluster::Cluster;
using cluster::kNone;
using net::Cidr;
using net::Ipv4;
using net::NextHopType;

// veth names in the vnet namespace: n<node>, x<external>.
std::string vnet_port_of_node(cluster::NodeIndex n) { return "n" + std::to_string(n); }
std::string vnet_port_of_external(std::uint32_t e) { return "x" + std::to_string(e); }
// The vnet namespace's routing table for packets from outside the node subnet (Cluster::other_subnet_route_table).
constexpr int kOtherSubnetTable = 100;

// iptables-restore lines that SNAT, in `chain`, the packets `match` selects to `to` (an address or a
// range): TCP and UDP to ports first..last, ICMP by its identifier.
std::string snat_rules(const std::string& chain, const std::string& match, const std::string& to, std::uint16_t first,
                       std::uint16_t last) {
  const std::string ports = ":" + std::to_string(first) + "-" + std::to_string(last);
  std::string rules;
  for (const char* proto : {"tcp", "udp"}) {
    rules += "-A " + chain + " " + match + " -p " + proto + " -j SNAT --to-source " + to + ports + "\n";
  }
  return rules + "-A " + chain + " " + match + " -p icmp -j SNAT --to-source " + to + "\n";
}

// The host-side veth of a pod, as the plugin names it (the part of device_name after "node:").
std::string host_veth(const Cluster& c, cluster::PodIndex p) {
  const std::string full = c.device_name(c.pods()[p].vethHost);
  const auto colon = full.rfind(':');
  return colon == std::string::npos ? full : full.substr(colon + 1);
}

std::string kernel_route_line(const net::Route& r) {
  std::string line = "route add " + r.prefix.to_string();
  if (r.next_hop.ip.value) line += " via " + r.next_hop.ip.to_string();
  line += " dev " + r.next_hop.device;
  if (r.metric) line += " metric " + std::to_string(r.metric);
  return line;
}

// A kernel table's routes in an order the kernel accepts: routes without a gateway first (a gateway
// must be reachable when its route is added), each group in the model's insertion order.
void add_kernel_routes(NamespacePlan& ns, const net::RouteTable& table) {
  std::vector<const net::Route*> direct, gatewayed;
  for (auto id : table.ids()) {
    const auto& r = table.route(id);
    if (r.next_hop.type != NextHopType::Device) {
      throw std::invalid_argument("kernel table holds a non-kernel route: " + r.to_string());
    }
    (r.next_hop.ip.value ? gatewayed : direct).push_back(&r);
  }
  for (auto* r : direct) ns.ipBatch.push_back(kernel_route_line(*r));
  for (auto* r : gatewayed) ns.ipBatch.push_back(kernel_route_line(*r));
}

std::string protocol_flag(cluster::Protocol p) {
  switch (p) {
    case cluster::Protocol::Tcp: return "tcp";
    case cluster::Protocol::Udp: return "udp";
    case cluster::Protocol::Sctp: return "sctp";
  }
  return "tcp";
}

// Probability for the k-th of n endpoints, as kube-proxy writes it (1/(n-k), 11 digits).
std::string probability(std::size_t k, std::size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.11f", 1.0 / static_cast<double>(n - k));
  return buf;
}

constexpr const char* kFromNicMark = "0x4000/0x4000";
// kube-proxy's KUBE-MARK-MASQ for hairpin traffic (a pod calling a Service that picks the pod itself);
// another bit than kFromNicMark, which the mangle table sets.
constexpr const char* kHairpinMark = "0x2000/0x2000";

// A node's netfilter rules: kube-proxy's Service DNAT (KUBE-SERVICES -> KUBE-SVC-i -> KUBE-SEP-i-k,
// random choice as kube-proxy's iptables mode does) and ip-masq-agent's masquerade, rule for rule
// from the model's tables, applied where the model applies them (new connections leaving by eth0,
// not arriving from eth0, not from the node's own address).
std::string node_iptables(const Cluster& c, cluster::NodeIndex n) {
  const auto& node = c.nodes()[n];
  std::string mangle = "*mangle\n:PREROUTING ACCEPT [0:0]\n";
  mangle += std::string("-A PREROUTING -i eth0 -j MARK --set-xmark ") + kFromNicMark + "\nCOMMIT\n";
  std::string chains = ":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
                       ":KUBE-SERVICES - [0:0]\n:CNISIM-MASQ - [0:0]\n";
  std::string rules = "-A PREROUTING -j KUBE-SERVICES\n-A OUTPUT -j KUBE-SERVICES\n";
  std::string filter = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";
  const auto& dnat = c.service_dnat();
  for (std::size_t i = 0; i < dnat.rules.size(); ++i) {
    const auto& rule = dnat.rules[i];
    // emulate refuses NodePorts, Local traffic policies and affinity before rendering (not rendered yet).
    if (rule.kind != cluster::ServicePortRule::Kind::ClusterIP) continue;
    const auto& endpoints = c.services()[rule.service].endpoints;
    const std::string match = "-d " + rule.clusterIP.to_string() + "/32 -p " + protocol_flag(rule.protocol) +
                              " -m " + protocol_flag(rule.protocol) + " --dport " + std::to_string(rule.port);
    if (endpoints.empty()) {  // the model drops (noServiceEndpoint)
      filter += "-A FORWARD " + match + " -j DROP\n-A OUTPUT " + match + " -j DROP\n";
      continue;
    }
    const std::string svc = "KUBE-SVC-" + std::to_string(i);
    chains += ":" + svc + " - [0:0]\n";
    rules += "-A KUBE-SERVICES " + match + " -j " + svc + "\n";
    for (std::size_t k = 0; k < endpoints.size(); ++k) {
      const std::string sep = "KUBE-SEP-" + std::to_string(i) + "-" + std::to_string(k);
      chains += ":" + sep + " - [0:0]\n";
      rules += "-A " + svc +
               (k + 1 < endpoints.size() ? " -m statistic --mode random --probability " + probability(k, endpoints.size())
                                         : std::string()) +
               " -j " + sep + "\n";
      // Hairpin, as kube-proxy writes it: an endpoint calling its own Service is masqueraded, or it
      // would receive a packet from its own address (a martian: dropped).
      rules += "-A " + sep + " -s " + c.pods()[endpoints[k]].ip.to_string() + "/32 -j MARK --set-xmark " +
               kHairpinMark + "\n";
      rules += "-A " + sep + " -p " + protocol_flag(rule.protocol) + " -j DNAT --to-destination " +
               c.pods()[endpoints[k]].ip.to_string() + ":" + std::to_string(rule.targetPort) + "\n";
    }
  }
  rules += std::string("-A POSTROUTING -m mark --mark ") + kHairpinMark + " -j MASQUERADE\n";
  rules += "-A POSTROUTING -o eth0 -j CNISIM-MASQ\n";
  rules += std::string("-A CNISIM-MASQ -m mark --mark ") + kFromNicMark + " -j RETURN\n";
  rules += "-A CNISIM-MASQ -s " + node.ip.to_string() + "/32 -j RETURN\n";
  for (const auto& m : c.masquerade().rules) {
    rules += "-A CNISIM-MASQ -d " + m.destination.to_string() + " -j " +
             (m.action == cluster::SnatAction::KeepPodIp ? "RETURN" : "MASQUERADE") + "\n";
  }
  return mangle + "*nat\n" + chains + rules + "COMMIT\n" + filter + "COMMIT\n";
}

// Proxy ARP on a port, answering at once. Linux delays a proxied answer to a broadcast ARP request
// by a random time up to neigh/<dev>/proxy_delay (default 80 centiseconds: pneigh_enqueue in
// net/core/neighbour.c), so the first packet from each pod or host to a proxied address (the pods'
// gateway 169.254.1.1 under azure and overlay, other hosts on the VNet) waited up to 0.8 s. Azure's
// SDN answers ARP at once; so does the emulation.
void proxy_arp(NamespacePlan& ns, const std::string& port) {
  ns.sysctls.push_back({"ipv4/conf/" + port + "/proxy_arp", "1"});
  ns.sysctls.push_back({"ipv4/neigh/" + port + "/proxy_delay", "0"});
}

void base_sysctls(NamespacePlan& ns, bool forwarding) {
  ns.sysctls.push_back({"ipv4/conf/all/rp_filter", "0"});
  ns.sysctls.push_back({"ipv4/conf/default/rp_filter", "0"});
  if (forwarding) {
    ns.sysctls.push_back({"ipv4/ip_forward", "1"});
    ns.sysctls.push_back({"ipv4/conf/all/send_redirects", "0"});
  }
}

}  // namespace

bool can_emulate(cluster::PluginKind kind) {
  return kind == cluster::PluginKind::Kubenet || kind == cluster::PluginKind::AzureNodeSubnet ||
         kind == cluster::PluginKind::AzureOverlay;
}

std::string cannot_emulate_message(cluster::PluginKind kind) {
  const std::string why = kind == cluster::PluginKind::Cilium
                              ? "its data path is eBPF programs in the kernel, which cnisim does not model as tables to render"
                              : "AKS installs no CNI, so the pod network is the user's own; cnisim models it as a "
                                "generic encapsulating overlay (overlay0) whose tunnel it does not render";
  return "plugin " + std::string(cluster::to_string(kind)) + " cannot be emulated: " + why +
         "\n  hint: emulate runs kubenet, azure (node subnet) and overlay: --plugin kubenet, --plugin azure or "
         "--plugin overlay";
}

std::size_t namespaces_needed(const Cluster& c) {
  std::size_t pods = 0;
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) pods += c.host_network(p) ? 0 : 1;
  return 1 + c.nodes().size() + pods + c.externals().size();
}

EmulationPlan render(const Cluster& c, const std::string& prefix) {
  const auto kind = c.plugin_kind();
  if (!can_emulate(kind)) throw std::invalid_argument(cannot_emulate_message(kind));
  if (const auto needed = namespaces_needed(c); needed > kMaxNamespaces) {
    throw std::invalid_argument("this cluster needs " + std::to_string(needed) + " network namespaces (" +
                                std::to_string(c.nodes().size()) + " nodes, their pods, the VNet and " +
                                std::to_string(c.externals().size()) + " external hosts); emulate creates at most " +
                                std::to_string(kMaxNamespaces) +
                                "\n  hint: emulate a smaller copy of the cluster (fewer nodes or replicas)");
  }
  const bool kubenet = kind == cluster::PluginKind::Kubenet;
  EmulationPlan plan;
  plan.prefix = prefix;
  const Ipv4 gateway = c.node_subnet_gateway();
  const Cidr node_subnet = c.spec().cluster.vnet.nodeSubnet;

  // Namespaces and their indices first: batches refer to each other's names.
  plan.vnetNs = 0;
  plan.namespaces.push_back({"vnet", "Azure VNet (SDN stand-in: the Azure route table)", {}, {}, {}});
  for (cluster::NodeIndex n = 0; n < c.nodes().size(); ++n) {
    plan.nodeNs.push_back(static_cast<std::uint32_t>(plan.namespaces.size()));
    plan.namespaces.push_back({"node" + std::to_string(n), "node " + c.nodes()[n].name, {}, {}, {}});
  }
  plan.podNs.resize(c.pods().size());
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
    if (c.host_network(p)) {
      plan.podNs[p] = plan.nodeNs[c.pods()[p].node];
      continue;
    }
    plan.podNs[p] = static_cast<std::uint32_t>(plan.namespaces.size());
    plan.namespaces.push_back({"pod" + std::to_string(p), "pod " + c.pod_namespace(p) + "/" + c.pod_name(p), {}, {}, {}});
  }
  for (std::uint32_t e = 0; e < c.externals().size(); ++e) {
    plan.externalNs.push_back(static_cast<std::uint32_t>(plan.namespaces.size()));
    plan.namespaces.push_back({"ext" + std::to_string(e), "external " + c.externals()[e].name, {}, {}, {}});
  }

  // The VNet: a veth to each node's eth0 and each external's eth0, the subnet gateway's address on
  // each (/32: no connected routes), proxy ARP (Azure's SDN answers every ARP), and the Azure table.
  {
    auto& v = plan.namespaces[plan.vnetNs];
    v.ipBatch.push_back("link set lo up");
    for (cluster::NodeIndex n = 0; n < c.nodes().size(); ++n) {
      const auto port = vnet_port_of_node(n);
      v.ipBatch.push_back("link add " + port + " type veth peer name eth0 netns " + plan.full_name(plan.nodeNs[n]));
      v.ipBatch.push_back("addr add " + gateway.to_string() + "/32 dev " + port);
      v.ipBatch.push_back("link set " + port + " up");
      proxy_arp(v, port);
    }
    for (std::uint32_t e = 0; e < c.externals().size(); ++e) {
      const auto port = vnet_port_of_external(e);
      v.ipBatch.push_back("link add " + port + " type veth peer name eth0 netns " + plan.full_name(plan.externalNs[e]));
      v.ipBatch.push_back("addr add " + gateway.to_string() + "/32 dev " + port);
      v.ipBatch.push_back("link set " + port + " up");
      proxy_arp(v, port);
    }
    base_sysctls(v, true);
    // Where Azure hands a packet for an address: the owner's NIC (a pod's: its node's NIC).
    auto port_of_owner = [&](Ipv4 ip, bool internet_route) -> std::pair<std::string, std::string> {
      const auto owner = c.owner_of(ip);
      if (!owner) return {};
      using K = Cluster::AddressOwner::Kind;
      if (owner->kind == K::External) {
        const bool is_internet = c.devices()[c.externals()[owner->index].device].kind == scenario::DeviceKind::InternetHost;
        if (is_internet != internet_route) return {};
        return {vnet_port_of_external(owner->index), {}};
      }
      if (internet_route) return {};
      if (owner->kind == K::Node) return {vnet_port_of_node(owner->index), {}};
      const auto node = c.pods()[owner->index].node;
      return {vnet_port_of_node(node), c.nodes()[node].ip.to_string()};
    };
    // An Azure table as Linux routes (in routing table `table`, empty: main): per prefix, the route
    // Azure selects (User > BGP > System, see preferred_over).
    auto render_table = [&](const net::RouteTable& azure, const std::string& table) {
      std::map<Cidr, std::uint32_t> best;
      for (auto id : azure.ids()) {
        const auto& r = azure.route(id);
        auto [it, fresh] = best.try_emplace(r.prefix, id);
        if (!fresh && net::preferred_over(r, id, azure.route(it->second), it->second)) it->second = id;
      }
      for (auto id : azure.ids()) {
        const auto& r = azure.route(id);
        if (best[r.prefix] != id) continue;
        // A VirtualAppliance route, or a VnetLocal one naming a next hop (overlay: Azure's routing domain
        // knows each node's pod CIDR): via that address's NIC.
        if (r.next_hop.type == NextHopType::VirtualAppliance ||
            (r.next_hop.type == NextHopType::VnetLocal && r.next_hop.ip.value)) {
          const auto [port, via] = port_of_owner(r.next_hop.ip, false);
          if (!port.empty() && via.empty()) {
            v.ipBatch.push_back("route add " + r.prefix.to_string() + " via " + r.next_hop.ip.to_string() + " dev " + port +
                                " onlink" + table);
            continue;
          }
        }
        // VnetLocal / Internet: delivered to the owner of the destination (the /32s below); an address
        // nobody owns is dropped, as are None routes and appliances nobody owns.
        v.ipBatch.push_back("route add blackhole " + r.prefix.to_string() + table);
      }
      // The owners Azure knows, for the addresses whose selected route is VnetLocal or Internet.
      auto owner_route = [&](Ipv4 ip) {
        const auto found = azure.lookup(ip);
        if (!found.found()) return;
        const auto& hop = azure.route(found.route).next_hop;
        const auto type = hop.type;
        if (type != NextHopType::VnetLocal && type != NextHopType::Internet) return;
        if (type == NextHopType::VnetLocal && hop.ip.value) return;  // delivered by its prefix's route above
        const auto [port, via] = port_of_owner(ip, type == NextHopType::Internet);
        if (port.empty()) return;
        v.ipBatch.push_back("route replace " + ip.to_string() + "/32" + (via.empty() ? "" : " via " + via) + " dev " + port +
                            (via.empty() ? "" : " onlink") + table);
      };
      for (const auto& node : c.nodes()) owner_route(node.ip);
      for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
        if (!c.host_network(p)) owner_route(c.pods()[p].ip);
      }
      for (const auto& ext : c.externals()) owner_route(ext.ip);
    };
    // The node subnet's table (with the cluster's UDRs) is the main table; what comes from outside the
    // node subnet (the VM, the internet host, an appliance) is routed as the other subnets' table says,
    // without them. Policy routing (an `ip rule` per external port) does that in general, but custom
    // rules slow every forward of the namespace (the kernel leaves its single-table fast path and
    // validates sources in full), and so does any iptables table but mangle's, which the timing
    // agreement would see. So policy routing is used only for a route table the scenario gives
    // (cluster.vnet.routes); the plugin's own UDRs (kubenet's, to the nodes' pod CIDRs, which the
    // VNet's other subnets cannot reach: Azure's None and Internet routes) become blackhole routes in
    // the external hosts' namespaces (on Azure too a subnet's routes are applied at the sending host).
    render_table(c.azure_route_table(), "");
    if (!c.spec().cluster.vnet.routes.empty()) {
      render_table(c.other_subnet_route_table(), " table " + std::to_string(kOtherSubnetTable));
      for (std::uint32_t e = 0; e < c.externals().size(); ++e) {
        v.ipBatch.push_back("rule add iif " + vnet_port_of_external(e) + " lookup " + std::to_string(kOtherSubnetTable));
      }
    } else {
      const auto& main = c.azure_route_table();
      const auto& other = c.other_subnet_route_table();
      for (auto id : main.ids()) {
        const auto& r = main.route(id);
        if (r.source != net::RouteSource::User) continue;
        const auto found = other.lookup(r.prefix.network());
        const auto type = found.found() ? other.route(found.route).next_hop.type : NextHopType::None;
        // None drops; Internet delivers only to the internet host, whose address is no pod CIDR's.
        if (type != NextHopType::None && type != NextHopType::Internet) {
          throw std::logic_error("a plugin UDR for " + r.prefix.to_string() + " that the VNet's other subnets route " +
                                 std::string(net::to_string(type)) + ": no blackhole renders that");
        }
        for (std::uint32_t e = 0; e < c.externals().size(); ++e) {
          plan.namespaces[plan.externalNs[e]].ipBatch.push_back("route add blackhole " + r.prefix.to_string());
        }
      }
    }
    // A virtual appliance's public IP is reached through it (the internet's replies to its SNAT).
    for (const auto& a : c.appliances()) {
      for (const std::string& table : {std::string(), " table " + std::to_string(kOtherSubnetTable)}) {
        v.ipBatch.push_back("route replace " + a.publicIp.to_string() + "/32 dev " + vnet_port_of_external(a.external) + table);
      }
    }
    v.iptables = "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j TTL --ttl-inc 1\nCOMMIT\n";
  }

  // The cluster's way to the internet: the load balancer's outbound rule (each node's SNAT port block)
  // or a NAT gateway (every port of its public IPs), as SNAT where the cluster's packets arrive at the
  // internet host (nat INPUT), so that the VNet namespace forwards without connection tracking; the
  // kernel reuses a port for different destinations, as Azure does, and translates the replies back
  // as they leave. outboundType none: the cluster's packets are dropped there.
  {
    const auto& egress = c.egress();
    auto& ns = plan.namespaces[plan.externalNs[cluster::kInternetHost]];
    if (egress.kind == cluster::Egress::Kind::LoadBalancer || egress.kind == cluster::Egress::Kind::NatGateway) {
      std::string nat = "*nat\n:INPUT ACCEPT [0:0]\n";
      auto snat = [&](const std::string& source, const cluster::SnatPortBlock& b, const std::string& to_ips) {
        nat += snat_rules("INPUT", "-s " + source, to_ips, b.first, b.last);
      };
      if (egress.kind == cluster::Egress::Kind::LoadBalancer) {
        // A node's first block (a second one, when its ports straddle two IPs, is not rendered: the
        // kernel's SNAT rule takes one range).
        for (cluster::NodeIndex n = 0; n < c.nodes().size() && egress.blocksPerNode > 0; ++n) {
          const auto& b = egress.blocks[n * egress.blocksPerNode];
          if (b.ip != cluster::kNone) snat(c.nodes()[n].ip.to_string() + "/32", b, egress.publicIps[b.ip].to_string());
        }
      } else {
        const std::string ips = egress.publicIps.front().to_string() +
                                (egress.publicIps.size() > 1 ? "-" + egress.publicIps.back().to_string() : "");
        snat(node_subnet.to_string(), egress.blocks.front(), ips);
      }
      ns.iptables = nat + "COMMIT\n";
    } else if (egress.kind == cluster::Egress::Kind::None) {
      ns.iptables = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s " + node_subnet.to_string() + " -j DROP\nCOMMIT\n";
    }
  }

  // Nodes: eth0 with the node IP, the bridge (kubenet) or routed veths (azure), the model's table.
  for (cluster::NodeIndex n = 0; n < c.nodes().size(); ++n) {
    const auto& node = c.nodes()[n];
    auto& ns = plan.namespaces[plan.nodeNs[n]];
    ns.ipBatch.push_back("link set lo up");
    ns.ipBatch.push_back("addr add " + node.ip.to_string() + "/" + std::to_string(node_subnet.length()) +
                         " dev eth0 noprefixroute");
    ns.ipBatch.push_back("link set eth0 up");
    if (kubenet) {
      const std::string bridge(c.plugin().bridge_name());
      ns.ipBatch.push_back("link add " + bridge + " type bridge");
      ns.ipBatch.push_back("addr add " + node.podGateway.to_string() + "/" + std::to_string(node.podCidr->length()) +
                           " dev " + bridge + " noprefixroute");
      ns.ipBatch.push_back("link set " + bridge + " up");
      ns.sysctls.push_back({"bridge/bridge-nf-call-iptables", "1"});
    }
    for (auto p : c.pods_on(n)) {
      if (c.host_network(p)) continue;
      const auto veth = host_veth(c, p);
      ns.ipBatch.push_back("link add " + veth + " type veth peer name eth0 netns " + plan.full_name(plan.podNs[p]));
      if (kubenet) {
        ns.ipBatch.push_back("link set " + veth + " master " + std::string(c.plugin().bridge_name()));
        // kubenet runs the bridge CNI plugin with hairpinMode: a hairpin packet goes back out its port.
        ns.ipBatch.push_back("link set " + veth + " type bridge_slave hairpin on");
      }
      ns.ipBatch.push_back("link set " + veth + " up");
      if (!kubenet) proxy_arp(ns, veth);
    }
    add_kernel_routes(ns, c.node_route_table(n));
    base_sysctls(ns, true);
    ns.iptables = node_iptables(c, n);
  }

  // Pods: eth0 with the pod IP and the model's pod table.
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
    if (c.host_network(p)) continue;
    const auto& pod = c.pods()[p];
    auto& ns = plan.namespaces[plan.podNs[p]];
    const int length = kubenet ? c.nodes()[pod.node].podCidr->length() : 32;
    ns.ipBatch.push_back("link set lo up");
    ns.ipBatch.push_back("addr add " + pod.ip.to_string() + "/" + std::to_string(length) + " dev eth0 noprefixroute");
    ns.ipBatch.push_back("link set eth0 up");
    add_kernel_routes(ns, c.pod_route_table(p));
    base_sysctls(ns, false);
  }

  // External endpoints: their address, and everything on the link to the VNet (which proxy-ARPs).
  for (std::uint32_t e = 0; e < c.externals().size(); ++e) {
    auto& ns = plan.namespaces[plan.externalNs[e]];
    ns.ipBatch.push_back("link set lo up");
    ns.ipBatch.push_back("addr add " + c.externals()[e].ip.to_string() + "/32 dev eth0");
    ns.ipBatch.push_back("link set eth0 up");
    ns.ipBatch.push_back("route add default dev eth0");
    const auto* appliance = [&]() -> const cluster::Appliance* {
      for (const auto& a : c.appliances()) {
        if (a.external == e) return &a;
      }
      return nullptr;
    }();
    base_sysctls(ns, appliance != nullptr);
    if (appliance) {
      // A router: it forwards back into the VNet what it gets, SNATing what leaves the VNet's address
      // space to its public IP (its own, on lo, so that it answers the VNet's ARP for it).
      ns.ipBatch.push_back("addr add " + appliance->publicIp.to_string() + "/32 dev lo");
      std::string nat = "*nat\n:POSTROUTING ACCEPT [0:0]\n";
      for (const auto& space : c.spec().cluster.vnet.addressSpace) {
        nat += "-A POSTROUTING -o eth0 -d " + space.to_string() + " -j RETURN\n";
      }
      nat += snat_rules("POSTROUTING", "-o eth0", appliance->publicIp.to_string(), appliance->firstPort,
                        appliance->lastPort);
      ns.iptables = nat + "COMMIT\n";
    }
  }

  plan.notEmulated = {
      "Azure's SDN itself (VFP, the host agents, ACCELNET/SR-IOV NICs): stood in for by the vnet namespace's Linux routing",
      "the SmartNIC / SR-IOV data path and every cost figure: the kernel here runs on veth pairs, so latencies are this "
      "machine's, not Azure's",
      "Cilium eBPF (not rendered: emulate covers kubenet, azure node subnet and overlay)",
      "the cloud's wire server, IMDS and DNS (their routes are installed, nobody answers)",
  };
  if (kind == cluster::PluginKind::AzureOverlay) {
    plan.notEmulated.push_back(
        "Azure CNI Overlay's routing domain (how Azure's SDN learns and delivers each node's pod CIDR, "
        "without encapsulation): stood in for by the vnet namespace routing each node's pod /24 to that node");
  }
  plan.emulationChoices = {
      "vnet namespace: the Azure route table as Linux routes (VirtualAppliance, and VnetLocal naming a next hop as "
      "overlay's pod CIDRs do -> via that address; other VnetLocal and Internet -> a /32 per owner, else blackhole); "
      "proxy ARP on every port with proxy_delay 0, as Azure answers every ARP at once",
      "vnet namespace: TTL +1 in mangle PREROUTING, because Azure's SDN does not decrement the TTL and Linux forwarding does",
      std::string("kube-proxy ") + std::string(cluster::to_string(c.service_dnat().mode)) +
          " rendered as iptables DNAT chains (random endpoint choice), with kube-proxy's hairpin masquerade (an endpoint "
          "calling its own Service is seen from the node's address; the model has no hairpin rule)" +
          (kubenet ? " and hairpin mode on the cbr0 ports, as kubenet's bridge plugin sets" : ""),
      kubenet ? "kubenet: cbr0 with bridge-nf-call-iptables=1, as kube-proxy requires"
              : std::string(cluster::to_string(kind)) +
                    ": no bridge; proxy ARP (proxy_delay 0) on the host veths answers the pods' gateway 169.254.1.1",
      "external hosts: one address, `default dev eth0`",
  };
  return plan;
}

std::string plan_text(const EmulationPlan& plan) {
  std::string out;
  for (std::uint32_t i = 0; i < plan.namespaces.size(); ++i) {
    const auto& ns = plan.namespaces[i];
    out += "# namespace " + plan.full_name(i) + ": " + ns.role + "\n";
    for (const auto& line : ns.ipBatch) out += "ip -n " + plan.full_name(i) + " " + line + "\n";
    for (const auto& [key, value] : ns.sysctls) out += "sysctl net." + key + "=" + value + "\n";
    if (!ns.iptables.empty()) out += "iptables-restore <<EOF\n" + ns.iptables + "EOF\n";
  }
  return out;
}

}  // namespace cnisim::emulation
