#include "models/cluster/topology.hpp"

namespace cnisim::cluster {

std::string_view to_string(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::PodNamespace: return "pod-netns";
    case DeviceKind::VethPodEnd: return "veth-pod";
    case DeviceKind::VethHostEnd: return "veth-host";
    case DeviceKind::Bridge: return "bridge";
    case DeviceKind::NodeStack: return "node-stack";
    case DeviceKind::Nic: return "nic";
    case DeviceKind::VnetRouter: return "vnet-router";
    case DeviceKind::ExternalVm: return "vm";
    case DeviceKind::InternetHost: return "internet-host";
  }
  return "?";
}

std::string_view to_string(LinkKind kind) {
  switch (kind) {
    case LinkKind::PodInterface: return "pod-interface";
    case LinkKind::VethPair: return "veth-pair";
    case LinkKind::BridgePort: return "bridge-port";
    case LinkKind::BridgeToHost: return "bridge-host";
    case LinkKind::HostRouted: return "host-routed";
    case LinkKind::NodeNic: return "node-nic";
    case LinkKind::NicToVnet: return "nic-vnet";
    case LinkKind::VnetExternal: return "vnet-external";
  }
  return "?";
}

}  // namespace cnisim::cluster
