#include "models/cluster/cluster.hpp"

#include <algorithm>

#include "models/cluster/plugin.hpp"
#include "models/cluster/pod_naming.hpp"
#include "models/scenario/byo_cni_facts.hpp"

namespace cnisim::cluster {

DeviceId ClusterState::add_device(DeviceKind kind, NodeIndex node, PodIndex pod) {
  const auto id = static_cast<DeviceId>(devices.size());
  devices.push_back(Device{kind, node, pod});
  const auto v = boost::add_vertex(*topology);
  if (v != id) throw std::logic_error("topology vertex and device ids diverged");
  return id;
}

void ClusterState::add_link(DeviceId a, DeviceId b, LinkKind kind) { boost::add_edge(a, b, Link{kind}, *topology); }

Cluster::Cluster(ClusterState state) : s_(std::move(state)) {
  owners_.reserve(s_.nodes.size() + s_.pods.size() + s_.externals.size());
  using Kind = AddressOwner::Kind;
  for (std::uint32_t i = 0; i < s_.nodes.size(); ++i) owners_.push_back({s_.nodes[i].ip.value, {Kind::Node, i}});
  for (std::uint32_t i = 0; i < s_.pods.size(); ++i) {
    if (!host_network(i)) owners_.push_back({s_.pods[i].ip.value, {Kind::Pod, i}});
  }
  for (std::uint32_t i = 0; i < s_.externals.size(); ++i) {
    owners_.push_back({s_.externals[i].ip.value, {Kind::External, i}});
  }
  std::sort(owners_.begin(), owners_.end(), [](const OwnerEntry& a, const OwnerEntry& b) { return a.ip < b.ip; });
  const auto dup = std::adjacent_find(owners_.begin(), owners_.end(),
                                      [](const OwnerEntry& a, const OwnerEntry& b) { return a.ip == b.ip; });
  if (dup != owners_.end()) {
    throw std::logic_error("address " + net::Ipv4(dup->ip).to_string() +
                           " was assigned twice by the builder; this is a bug in the plugin's IPAM");
  }
}

Cluster::Cluster(Cluster&&) noexcept = default;
Cluster& Cluster::operator=(Cluster&&) noexcept = default;
Cluster::~Cluster() = default;

PluginKind Cluster::plugin_kind() const { return s_.plugin->kind(); }

std::string Cluster::pod_name(PodIndex pod) const { return cluster::pod_name(workload(pod), s_.pods[pod].ordinal); }

const net::RouteTable& Cluster::pod_route_table(PodIndex pod) const {
  const auto& p = s_.pods[pod];
  return host_network(pod) ? *s_.nodeRoutes[p.node] : *s_.podRoutes[p.node];
}

std::string Cluster::device_name(DeviceId id) const {
  const Device& d = s_.devices.at(id);
  switch (d.kind) {
    case DeviceKind::PodNamespace: return pod_namespace(d.pod) + "/" + pod_name(d.pod);
    case DeviceKind::VethPodEnd: return pod_namespace(d.pod) + "/" + pod_name(d.pod) + ":eth0";
    case DeviceKind::VethHostEnd:
      return s_.nodes[d.node].name + ":" + s_.plugin->host_veth_name(pod_namespace(d.pod), pod_name(d.pod));
    case DeviceKind::Bridge: return s_.nodes[d.node].name + ":" + std::string(s_.plugin->bridge_name());
    case DeviceKind::NodeStack: return s_.nodes[d.node].name;
    case DeviceKind::Nic: return s_.nodes[d.node].name + ":eth0";
    case DeviceKind::VnetRouter: return "azure-vnet:" + s_.spec.cluster.vnet.name;
    case DeviceKind::ExternalVm:
    case DeviceKind::InternetHost:
    case DeviceKind::VirtualAppliance: return s_.externals[d.pod].name;
    case DeviceKind::LoadBalancer: return "kubernetes:outbound";  // AKS's load balancer "kubernetes", its outbound rule
    case DeviceKind::NatGateway: return "nat-gateway";
    case DeviceKind::ZoneCrossing: return "azure-zones:" + std::to_string(d.pod / 4) + "-to-" + std::to_string(d.pod % 4);
    case DeviceKind::VxlanDevice:
    case DeviceKind::IpipDevice: return s_.nodes[d.node].name + ":" + std::string(s_.plugin->tunnel_name());
  }
  return "?";
}

std::optional<Cluster::AddressOwner> Cluster::owner_of(net::Ipv4 ip) const {
  const auto it = std::lower_bound(owners_.begin(), owners_.end(), ip.value,
                                   [](const OwnerEntry& e, std::uint32_t v) { return e.ip < v; });
  if (it == owners_.end() || it->ip != ip.value) return std::nullopt;
  return it->owner;
}

std::string Cluster::plugin_label() const {
  std::string label(to_string(plugin_kind()));
  if (const auto& cni = s_.spec.cluster.byoCni; cni && plugin_kind() == PluginKind::None) {
    label.append(" + ").append(scenario::byo::facts(cni->name).name).append(" (");
    label.append(cni->encapsulation == scenario::Encapsulation::Vxlan  ? "vxlan"
                 : cni->encapsulation == scenario::Encapsulation::Ipip ? "ipip"
                                                                       : "no encapsulation");
    label.append(")");
  }
  return label;
}

std::uint32_t Cluster::connection_mtu(net::Ipv4 client, net::Ipv4 server, std::uint16_t port) const {
  const std::uint32_t nic = s_.spec.costs.profile.tcp.mtu;
  const std::uint32_t pod = scenario::byo::pod_mtu(s_.spec);
  if (pod == nic) return nic;
  const auto client_owner = owner_of(client), server_owner = owner_of(server);
  const auto is = [](const std::optional<AddressOwner>& owner, AddressOwner::Kind kind) { return owner && owner->kind == kind; };
  if (is(client_owner, AddressOwner::Kind::Pod) || is(server_owner, AddressOwner::Kind::Pod) ||
      s_.spec.cluster.networkProfile.serviceCidr.contains(server)) {
    return pod;
  }
  if (is(server_owner, AddressOwner::Kind::Node) && s_.serviceDnat.find_node_port(port, Protocol::Tcp).rule) return pod;
  return nic;
}

std::optional<NodeIndex> Cluster::find_node(std::string_view name) const {
  for (NodeIndex i = 0; i < s_.nodes.size(); ++i) {
    if (s_.nodes[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<PodIndex> Cluster::find_pod(std::string_view ns, std::string_view name) const {
  for (PodIndex i = 0; i < s_.pods.size(); ++i) {
    if (pod_namespace(i) == ns && pod_name(i) == name) return i;
  }
  return std::nullopt;
}

std::optional<ServiceIndex> Cluster::find_service(std::string_view ns, std::string_view name) const {
  for (ServiceIndex i = 0; i < s_.services.size(); ++i) {
    const auto& spec = service_spec(i);
    if (spec.namespace_ == ns && spec.name == name) return i;
  }
  return std::nullopt;
}

}  // namespace cnisim::cluster
