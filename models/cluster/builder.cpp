#include "models/cluster/builder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/labels.hpp"
#include "models/cluster/plugin.hpp"
#include "models/cluster/pod_naming.hpp"
#include "models/cluster/scheduler.hpp"
#include "models/net/ipam.hpp"
#include "sim/random.hpp"

namespace cnisim::cluster {
namespace {

void add_nodes(ClusterState& state) {
  std::size_t total = 0;
  for (const auto& pool : state.spec.nodePools) total += pool.count;
  state.nodes.reserve(total);
  for (std::uint32_t p = 0; p < state.spec.nodePools.size(); ++p) {
    const auto& pool = state.spec.nodePools[p];
    for (std::uint32_t i = 0; i < pool.count; ++i) {
      Node node;
      node.name = node_name(state.spec.cluster.name, pool, i);
      node.pool = p;
      node.indexInPool = i;
      node.os = pool.osType;
      node.maxPods = pool.maxPods;
      // A zone-balanced scale set: instance i in the pool's zones in turn (modelled; Azure balances best effort).
      if (!pool.availabilityZones.empty()) node.zone = pool.availabilityZones[i % pool.availabilityZones.size()];
      state.nodes.push_back(std::move(node));
    }
  }
}

void group_pods_by_node(ClusterState& state) {
  state.podsByNodeStart.assign(state.nodes.size() + 1, 0);
  for (const auto& pod : state.pods) ++state.podsByNodeStart[pod.node + 1];
  for (std::size_t n = 0; n < state.nodes.size(); ++n) state.podsByNodeStart[n + 1] += state.podsByNodeStart[n];
  state.podsByNode.resize(state.pods.size());
  std::vector<std::uint32_t> fill(state.podsByNodeStart.begin(), state.podsByNodeStart.end() - 1);
  for (PodIndex p = 0; p < state.pods.size(); ++p) state.podsByNode[fill[state.pods[p].node]++] = p;
}

// NodePorts as kube-apiserver allocates them (KEP-3668, ServiceNodePortStaticSubrange, GA in 1.29): of
// the range's 2,768 ports the lower band, min(max(16, size / 32), 128) of them, is kept for ports the
// Services give; an allocated one starts at a random place in the upper band and takes the first free
// port from there (wrapping), the lower band only when the upper is full. Random from the run's seed.
void allocate_node_ports(ClusterState& state) {
  std::set<std::uint16_t> used;
  for (const auto& s : state.spec.services) {
    for (const auto& port : s.ports) {
      if (port.nodePort) used.insert(port.nodePort);
    }
  }
  const std::uint32_t size = aks::kNodePortLast - aks::kNodePortFirst + 1;
  const std::uint32_t band = std::clamp<std::uint32_t>(size / 32, 16, 128);
  sim::RandomStream random = sim::RandomStreams(state.spec.run.seed).stream("nodePort");
  const auto take = [&](std::uint32_t lo, std::uint32_t hi) -> std::optional<std::uint16_t> {
    const std::uint32_t start = static_cast<std::uint32_t>(random.uniform_below(hi - lo));
    for (std::uint32_t k = 0; k < hi - lo; ++k) {
      const auto port = static_cast<std::uint16_t>(aks::kNodePortFirst + lo + (start + k) % (hi - lo));
      if (used.insert(port).second) return port;
    }
    return std::nullopt;
  };
  for (auto& svc : state.services) {
    const auto& s = state.spec.services[svc.spec];
    if (s.type != ServiceType::NodePort) continue;
    for (const auto& port : s.ports) {
      std::optional<std::uint16_t> p = port.nodePort ? std::optional<std::uint16_t>(port.nodePort) : take(band, size);
      if (!p) p = take(0, band);
      if (!p) {
        throw BuildError("no node port left in " + std::to_string(aks::kNodePortFirst) + "-" +
                         std::to_string(aks::kNodePortLast) + " for Service " + s.namespace_ + "/" + s.name);
      }
      svc.nodePorts.push_back(*p);
    }
  }
}

void add_services(ClusterState& state) {
  const auto& profile = state.spec.cluster.networkProfile;
  const auto& cidr = profile.serviceCidr;
  const net::Ipv4 first = cidr.nth(1);  // the kubernetes Service's address (K8S)
  auto fixed_ip = [&](const ServiceSpec& s) -> std::optional<net::Ipv4> {
    if (s.clusterIP) return s.clusterIP;
    if (s.namespace_ == "default" && s.name == "kubernetes") return first;
    if (s.namespace_ == aks::kKubeSystemNamespace && s.name == "kube-dns") return profile.dnsServiceIP;
    return std::nullopt;
  };
  std::set<std::uint32_t> used;
  for (const auto& s : state.spec.services) {
    if (auto ip = fixed_ip(s)) used.insert(ip->value);
  }
  // The rest as kube-apiserver allocates them (KEP-3070, ServiceIPStaticSubrange, GA in 1.26): the
  // lower band of the range, min(max(16, size / 16), 256) addresses, is kept for static ones; a
  // dynamic one starts at a random place in the upper band and takes the first free address from
  // there (wrapping), and only when the upper band is full the lower. Random from the run's seed.
  const std::uint64_t usable = cidr.size() > 2 ? cidr.size() - 2 : 0;  // without network and broadcast
  const std::uint64_t band = cidr.size() < 16 ? 0 : std::clamp<std::uint64_t>(cidr.size() / 16, 16, 256);
  sim::RandomStream random = sim::RandomStreams(state.spec.run.seed).stream("clusterIP");
  const auto take = [&](std::uint64_t lo, std::uint64_t hi) -> std::optional<net::Ipv4> {
    if (lo >= hi) return std::nullopt;
    const std::uint64_t start = random.uniform_below(hi - lo);
    for (std::uint64_t k = 0; k < hi - lo; ++k) {
      const net::Ipv4 ip = cidr.nth(1 + lo + (start + k) % (hi - lo));
      if (used.insert(ip.value).second) return ip;
    }
    return std::nullopt;
  };
  for (std::uint32_t i = 0; i < state.spec.services.size(); ++i) {
    const auto& s = state.spec.services[i];
    Service svc;
    svc.spec = i;
    if (auto ip = fixed_ip(s)) {
      svc.clusterIP = *ip;
    } else {
      auto dynamic = take(std::min(band, usable), usable);
      if (!dynamic) dynamic = take(0, std::min(band, usable));
      if (!dynamic) {
        throw BuildError("service CIDR " + cidr.to_string() + " has no address left for Service " + s.namespace_ +
                         "/" + s.name + "; use a larger serviceCidr");
      }
      svc.clusterIP = *dynamic;
    }
    for (PodIndex p = 0; p < state.pods.size(); ++p) {
      if (scenario::selects(s.selector, state.spec.workloads[state.pods[p].workload].labels)) svc.endpoints.push_back(p);
    }
    state.services.push_back(std::move(svc));
  }
  allocate_node_ports(state);
}

// The VM stands for "another resource in the VNet": the first /24 of the address space that no
// cluster range uses, at its first usable address; if there is none, the last usable node-subnet address.
net::Ipv4 vnet_vm_address(const ClusterState& state) {
  const auto& vnet = state.spec.cluster.vnet;
  const auto& profile = state.spec.cluster.networkProfile;
  auto in_use = [&](const net::Cidr& c) {
    const bool appliance = std::any_of(vnet.routes.begin(), vnet.routes.end(), [&](const UserRoute& r) {
      return r.nextHopType == net::NextHopType::VirtualAppliance && c.contains(r.nextHopIpAddress);
    });
    return appliance || c.overlaps(vnet.nodeSubnet) || (vnet.podSubnet && c.overlaps(*vnet.podSubnet)) ||
           c.overlaps(profile.podCidr) || c.overlaps(profile.serviceCidr);
  };
  constexpr int kVmSubnetPrefix = 24;
  for (const auto& space : vnet.addressSpace) {
    if (space.length() > kVmSubnetPrefix) continue;
    const std::uint64_t count = std::min<std::uint64_t>(space.subnet_count(kVmSubnetPrefix), 1u << 16);
    for (std::uint64_t i = 0; i < count; ++i) {
      const net::Cidr candidate = space.subnet(kVmSubnetPrefix, i);
      if (!in_use(candidate)) return candidate.nth(net::AzureSubnetAllocator::reserved_at_start());
    }
  }
  return vnet.nodeSubnet.nth(vnet.nodeSubnet.size() - 2);
}

// How the cluster reaches the internet (outboundType): the egress device, its public IPs and, for the
// load balancer, each node's preallocated SNAT ports. Ports of public IP k are numbered from 1,024; a
// node's allocation is its slice of the IPs' ports taken in order, as the outbound rule hands them out.
Egress make_egress(const ScenarioSpec& spec, std::uint64_t nodes) {
  const auto& np = spec.cluster.networkProfile;
  Egress e;
  const net::Cidr range = net::Cidr::parse(aks::kOutboundIpRange);
  auto add_ips = [&](std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) e.publicIps.push_back(range.nth(1 + i));
  };
  constexpr std::int64_t kMinute = 60'000'000'000'000;
  switch (np.outboundType) {
    case OutboundType::LoadBalancer: {
      e.kind = Egress::Kind::LoadBalancer;
      const auto& lb = np.loadBalancerProfile;
      add_ips(lb.managedOutboundIPs);
      e.idleTimeoutPs = lb.idleTimeoutInMinutes * kMinute;
      const std::uint32_t ips = lb.managedOutboundIPs;
      if (lb.allocatedOutboundPorts == 0) {
        // Default allocation: the table's count on every frontend IP, at most 1,024 over all of them.
        e.defaultAllocation = true;
        const std::uint32_t per_ip = std::min(aks::lb_default_snat_ports(nodes), aks::kLbDefaultSnatPortsMaxPerVm / ips);
        e.portsPerNode = per_ip * ips;
        e.blocksPerNode = per_ip == 0 ? 0 : ips;
        for (std::uint64_t n = 0; n < nodes && per_ip > 0; ++n) {
          for (std::uint32_t ip = 0; ip < ips; ++ip) {
            const auto first = static_cast<std::uint16_t>(aks::kSnatFirstPort + n * per_ip);
            e.blocks.push_back({ip, first, static_cast<std::uint16_t>(first + per_ip - 1)});
          }
        }
      } else {
        // allocatedOutboundPorts per VM, over the IPs' ports in order (validation checked they suffice;
        // a slice may straddle two IPs).
        const std::uint32_t per_node = lb.allocatedOutboundPorts;
        e.portsPerNode = per_node;
        e.blocksPerNode = 2;
        for (std::uint64_t n = 0; n < nodes; ++n) {
          const std::uint64_t start = n * per_node, end = start + per_node;  // [start, end) over all IPs
          const std::uint64_t ip0 = start / aks::kSnatPortsPerFrontendIp;
          const std::uint64_t split = std::min(end, (ip0 + 1) * aks::kSnatPortsPerFrontendIp);
          auto block = [&](std::uint64_t from, std::uint64_t to) -> SnatPortBlock {
            if (to <= from || from / aks::kSnatPortsPerFrontendIp >= ips) return {kNone, 0, 0};
            const std::uint64_t ip = from / aks::kSnatPortsPerFrontendIp;
            const std::uint64_t off = from % aks::kSnatPortsPerFrontendIp;
            return {static_cast<std::uint32_t>(ip), static_cast<std::uint16_t>(aks::kSnatFirstPort + off),
                    static_cast<std::uint16_t>(aks::kSnatFirstPort + off + (to - from) - 1)};
          };
          e.blocks.push_back(block(start, split));
          e.blocks.push_back(block(split, end));
        }
      }
      break;
    }
    case OutboundType::ManagedNATGateway:
    case OutboundType::UserAssignedNATGateway: {
      e.kind = Egress::Kind::NatGateway;
      add_ips(np.natGatewayProfile.managedOutboundIPs);
      e.idleTimeoutPs = np.natGatewayProfile.idleTimeoutInMinutes * kMinute;
      for (std::uint32_t ip = 0; ip < e.publicIps.size(); ++ip) {
        e.blocks.push_back({ip, aks::kSnatFirstPort,
                            static_cast<std::uint16_t>(aks::kSnatFirstPort + aks::kNatGatewayPortsPerIp - 1)});
      }
      break;
    }
    case OutboundType::UserDefinedRouting:
      e.kind = Egress::Kind::Direct;
      break;
    case OutboundType::None:
      e.kind = Egress::Kind::None;
      break;
  }
  return e;
}

void add_devices(ClusterState& state, const Plugin& plugin) {
  std::size_t pod_devices = 0;
  for (const auto& pod : state.pods) pod_devices += state.spec.workloads[pod.workload].hostNetwork ? 0 : 3;
  state.devices.reserve(4 + 3 * state.nodes.size() + pod_devices);

  state.vnetRouter = state.add_device(DeviceKind::VnetRouter);
  state.externals.push_back({"vm-in-vnet", vnet_vm_address(state), kNone});
  state.externals.push_back({"internet-host", net::Ipv4::parse(kInternetHostIp), kNone});
  for (std::uint32_t e = 0; e < state.externals.size(); ++e) {
    const auto kind = e == kVnetVm ? DeviceKind::ExternalVm : DeviceKind::InternetHost;
    state.externals[e].device = state.add_device(kind, kNone, e);
    state.add_link(state.vnetRouter, state.externals[e].device, LinkKind::VnetExternal);
  }
  // The virtual appliances the node subnet's routes name (a firewall), each once, after the VM and
  // the internet host.
  for (const auto& route : state.spec.cluster.vnet.routes) {
    if (route.nextHopType != net::NextHopType::VirtualAppliance) continue;
    const bool known = std::any_of(state.appliances.begin(), state.appliances.end(), [&](const Appliance& a) {
      return state.externals[a.external].ip == route.nextHopIpAddress;
    });
    if (known) continue;
    const auto k = static_cast<std::uint32_t>(state.appliances.size());
    const auto e = static_cast<std::uint32_t>(state.externals.size());
    state.externals.push_back({k == 0 ? "virtual-appliance" : "virtual-appliance-" + std::to_string(k + 1),
                               route.nextHopIpAddress, kNone});
    state.externals[e].device = state.add_device(DeviceKind::VirtualAppliance, kNone, e);
    state.add_link(state.vnetRouter, state.externals[e].device, LinkKind::VnetExternal);
    const std::uint32_t ports = aks::kFirewallSnatPortsPerIpPerInstance * aks::kFirewallMinInstances;
    state.appliances.push_back({e, net::Cidr::parse(aks::kOutboundIpRange).nth(aks::kFirewallFirstPublicHost + k),
                                aks::kSnatFirstPort, static_cast<std::uint16_t>(aks::kSnatFirstPort + ports - 1)});
  }
  state.egress = make_egress(state.spec, state.nodes.size());
  if (state.egress.kind == Egress::Kind::LoadBalancer || state.egress.kind == Egress::Kind::NatGateway) {
    state.egress.device = state.add_device(
        state.egress.kind == Egress::Kind::LoadBalancer ? DeviceKind::LoadBalancer : DeviceKind::NatGateway);
    state.add_link(state.vnetRouter, state.egress.device, LinkKind::VnetEgress);
    state.add_link(state.egress.device, state.externals[kInternetHost].device, LinkKind::VnetExternal);
  }
  for (NodeIndex n = 0; n < state.nodes.size(); ++n) {
    state.nodes[n].stack = state.add_device(DeviceKind::NodeStack, n);
    state.nodes[n].nic = state.add_device(DeviceKind::Nic, n);
    state.add_link(state.nodes[n].stack, state.nodes[n].nic, LinkKind::NodeNic);
    state.add_link(state.nodes[n].nic, state.vnetRouter, LinkKind::NicToVnet);
    state.nodes[n].podAttach = plugin.add_node_devices(state, n);
  }
  // Availability zones: a zone-crossing device for each ordered pair of zones with nodes, between the
  // VNet and the NICs of the far zone's nodes (Azure's network between the zones' datacenters).
  std::array<bool, 4> used{};
  for (const auto& node : state.nodes) used[node.zone] = node.zone != 0;
  for (std::uint8_t a = 1; a < 4; ++a) {
    for (std::uint8_t b = 1; b < 4; ++b) {
      if (a == b || !used[a] || !used[b]) continue;
      const DeviceId crossing = state.add_device(DeviceKind::ZoneCrossing, kNone, a * 4u + b);
      state.zoneCrossings[a][b] = crossing;
      state.add_link(state.vnetRouter, crossing, LinkKind::VnetZone);
      for (const auto& node : state.nodes) {
        // The last stretch is the far NIC's own wire, as from the VNet within a zone.
        if (node.zone == b) state.add_link(crossing, node.nic, LinkKind::NicToVnet);
      }
    }
  }
  for (PodIndex p = 0; p < state.pods.size(); ++p) {
    auto& pod = state.pods[p];
    const auto& node = state.nodes[pod.node];
    if (state.spec.workloads[pod.workload].hostNetwork) {
      pod.netns = node.stack;
      continue;
    }
    pod.netns = state.add_device(DeviceKind::PodNamespace, pod.node, p);
    pod.vethPod = state.add_device(DeviceKind::VethPodEnd, pod.node, p);
    pod.vethHost = state.add_device(DeviceKind::VethHostEnd, pod.node, p);
    state.add_link(pod.netns, pod.vethPod, LinkKind::PodInterface);
    state.add_link(pod.vethPod, pod.vethHost, LinkKind::VethPair);
    const bool bridged = state.devices[node.podAttach].kind == DeviceKind::Bridge;
    state.add_link(pod.vethHost, node.podAttach, bridged ? LinkKind::BridgePort : LinkKind::HostRouted);
  }
}

void add_azure_system_routes(const ClusterState& state, net::RouteTable& azure) {
  auto system = [&](net::Cidr prefix, net::NextHopType type, std::string name) {
    net::Route r;
    r.prefix = prefix;
    r.next_hop = net::NextHop{type, {}, {}};
    r.source = net::RouteSource::System;
    r.name = std::move(name);
    azure.insert(r);
  };
  for (const auto& space : state.spec.cluster.vnet.addressSpace) {
    system(space, net::NextHopType::VnetLocal, "VNet address space");
  }
  system(net::Cidr(), net::NextHopType::Internet, "Default internet route");
  for (const auto range : aks::kAzureSystemNoneRoutes) {
    system(net::Cidr::parse(range), net::NextHopType::None, "Azure reserved private range");
  }
}

void add_route_tables(ClusterState& state, const Plugin& plugin, net::RouteTableKind kind) {
  state.azureRoutes = net::make_route_table(kind);
  add_azure_system_routes(state, *state.azureRoutes);
  // The node subnet's own route table (a bring-your-own VNet's), to which kubenet adds its UDRs.
  for (const auto& user : state.spec.cluster.vnet.routes) {
    net::Route r;
    r.prefix = user.addressPrefix;
    r.next_hop = net::NextHop{user.nextHopType, user.nextHopType == net::NextHopType::VirtualAppliance ? user.nextHopIpAddress
                                                                                                       : net::Ipv4{},
                              {}};
    r.source = net::RouteSource::User;
    r.name = user.name;
    state.azureRoutes->insert(r);
  }
  plugin.add_cloud_routes(state, *state.azureRoutes);
  // A route table is associated with subnets (AZDOCS virtual-networks-udr-overview): the cluster's
  // UDRs apply to traffic leaving the node subnet, not to the VM's subnet, which has none.
  state.otherSubnetRoutes = net::make_route_table(kind);
  for (const auto id : state.azureRoutes->ids()) {
    const net::Route& r = state.azureRoutes->route(id);
    if (r.source != net::RouteSource::User) state.otherSubnetRoutes->insert(r);
  }
  state.nodeRoutes.reserve(state.nodes.size());
  state.podRoutes.reserve(state.nodes.size());
  for (NodeIndex n = 0; n < state.nodes.size(); ++n) {
    state.nodeRoutes.push_back(net::make_route_table(kind));
    plugin.add_node_routes(state, n, *state.nodeRoutes.back());
    state.podRoutes.push_back(net::make_route_table(kind));
    plugin.add_pod_routes(state, n, *state.podRoutes.back());
  }
}

void add_nat(ClusterState& state, const Plugin& plugin) {
  state.masquerade = plugin.masquerade(state);
  auto& dnat = state.serviceDnat;
  dnat.mode = plugin.service_proxy(state.spec);
  dnat.implementedBy = kube_proxy_description(dnat.mode);
  // A Service port's rule, the parts its ClusterIP and NodePort rules share.
  const auto rule_for = [&](ServiceIndex s, const ServicePort& port) {
    const auto& spec = state.spec.services[state.services[s].spec];
    ServicePortRule rule;
    rule.service = s;
    rule.protocol = protocol_from_string(port.protocol);
    rule.targetPort = port.targetPort ? port.targetPort : port.port;
    rule.affinityPs = spec.affinityClientIP ? sim::seconds(spec.affinityTimeoutSeconds).ps() : 0;
    return rule;
  };
  for (ServiceIndex s = 0; s < state.services.size(); ++s) {
    const auto& spec = state.spec.services[state.services[s].spec];
    for (const auto& port : spec.ports) {
      ServicePortRule rule = rule_for(s, port);
      rule.clusterIP = state.services[s].clusterIP;
      rule.port = port.port;
      rule.localOnly = spec.internalTrafficPolicy == scenario::TrafficPolicy::Local;
      dnat.add(rule);
    }
  }
  // KUBE-NODEPORTS, after every ClusterIP rule.
  for (ServiceIndex s = 0; s < state.services.size(); ++s) {
    const auto& spec = state.spec.services[state.services[s].spec];
    for (std::size_t k = 0; k < state.services[s].nodePorts.size(); ++k) {
      ServicePortRule rule = rule_for(s, spec.ports[k]);
      rule.kind = ServicePortRule::Kind::NodePort;
      rule.port = state.services[s].nodePorts[k];
      rule.localOnly = spec.externalTrafficPolicy == scenario::TrafficPolicy::Local;
      rule.masquerade = !rule.localOnly;
      dnat.add(rule);
    }
  }
}

}  // namespace

Cluster build_cluster(const ScenarioSpec& spec, const BuildOptions& options) {
  ClusterState state;
  state.spec = spec;
  state.plugin = plugin_for(spec);
  const Plugin& plugin = *state.plugin;
  spdlog::debug("building cluster {} with plugin {}", spec.cluster.name, plugin.summary());
  try {
    add_nodes(state);
    state.nodeSubnetGateway = spec.cluster.vnet.nodeSubnet.nth(aks::kSubnetGatewayHostIndex);
    plugin.assign_node_addresses(state);
    schedule_pods(state);
    group_pods_by_node(state);
    for (auto& pod : state.pods) {
      if (spec.workloads[pod.workload].hostNetwork) pod.ip = state.nodes[pod.node].ip;
    }
    plugin.assign_pod_addresses(state);
    add_services(state);
    add_devices(state, plugin);
    add_route_tables(state, plugin, options.routeTableKind);
    add_nat(state, plugin);
    if (options.edit) options.edit(state);
  } catch (const net::ExhaustedError& e) {
    throw BuildError(std::string("cannot build cluster ") + spec.cluster.name + ": " + e.what());
  } catch (const SchedulingError& e) {
    throw BuildError(std::string("cannot build cluster ") + spec.cluster.name + ": " + e.what());
  }
  spdlog::debug("built {} nodes, {} pods, {} services, {} devices", state.nodes.size(), state.pods.size(),
                state.services.size(), state.devices.size());
  return Cluster(std::move(state));
}

}  // namespace cnisim::cluster
