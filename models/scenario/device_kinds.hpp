#pragma once
// The kinds of device and link a cluster is made of, and the route tables a packet is looked up in.
// The cluster model builds them; a cost profile prices each kind, so the kinds are part of the
// scenario's vocabulary.
//
// Everything said of a kind lives in one table row here: its name in results and views, its key in a
// cost profile, its words in a trace, how the graph draws it. Adding a kind: add it last in the enum
// (the count names the last), give it a row (the static_assert below checks there is one, in order),
// and a serve step in models/dataplane/devices/ (dispatched in models/dataplane/network.cpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cnisim::scenario {

enum class DeviceKind : std::uint8_t {
  PodNamespace,  // a pod's network namespace (its own stack)
  VethPodEnd,    // eth0 inside the pod
  VethHostEnd,   // the pod's veth on the node (vethXXXX, azvXXXX, lxcXXXX)
  Bridge,        // kubenet's cbr0 (or a generic bridge)
  NodeStack,     // the node's root-namespace stack (routing, netfilter)
  Nic,           // the node's eth0 (Azure NIC)
  VnetRouter,    // Azure's SDN: the VNet's routing, including the route table
  ExternalVm,    // a VM elsewhere in the VNet
  InternetHost,  // a host on the internet
  LoadBalancer,  // the cluster load balancer's outbound rule: SNAT to its frontend IPs (outboundType loadBalancer)
  NatGateway,    // a NAT gateway on the node subnet
  VirtualAppliance,  // a firewall / NVA a user route names
  VxlanDevice,       // a bring-your-own CNI's VXLAN device on a node (flannel.1, vxlan.calico, cilium_vxlan)
  IpipDevice,        // Calico's IPIP device on a node (tunl0)
  ZoneCrossing,      // Azure's network between two availability zones, one way (keep last, or move the count)
};
inline constexpr std::size_t kDeviceKindCount = static_cast<std::size_t>(DeviceKind::ZoneCrossing) + 1;

struct DeviceKindInfo {
  DeviceKind kind;
  std::string_view name;      // in results, metrics, views and reports: "pod-netns"
  std::string_view cost_key;  // under a cost profile's `devices:`: "podNamespace"
  std::string_view words;     // in a trace, after the device's name
  std::string_view dot_shape;   // Graphviz node shape in `cnisim graph`
  std::string_view dot_fill;    // its fill (Okabe-Ito, lightened: colour-blind safe)
  std::string_view dot_legend;  // the legend's words
  bool captured;                // a capture point of `--pcap` (an interface tcpdump could listen on)
};

inline constexpr std::array<DeviceKindInfo, kDeviceKindCount> kDeviceKinds{{
    {DeviceKind::PodNamespace, "pod-netns", "podNamespace", "the pod's network namespace", "box", "#cfe8f7",
     "pod (its network namespace)", false},
    {DeviceKind::VethPodEnd, "veth-pod", "vethPodEnd", "veth, pod end (eth0 in the pod)", "ellipse", "#fde2b8",
     "veth, pod end (eth0)", true},
    {DeviceKind::VethHostEnd, "veth-host", "vethHostEnd", "veth, host end", "ellipse", "#f9c784",
     "veth, host end", false},
    {DeviceKind::Bridge, "bridge", "bridge", "Linux bridge", "hexagon", "#c9ecd9", "bridge (cbr0)", true},
    {DeviceKind::NodeStack, "node-stack", "nodeStack", "the node's network stack (root namespace)", "box",
     "#e0e0e0", "node stack (root namespace)", false},
    {DeviceKind::Nic, "nic", "nic", "the node's NIC (eth0)", "diamond", "#f5c6d9", "node NIC (eth0)", true},
    {DeviceKind::VnetRouter, "vnet-router", "vnetRouter", "Azure VNet (SDN routing)", "doubleoctagon",
     "#d6ccf0", "Azure VNet (SDN router)", true},
    {DeviceKind::ExternalVm, "vm", "externalVm", "a VM in the VNet", "house", "#f0e6a8", "VM in the VNet", false},
    {DeviceKind::InternetHost, "internet-host", "internetHost", "a host on the internet", "house", "#f3d6b0",
     "internet host", false},
    {DeviceKind::LoadBalancer, "load-balancer", "loadBalancerOutbound",
     "Azure Load Balancer outbound rule (SNAT to its frontend IP)", "trapezium", "#b8d8e8", "load balancer (outbound SNAT)",
     false},
    {DeviceKind::NatGateway, "nat-gateway", "natGateway", "Azure NAT gateway (SNAT to its public IP)", "trapezium",
     "#b8e0d0", "NAT gateway", false},
    {DeviceKind::VirtualAppliance, "virtual-appliance", "virtualAppliance",
     "a virtual appliance (a firewall: forwards, SNATs the internet's to its public IP)", "octagon", "#f0c8a0",
     "virtual appliance (firewall)", false},
    {DeviceKind::VxlanDevice, "vxlan", "vxlan",
     "VXLAN device (encapsulates in UDP to the far node, or decapsulates)", "cds", "#e8d0f0", "VXLAN tunnel device",
     true},
    {DeviceKind::IpipDevice, "ipip", "ipip", "IPIP device (encapsulates in an outer IP header, or decapsulates)", "cds",
     "#f0d8e8", "IPIP tunnel device", true},
    {DeviceKind::ZoneCrossing, "zone-crossing", "zoneCrossing",
     "Azure's network from one availability zone to another", "larrow", "#d0e0f0", "between availability zones", false},
}};

constexpr const DeviceKindInfo& info(DeviceKind kind) { return kDeviceKinds[static_cast<std::size_t>(kind)]; }

enum class LinkKind : std::uint8_t {
  PodInterface,  // pod namespace <-> its eth0
  VethPair,      // eth0 in the pod <-> host-side veth
  BridgePort,    // host-side veth <-> bridge (kubenet)
  BridgeToHost,  // bridge <-> node stack (the bridge's own address, cbr0's .1)
  HostRouted,    // host-side veth <-> node stack (routed: Azure CNI transparent, overlay, eBPF)
  NodeNic,       // node stack <-> eth0
  NicToVnet,     // eth0 <-> Azure VNet (accelerated networking or not: the data path decides)
  VnetExternal,  // Azure VNet <-> an external endpoint (or the egress device <-> the internet)
  VnetEgress,    // Azure VNet <-> the load balancer's outbound rule or the NAT gateway
  TunnelToHost,  // a tunnel device (VXLAN, IPIP) <-> its node's stack
  VnetZone,      // Azure VNet <-> a zone crossing (which reaches the far zone's NICs by their nic-vnet wire) (keep last)
};
inline constexpr std::size_t kLinkKindCount = static_cast<std::size_t>(LinkKind::VnetZone) + 1;

struct LinkKindInfo {
  LinkKind kind;
  std::string_view name;       // in results, metrics and reports: "veth-pair"
  std::string_view cost_key;   // under a cost profile's `links:`: "vethPair"
  std::string_view dot_label;  // the edge's label in `cnisim graph` (empty: none)
};

inline constexpr std::array<LinkKindInfo, kLinkKindCount> kLinkKinds{{
    {LinkKind::PodInterface, "pod-interface", "podInterface", ""},
    {LinkKind::VethPair, "veth-pair", "vethPair", "veth"},
    {LinkKind::BridgePort, "bridge-port", "bridgePort", "port"},
    {LinkKind::BridgeToHost, "bridge-host", "bridgeToHost", "cbr0 IP"},
    {LinkKind::HostRouted, "host-routed", "hostRouted", "routed"},
    {LinkKind::NodeNic, "node-nic", "nodeNic", ""},
    {LinkKind::NicToVnet, "nic-vnet", "nicToVnet", "VNet"},
    {LinkKind::VnetExternal, "vnet-external", "vnetExternal", "VNet"},
    {LinkKind::VnetEgress, "vnet-egress", "vnetEgress", "egress"},
    {LinkKind::TunnelToHost, "tunnel-host", "tunnelToHost", "tunnel"},
    {LinkKind::VnetZone, "vnet-zone", "vnetZone", "zones"},
}};

constexpr const LinkKindInfo& info(LinkKind kind) { return kLinkKinds[static_cast<std::size_t>(kind)]; }

// Each row sits at its kind's index, so info(kind) is an array access.
constexpr bool rows_in_order() {
  for (std::size_t i = 0; i < kDeviceKindCount; ++i) {
    if (static_cast<std::size_t>(kDeviceKinds[i].kind) != i || kDeviceKinds[i].name.empty()) return false;
  }
  for (std::size_t i = 0; i < kLinkKindCount; ++i) {
    if (static_cast<std::size_t>(kLinkKinds[i].kind) != i || kLinkKinds[i].name.empty()) return false;
  }
  return true;
}
static_assert(rows_in_order(), "one row per device and link kind, in the enums' order");

// The route tables a lookup can be made in.
enum class TableKind : std::uint8_t { Pod, Node, Azure, kCount };
inline constexpr std::size_t kTableKindCount = static_cast<std::size_t>(TableKind::kCount);

}  // namespace cnisim::scenario
