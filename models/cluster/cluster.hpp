#pragma once
// Cluster: what the builder makes of a ScenarioSpec under one network plugin. Immutable after build:
// the builder fills a ClusterState and moves it into a Cluster, which only hands out const views.
//
// Kept compact for 5,000 x 250 clusters: a Pod is a few integers (its name, namespace and labels come
// from its workload), device names are derived on demand, and the pods of one node share one
// pod-namespace route table (their tables are identical apart from the source address).
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/cluster/device.hpp"
#include "models/cluster/nat.hpp"
#include "models/cluster/scenario_names.hpp"
#include "models/cluster/topology.hpp"
#include "models/net/route_table.hpp"

namespace cnisim::cluster {

class Plugin;

struct Node {
  std::string name;                // aks-nodepool1-12345678-vmss000000
  std::uint32_t pool = 0;          // index in spec().nodePools
  std::uint32_t indexInPool = 0;   // VMSS instance number
  OsType os = OsType::Linux;
  std::uint32_t maxPods = 0;
  std::uint8_t zone = 0;           // availability zone 1-3 (0: a regional pool, no zone)
  net::Ipv4 ip;                    // primary IP of eth0, from the node subnet
  std::optional<net::Cidr> podCidr;  // spec.podCIDR, for plugins that give each node a range
  net::Ipv4 podGateway;            // what pods on this node use as default gateway
  std::uint32_t podCount = 0;      // pods scheduled here, hostNetwork ones included
  DeviceId stack = kNone;          // root namespace
  DeviceId nic = kNone;            // eth0
  DeviceId podAttach = kNone;      // where host-side veths attach: cbr0 for kubenet, else the stack
  DeviceId tunnel = kNone;         // a bring-your-own CNI's VXLAN or IPIP device (kNone: none)
};

struct Pod {
  std::uint32_t workload = 0;  // index in spec().workloads: namespace, labels, hostNetwork
  std::uint32_t ordinal = 0;   // replica number within the workload (DaemonSets: in node order)
  NodeIndex node = 0;
  net::Ipv4 ip;                // hostNetwork pods: their node's IP
  DeviceId netns = kNone;      // the pod's namespace; hostNetwork pods: the node's stack
  DeviceId vethPod = kNone;    // kNone for hostNetwork pods
  DeviceId vethHost = kNone;
};

struct Service {
  std::uint32_t spec = 0;  // index in spec().services
  net::Ipv4 clusterIP;
  std::vector<PodIndex> endpoints;  // pods the selector matches, in pod order
  std::vector<std::uint16_t> nodePorts;  // NodePort Services: per port of the spec, given or allocated
};

// Endpoints outside the cluster that traffic can be sent to.
struct ExternalEndpoint {
  std::string name;  // "vm-in-vnet", "internet-host", "virtual-appliance"
  net::Ipv4 ip;
  DeviceId device = kNone;
};
// Their order: the builder adds the VM in the VNet, then the internet host, then any appliances.
inline constexpr std::uint32_t kVnetVm = 0;
inline constexpr std::uint32_t kInternetHost = 1;

// How cluster traffic leaves the VNet for the internet (networkProfile.outboundType): through the
// cluster load balancer's outbound rule or a NAT gateway (a device between the VNet and the internet
// that SNATs to public IPs), by the node subnet's route table (userDefinedRouting: its default route
// names a virtual appliance, see Appliance), or not at all (outboundType none).
struct SnatPortBlock {
  std::uint32_t ip = 0;     // index in Egress::publicIps
  std::uint16_t first = 0;  // ports first..last of that IP
  std::uint16_t last = 0;
};
struct Egress {
  // Direct: userDefinedRouting, where the node subnet's route table decides (its 0.0.0.0/0 route names a
  // virtual appliance); what still meets an Internet route leaves from the node's address.
  enum class Kind : std::uint8_t { LoadBalancer, NatGateway, Direct, None } kind = Kind::LoadBalancer;
  DeviceId device = kNone;           // the outbound rule's or NAT gateway's device; kNone for Direct and None
  std::vector<net::Ipv4> publicIps;  // frontend / NAT gateway public IPs
  // Load balancer: each node's preallocated SNAT ports (node n: blocks[n * blocksPerNode ...]), in the
  // order it uses them. NAT gateway: one block per public IP, shared by every node.
  std::vector<SnatPortBlock> blocks;
  std::uint32_t blocksPerNode = 0;
  std::uint32_t portsPerNode = 0;    // load balancer: SNAT ports of each node over all its blocks
  std::int64_t idleTimeoutPs = 0;    // a flow's ports are freed this long after its last packet
  bool defaultAllocation = false;    // load balancer: ports from Azure's table by backend pool size
};

// A virtual appliance a route of the node subnet's table names (a firewall, for userDefinedRouting):
// an external endpoint at its private IP that forwards what it gets, SNATing what goes to the
// internet to its public IP.
struct Appliance {
  std::uint32_t external = 0;  // index in externals() (its name, private IP and device)
  net::Ipv4 publicIp;
  std::uint16_t firstPort = 0, lastPort = 0;  // its SNAT ports
};

// Everything a Cluster holds. Filled by the builder and the plugin's steps, then frozen in a Cluster.
struct ClusterState {
  ScenarioSpec spec;
  std::shared_ptr<const Plugin> plugin;
  std::vector<Node> nodes;
  std::vector<Pod> pods;
  std::vector<Service> services;
  std::vector<ExternalEndpoint> externals;
  Egress egress;
  std::vector<Appliance> appliances;
  std::vector<Device> devices;
  // Behind a pointer because adjacency_list has no move constructor: moving the state must not copy it.
  std::unique_ptr<TopologyGraph> topology = std::make_unique<TopologyGraph>();
  DeviceId vnetRouter = kNone;
  // Availability zones: the device that carries packets from a node in zone a to a node in zone b
  // (kNone where the cluster has no nodes in both), [a][b] for zones 1-3.
  std::array<std::array<DeviceId, 4>, 4> zoneCrossings = {{{kNone, kNone, kNone, kNone},
                                                           {kNone, kNone, kNone, kNone},
                                                           {kNone, kNone, kNone, kNone},
                                                           {kNone, kNone, kNone, kNone}}};
  std::unique_ptr<net::RouteTable> azureRoutes;               // UDRs + the VNet's system routes
  // The routes of the VNet's other subnets (the VM's): the same without the UDRs, which belong to the
  // route table associated with the node subnet only.
  std::unique_ptr<net::RouteTable> otherSubnetRoutes;
  std::vector<std::unique_ptr<net::RouteTable>> nodeRoutes;   // kernel table per node
  std::vector<std::unique_ptr<net::RouteTable>> podRoutes;    // per node: the table in each of its pods
  MasqueradePolicy masquerade;
  ServiceDnat serviceDnat;
  net::Ipv4 nodeSubnetGateway;  // first host address of the node subnet

  // Pods grouped by node (filled by the builder right after scheduling): pods of node n are
  // podsByNode[podsByNodeStart[n] .. podsByNodeStart[n + 1]), in pod order.
  std::vector<PodIndex> podsByNode;
  std::vector<std::uint32_t> podsByNodeStart;

  std::span<const PodIndex> pods_on(NodeIndex node) const {
    return {podsByNode.data() + podsByNodeStart[node], podsByNodeStart[node + 1] - podsByNodeStart[node]};
  }
  DeviceId add_device(DeviceKind kind, NodeIndex node = kNone, PodIndex pod = kNone);
  void add_link(DeviceId a, DeviceId b, LinkKind kind);
};

class Cluster {
 public:
  explicit Cluster(ClusterState state);
  Cluster(Cluster&&) noexcept;
  Cluster& operator=(Cluster&&) noexcept;
  ~Cluster();

  const ScenarioSpec& spec() const { return s_.spec; }
  PluginKind plugin_kind() const;
  const Plugin& plugin() const { return *s_.plugin; }

  const std::vector<Node>& nodes() const { return s_.nodes; }
  const std::vector<Pod>& pods() const { return s_.pods; }
  const std::vector<Service>& services() const { return s_.services; }
  const std::vector<ExternalEndpoint>& externals() const { return s_.externals; }
  const Egress& egress() const { return s_.egress; }
  const std::vector<Appliance>& appliances() const { return s_.appliances; }
  // The appliance whose public IP this is (nullptr: none).
  const Appliance* appliance_with_public_ip(net::Ipv4 ip) const {
    for (const auto& a : s_.appliances) {
      if (a.publicIp == ip) return &a;
    }
    return nullptr;
  }
  std::span<const PodIndex> pods_on(NodeIndex node) const { return s_.pods_on(node); }

  // A pod's identity, derived from its workload (names as Kubernetes makes them, deterministic).
  const WorkloadSpec& workload(PodIndex pod) const { return s_.spec.workloads[s_.pods[pod].workload]; }
  const std::string& pod_namespace(PodIndex pod) const { return workload(pod).namespace_; }
  std::string pod_name(PodIndex pod) const;
  bool host_network(PodIndex pod) const { return workload(pod).hostNetwork; }
  const ServiceSpec& service_spec(ServiceIndex svc) const { return s_.spec.services[s_.services[svc].spec]; }

  // Devices and topology: device ids index devices() and are the graph's vertex indices.
  const std::vector<Device>& devices() const { return s_.devices; }
  std::string device_name(DeviceId id) const;
  const TopologyGraph& topology() const { return *s_.topology; }
  DeviceId vnet_router() const { return s_.vnetRouter; }
  DeviceId zone_crossing(std::uint8_t from, std::uint8_t to) const { return s_.zoneCrossings[from][to]; }

  // Route tables.
  const net::RouteTable& azure_route_table() const { return *s_.azureRoutes; }
  // What Azure routes a packet from another subnet of the VNet by (the VM's): no user-defined routes.
  const net::RouteTable& other_subnet_route_table() const { return *s_.otherSubnetRoutes; }
  const net::RouteTable& node_route_table(NodeIndex node) const { return *s_.nodeRoutes[node]; }
  // The routing table inside a pod's namespace (hostNetwork pods: their node's table).
  const net::RouteTable& pod_route_table(PodIndex pod) const;
  net::Ipv4 node_subnet_gateway() const { return s_.nodeSubnetGateway; }

  // NAT points.
  const MasqueradePolicy& masquerade() const { return s_.masquerade; }
  const ServiceDnat& service_dnat() const { return s_.serviceDnat; }

  // Who owns an address: a node, a pod (not hostNetwork) or an external endpoint. Binary search.
  struct AddressOwner {
    enum class Kind : std::uint8_t { Node, Pod, External } kind = Kind::Node;
    std::uint32_t index = kNone;
  };
  std::optional<AddressOwner> owner_of(net::Ipv4 ip) const;
  // The plugin as views and traces name it: "kubenet", ..., "none + flannel (vxlan)".
  std::string plugin_label() const;
  // The MTU of a TCP connection from client to server:port, whose MSS is the smaller of the two ends'
  // (each advertises its interface's MTU less 40): the pods' MTU (lower under an encapsulating
  // bring-your-own CNI) when a pod is an end (the server behind a Service or NodePort is one), else the
  // NIC's (the cost profile's tcp.mtu).
  std::uint32_t connection_mtu(net::Ipv4 client, net::Ipv4 server, std::uint16_t port) const;
  // Lookups by name (views and tests); nullopt when absent.
  std::optional<NodeIndex> find_node(std::string_view name) const;
  std::optional<PodIndex> find_pod(std::string_view ns, std::string_view name) const;
  std::optional<ServiceIndex> find_service(std::string_view ns, std::string_view name) const;

 private:
  struct OwnerEntry {
    std::uint32_t ip;
    AddressOwner owner;
  };
  ClusterState s_;
  std::vector<OwnerEntry> owners_;  // sorted by ip
};

}  // namespace cnisim::cluster
