// `cnisim graph`: the topology as Graphviz DOT, drawn to be read: a box (a Graphviz cluster) per node
// holding its stack, NIC, bridge, veths and pods; small shapes with short labels (the full name is the
// tooltip), a colour per device kind, the VNet router in the middle with half of the nodes on each side
// of it, short link-kind labels on the edges, and a legend of the kinds present. Written by Boost.Graph's
// write_graphviz over a boost::subgraph (attributes and escaping by the library).
#include <array>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/subgraph.hpp>
#include <deque>
#include <map>
#include <set>
#include <sstream>

#include "models/cluster/views.hpp"

namespace cnisim::cluster {
namespace {

using Attributes = std::map<std::string, std::string>;
using DotGraph = boost::subgraph<boost::adjacency_list<
    boost::vecS, boost::vecS, boost::undirectedS, boost::property<boost::vertex_attribute_t, Attributes>,
    boost::property<boost::edge_index_t, int, boost::property<boost::edge_attribute_t, Attributes>>,
    boost::property<boost::graph_name_t, std::string,
                    boost::property<boost::graph_graph_attribute_t, Attributes,
                                    boost::property<boost::graph_vertex_attribute_t, Attributes,
                                                    boost::property<boost::graph_edge_attribute_t, Attributes>>>>>>;

std::string_view short_link(LinkKind kind) { return scenario::info(kind).dot_label; }

// A pod's name without the ReplicaSet hash: nginx-c7vhv85b8x-p6zzt -> nginx-p6zzt.
std::string short_pod_name(const std::string& name) {
  const auto last = name.rfind('-');
  if (last == std::string::npos || last == 0) return name;
  const auto before = name.rfind('-', last - 1);
  if (before == std::string::npos) return name;
  return name.substr(0, before) + name.substr(last);
}

std::string short_label(const Cluster& c, DeviceId id) {
  const Device& d = c.devices()[id];
  switch (d.kind) {
    case DeviceKind::PodNamespace: return short_pod_name(c.pod_name(d.pod)) + "\\n" + c.pods()[d.pod].ip.to_string();
    case DeviceKind::VethPodEnd: return "eth0";
    case DeviceKind::VethHostEnd: {
      const auto full = c.device_name(id);
      const auto colon = full.rfind(':');
      const auto name = colon == std::string::npos ? full : full.substr(colon + 1);
      return name.size() > 8 ? name.substr(0, 8) : name;
    }
    case DeviceKind::Bridge: return std::string(c.plugin().bridge_name());
    case DeviceKind::VxlanDevice:
    case DeviceKind::IpipDevice: return std::string(c.plugin().tunnel_name());
    case DeviceKind::ZoneCrossing: return "zone " + std::to_string(d.pod / 4) + " to " + std::to_string(d.pod % 4);
    case DeviceKind::NodeStack: return "node" + std::to_string(d.node) + "\\n" + c.nodes()[d.node].ip.to_string();
    case DeviceKind::Nic: return "eth0";
    case DeviceKind::VnetRouter: return "VNet\\n" + c.spec().cluster.vnet.name;
    case DeviceKind::ExternalVm:
    case DeviceKind::InternetHost:
    case DeviceKind::VirtualAppliance: return c.externals()[d.pod].name + "\\n" + c.externals()[d.pod].ip.to_string();
    case DeviceKind::LoadBalancer:
    case DeviceKind::NatGateway: {
      std::string label = d.kind == DeviceKind::LoadBalancer ? "load balancer\\noutbound SNAT" : "NAT gateway";
      for (const auto& ip : c.egress().publicIps) label += "\\n" + ip.to_string();
      return label;
    }
  }
  return "?";
}

}  // namespace

std::string view_graph(const Cluster& c, const std::vector<DeviceId>& path) {
  constexpr const char* kPathColour = "#d62728";
  std::set<DeviceId> on_path(path.begin(), path.end());
  std::set<std::pair<DeviceId, DeviceId>> path_links;
  for (std::size_t i = 1; i < path.size(); ++i) {
    path_links.emplace(std::min(path[i - 1], path[i]), std::max(path[i - 1], path[i]));
  }
  const auto& topo = c.topology();
  const std::size_t n = boost::num_vertices(topo);
  DotGraph root(n);
  boost::get_property(root, boost::graph_name) = "topology";
  auto& graph_attr = boost::get_property(root, boost::graph_graph_attribute);
  graph_attr = {{"rankdir", "TB"}, {"nodesep", "0.08"}, {"ranksep", "0.25"}, {"fontname", "Helvetica"},
                {"fontsize", "10"}, {"label", c.spec().cluster.name + " (" + c.plugin_label() + ")"},
                {"labelloc", "t"}};
  boost::get_property(root, boost::graph_vertex_attribute) = {
      {"fontname", "Helvetica"}, {"fontsize", "8"}, {"style", "filled"}, {"margin", "0.03,0.01"},
      {"width", "0.3"}, {"height", "0.2"}, {"penwidth", "0.6"}};
  boost::get_property(root, boost::graph_edge_attribute) = {
      {"fontname", "Helvetica"}, {"fontsize", "6"}, {"penwidth", "0.6"}, {"fontcolor", "#555555"}};

  // Distance from the VNet router: every edge is written from the device nearer the router to the
  // farther one (or the reverse), which is what Graphviz ranks by.
  DeviceId vnet = kNone;
  for (DeviceId id = 0; id < n; ++id) {
    if (c.devices()[id].kind == DeviceKind::VnetRouter) vnet = id;
  }
  std::vector<std::uint32_t> depth(n, kNone);
  if (vnet != kNone) {
    std::deque<DeviceId> queue{vnet};
    depth[vnet] = 0;
    while (!queue.empty()) {
      const auto v = queue.front();
      queue.pop_front();
      for (auto [it, end] = boost::adjacent_vertices(v, topo); it != end; ++it) {
        if (depth[*it] == kNone) {
          depth[*it] = depth[v] + 1;
          queue.push_back(static_cast<DeviceId>(*it));
        }
      }
    }
  }
  // The first half of the nodes above the router, the rest below it.
  const std::size_t above = (c.nodes().size() + 1) / 2;
  auto above_router = [&](DeviceId id) {
    const auto& d = c.devices()[id];
    return d.node != kNone && d.node < above;
  };

  std::vector<DotGraph*> node_box(c.nodes().size());
  for (NodeIndex i = 0; i < c.nodes().size(); ++i) {
    auto& box = root.create_subgraph();
    boost::get_property(box, boost::graph_name) = "cluster_node" + std::to_string(i);
    boost::get_property(box, boost::graph_graph_attribute) = {
        {"label", c.nodes()[i].name}, {"style", "rounded"}, {"color", "#888888"}, {"fontsize", "8"},
        {"labeljust", "l"}};
    node_box[i] = &box;
  }
  std::array<bool, kDeviceKindCount> kind_present{};
  for (DeviceId id = 0; id < n; ++id) {
    const Device& d = c.devices()[id];
    const auto& style = scenario::info(d.kind);
    kind_present[static_cast<std::size_t>(d.kind)] = true;
    auto& attr = boost::get(boost::vertex_attribute, root)[id];
    attr = {{"label", short_label(c, id)}, {"tooltip", c.device_name(id)}, {"shape", std::string(style.dot_shape)},
            {"fillcolor", std::string(style.dot_fill)}};
    if (on_path.count(id)) {
      attr["color"] = kPathColour;
      attr["penwidth"] = "2";
    }
    if (d.node != kNone) boost::add_vertex(id, *node_box[d.node]);
  }
  for (auto [it, end] = boost::edges(topo); it != end; ++it) {
    auto u = static_cast<DeviceId>(boost::source(*it, topo));
    auto v = static_cast<DeviceId>(boost::target(*it, topo));
    // Below the router: nearer first; above it: farther first.
    const bool nearer_first = !(above_router(u) || above_router(v));
    if ((depth[u] > depth[v]) == nearer_first) std::swap(u, v);
    auto e = boost::add_edge(u, v, root).first;
    auto& edge_attr = boost::get(boost::edge_attribute, root)[e];
    const auto label = short_link(topo[*it].kind);
    if (!label.empty()) edge_attr["label"] = std::string(label);
    if (path_links.count({std::min(u, v), std::max(u, v)})) {
      edge_attr["color"] = kPathColour;
      edge_attr["penwidth"] = "2.5";
    }
  }

  // Legend: one entry per kind present, in a row.
  auto& legend = root.create_subgraph();
  boost::get_property(legend, boost::graph_name) = "cluster_legend";
  boost::get_property(legend, boost::graph_graph_attribute) = {
      {"label", "legend"}, {"fontsize", "8"}, {"color", "#bbbbbb"}, {"rank", "sink"}};
  DotGraph::vertex_descriptor previous = DotGraph::null_vertex();
  for (std::size_t k = 0; k < kDeviceKindCount; ++k) {
    if (!kind_present[k]) continue;
    const auto v = boost::add_vertex(root);
    boost::get(boost::vertex_attribute, root)[v] = {
        {"label", std::string(scenario::kDeviceKinds[k].dot_legend)}, {"shape", std::string(scenario::kDeviceKinds[k].dot_shape)},
        {"fillcolor", std::string(scenario::kDeviceKinds[k].dot_fill)}, {"tooltip", std::string(scenario::kDeviceKinds[k].name)}};
    boost::add_vertex(v, legend);
    if (previous != DotGraph::null_vertex()) {
      auto e = boost::add_edge(previous, v, root).first;
      boost::get(boost::edge_attribute, root)[e]["style"] = "invis";
    }
    previous = v;
  }
  std::ostringstream out;
  boost::write_graphviz(out, root);
  return out.str();
}

}  // namespace cnisim::cluster
