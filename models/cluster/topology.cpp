#include "models/cluster/topology.hpp"

#include <boost/graph/graphviz.hpp>

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

namespace {

std::string_view shape_of(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::PodNamespace: return "ellipse";
    case DeviceKind::VethPodEnd:
    case DeviceKind::VethHostEnd: return "circle";
    case DeviceKind::Bridge: return "hexagon";
    case DeviceKind::NodeStack: return "box";
    case DeviceKind::Nic: return "diamond";
    case DeviceKind::VnetRouter: return "doubleoctagon";
    case DeviceKind::ExternalVm:
    case DeviceKind::InternetHost: return "house";
  }
  return "box";
}

}  // namespace

void write_dot(std::ostream& out, const TopologyGraph& graph, const std::function<std::string(DeviceId)>& name,
               const std::function<DeviceKind(DeviceId)>& kind) {
  // write_graphviz quotes label values itself (escaping included).
  auto vertex_writer = [&](std::ostream& os, std::size_t v) {
    const auto id = static_cast<DeviceId>(v);
    os << "[label=" << boost::escape_dot_string(name(id)) << ", shape=" << shape_of(kind(id))
       << ", kind=" << boost::escape_dot_string(std::string(to_string(kind(id)))) << "]";
  };
  auto edge_writer = [&](std::ostream& os, const TopologyGraph::edge_descriptor& e) {
    os << "[kind=" << boost::escape_dot_string(std::string(to_string(graph[e].kind))) << "]";
  };
  auto graph_writer = [](std::ostream& os) { os << "rankdir=LR;\n"; };
  boost::write_graphviz(out, graph, vertex_writer, edge_writer, graph_writer);
}

}  // namespace cnisim::cluster
