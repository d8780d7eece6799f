#pragma once
// The kinds of device and link a cluster is made of, and the route tables a packet is looked up in.
// The cluster model builds them; a cost profile prices each kind, so the kinds are part of the
// scenario's vocabulary. Adding a kind: add it before the count and give it a key in cost_profile.cpp.
#include <cstddef>
#include <cstdint>

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
};
inline constexpr std::size_t kDeviceKindCount = static_cast<std::size_t>(DeviceKind::InternetHost) + 1;

enum class LinkKind : std::uint8_t {
  PodInterface,  // pod namespace <-> its eth0
  VethPair,      // eth0 in the pod <-> host-side veth
  BridgePort,    // host-side veth <-> bridge (kubenet)
  BridgeToHost,  // bridge <-> node stack (the bridge's own address, cbr0's .1)
  HostRouted,    // host-side veth <-> node stack (routed: Azure CNI transparent, overlay, eBPF)
  NodeNic,       // node stack <-> eth0
  NicToVnet,     // eth0 <-> Azure VNet (accelerated networking or not: the data path decides)
  VnetExternal,  // Azure VNet <-> an external endpoint
};
inline constexpr std::size_t kLinkKindCount = static_cast<std::size_t>(LinkKind::VnetExternal) + 1;

// The route tables a lookup can be made in.
enum class TableKind : std::uint8_t { Pod, Node, Azure, kCount };
inline constexpr std::size_t kTableKindCount = static_cast<std::size_t>(TableKind::kCount);

}  // namespace cnisim::scenario
