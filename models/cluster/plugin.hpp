#pragma once
// A network plugin as a strategy object: the builder calls these steps in order and the plugin
// decides addresses, routes, NAT and per-node devices. One file per plugin (plugin_<name>.cpp) and
// one line in plugin_registry.cpp to add another.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/cluster/cluster.hpp"

namespace cnisim::cluster {

// A limit on cluster size under a plugin, for `cnisim plan`.
struct NodeLimit {
  std::uint64_t maxNodes = 0;
  std::string what;  // "Azure route table: 400 routes, one per node (LIMITS; AKSDOCS configure-kubenet)"
};

class Plugin {
 public:
  virtual ~Plugin() = default;

  virtual PluginKind kind() const = 0;
  // One line for the views: what the plugin is.
  virtual std::string_view summary() const = 0;

  // 1. Node addresses: node IPs from the node subnet in node order, and per-node pod ranges.
  virtual void assign_node_addresses(ClusterState& state) const = 0;
  // 2. Per-node devices the plugin adds (a bridge, ...); returns the device pods' host veths attach to.
  virtual DeviceId add_node_devices(ClusterState& state, NodeIndex node) const = 0;
  // The bridge pods attach to ("cbr0"), empty for plugins without one.
  virtual std::string_view bridge_name() const { return {}; }
  // The tunnel device on every node ("flannel.1", "tunl0"), empty for plugins without one.
  virtual std::string_view tunnel_name() const { return {}; }
  // The host-side veth name of a pod (vethXXXXXXXX, azvXXXXXXXXXXX, lxcXXXXXXXXXXXX).
  virtual std::string host_veth_name(std::string_view pod_namespace, std::string_view pod_name) const = 0;
  // 3. Pod addresses for the pods that are not hostNetwork, in scheduling (pod index) order.
  virtual void assign_pod_addresses(ClusterState& state) const = 0;
  // 4. Routes the plugin adds to the Azure route table (after the VNet's system routes).
  virtual void add_cloud_routes(const ClusterState& state, net::RouteTable& azure) const = 0;
  // 5. A node's kernel table, and the table every pod on that node has in its namespace.
  virtual void add_node_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel) const = 0;
  virtual void add_pod_routes(const ClusterState& state, NodeIndex node, net::RouteTable& pod) const = 0;
  // Whether the node and pod tables follow documentation or are a labelled model where docs are silent.
  virtual std::string_view routes_basis() const = 0;
  // 6. NAT points: masquerade policy, and how Services are translated.
  virtual MasqueradePolicy masquerade(const ClusterState& state) const = 0;
  virtual ServiceProxyMode service_proxy(const ScenarioSpec& spec) const;  // default: kube-proxy's mode

  // Planning (`cnisim plan`): node-subnet addresses one node consumes, whether pods take a /24 of the
  // pod CIDR per node, and the platform limits on node count.
  virtual std::uint64_t subnet_addresses_per_node(std::uint32_t max_pods) const = 0;
  virtual bool pod_cidr_per_node() const = 0;
  virtual std::vector<NodeLimit> node_limits() const = 0;
};

// The plugin for a kind; plugins are stateless, so one shared instance each.
std::shared_ptr<const Plugin> plugin_for(PluginKind kind);
// The plugin a scenario's cluster runs: its kind's, or under networkPlugin none the bring-your-own CNI
// it describes (cluster.byoCni).
std::shared_ptr<const Plugin> plugin_for(const ScenarioSpec& spec);
// Every registered plugin, in registry order (kubenet, azure, overlay, cilium, none).
std::vector<PluginKind> registered_plugins();

// --- helpers shared by several plugins ---
// Node IPs one after another from the node subnet, skipping Azure's reserved addresses.
void assign_sequential_node_ips(ClusterState& state);
// A /24 (aks::kNodePodCidrPrefix) of the pod CIDR per node, in node order.
void assign_node_pod_cidrs(ClusterState& state);
// Pod IPs from their node's pod CIDR, starting at host index first_host, in pod order.
void assign_pod_ips_from_node_cidr(ClusterState& state, std::uint64_t first_host);
// The kernel routes every Azure node has: default via the subnet gateway, the subnet itself on eth0,
// and the platform addresses (wire server, IMDS) via the gateway.
void add_azure_node_base_routes(const ClusterState& state, NodeIndex node, net::RouteTable& kernel);
// A kernel route "prefix dev device [via gateway]".
net::Route kernel_route(net::Cidr prefix, std::string device, net::Ipv4 gateway = {}, std::uint32_t metric = 0,
                        std::string name = {});
// Hex of a stable 64-bit hash of text (FNV-1a), first digits characters: deterministic interface names.
std::string stable_hex(std::string_view text, std::size_t digits);
// The one-liners of the kube-proxy modes, for ServiceDnat::implementedBy.
std::string kube_proxy_description(ServiceProxyMode mode);

}  // namespace cnisim::cluster
