#pragma once
// ScenarioSpec: the plain structs a scenario YAML file is loaded into (after defaults and validation).
// This header is the contract between the loader (scenario_loader.*, validation.*) and the builder.
// Field names follow AKS's ARM networkProfile names where one exists.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/net/cidr.hpp"
#include "models/net/ipv4.hpp"
#include "models/net/route.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/traffic_spec.hpp"

namespace cnisim::scenario {

// Where a value came from in the scenario file (1-based line and column; 0 when it was defaulted).
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class NetworkPlugin { Kubenet, Azure, None };        // networkPlugin: kubenet | azure | none
enum class NetworkPluginMode { Default, Overlay };         // networkPluginMode: (absent) | overlay
enum class NetworkDataplane { Azure, Cilium };            // networkDataplane
enum class NetworkPolicy { None, Calico, Azure, Cilium }; // networkPolicy
enum class OutboundType { LoadBalancer, UserDefinedRouting, ManagedNATGateway, UserAssignedNATGateway, None };
enum class KubeProxyMode { Iptables, Ipvs, Nftables };    // kubeProxyConfig.mode: IPTABLES | IPVS | NFTABLES

// The plugin the builder instantiates, derived from plugin + mode + dataplane. Its short name is what
// the command line's --plugin takes: kubenet, azure, overlay, cilium, none.
enum class PluginKind { Kubenet, AzureNodeSubnet, AzureOverlay, Cilium, None };

// A bring-your-own CNI (networkPlugin none) the scenario describes: which CNI, how it carries pod
// packets between nodes, and the pods' MTU (docs/byo-cni.md; its facts in byo_cni_facts.hpp).
enum class ByoCni { Cilium, Calico, Flannel };
enum class Encapsulation : std::uint8_t { None, Vxlan, Ipip };
struct ByoCniSpec {
  ByoCni name = ByoCni::Flannel;
  Encapsulation encapsulation = Encapsulation::Vxlan;  // default: the CNI's (byo_cni_facts.hpp)
  std::optional<std::uint32_t> mtu;  // the pods' interface MTU; absent: the NIC's less the encapsulation's overhead
};


// outboundType loadBalancer: the cluster's load balancer's outbound rule (ARM loadBalancerProfile).
struct LoadBalancerProfile {
  std::uint32_t managedOutboundIPs = 1;      // managedOutboundIPs.count: frontend public IPs
  std::uint32_t allocatedOutboundPorts = 0;  // SNAT ports per VM; 0 = Azure's default allocation by pool size
  std::uint32_t idleTimeoutInMinutes = 30;   // an idle flow's SNAT port is freed after this
};
// outboundType managedNATGateway / userAssignedNATGateway (ARM natGatewayProfile).
struct NatGatewayProfile {
  std::uint32_t managedOutboundIPs = 1;     // managedOutboundIPProfile.count
  std::uint32_t idleTimeoutInMinutes = 4;
};

struct NetworkProfile {
  NetworkPlugin networkPlugin = NetworkPlugin::Kubenet;
  NetworkPluginMode networkPluginMode = NetworkPluginMode::Default;
  NetworkDataplane networkDataplane = NetworkDataplane::Azure;
  NetworkPolicy networkPolicy = NetworkPolicy::None;
  net::Cidr podCidr;
  net::Cidr serviceCidr;
  net::Ipv4 dnsServiceIP;
  OutboundType outboundType = OutboundType::LoadBalancer;
  LoadBalancerProfile loadBalancerProfile;
  NatGatewayProfile natGatewayProfile;
  KubeProxyMode kubeProxyMode = KubeProxyMode::Iptables;
};

// A route of the node subnet's own route table (ARM Microsoft.Network/routeTables routes): what a
// bring-your-own VNet gives, e.g. 0.0.0.0/0 to a firewall for outboundType userDefinedRouting.
struct UserRoute {
  std::string name;
  net::Cidr addressPrefix;
  net::NextHopType nextHopType = net::NextHopType::VirtualAppliance;  // VirtualAppliance, VnetLocal, Internet, None
  net::Ipv4 nextHopIpAddress;  // VirtualAppliance only
};

struct VnetSpec {
  std::string name;
  std::vector<net::Cidr> addressSpace;
  std::string subnetName;
  net::Cidr nodeSubnet;
  std::optional<net::Cidr> podSubnet;  // Azure CNI "pod subnet" variant; absent = node subnet mode
  std::vector<UserRoute> routes;       // the node subnet's route table (kubenet adds its UDRs to it)
};

struct ClusterSpec {
  std::string name;
  std::string kubernetesVersion;
  NetworkProfile networkProfile;
  VnetSpec vnet;
  // Kubernetes' NodeLocal DNSCache add-on (a node-local-dns DaemonSet): pods' DNS queries answered by a
  // cache on their own node (docs/dns.md).
  bool nodeLocalDNSCache = false;
  // The CNI installed on a networkPlugin none cluster (absent: none described, no pod network).
  std::optional<ByoCniSpec> byoCni;
};

enum class OsType { Linux, Windows };
enum class PoolMode { System, User };

struct NodePoolSpec {
  std::string name;
  std::uint32_t count = 0;
  std::string vmSize;
  OsType osType = OsType::Linux;
  PoolMode mode = PoolMode::User;
  std::uint32_t maxPods = 0;   // resolved: the plugin's default when not given
  std::uint32_t maxSurge = 1;  // nodes added during upgrade; counts in IP planning
  // ARM availabilityZones: the zones ("1", "2", "3") the pool's VM scale set spreads its nodes over;
  // empty: a regional pool (no zone). docs/zones.md.
  std::vector<std::uint8_t> availabilityZones;
};

enum class WorkloadKind { Deployment, DaemonSet };

struct WorkloadSpec {
  WorkloadKind kind = WorkloadKind::Deployment;
  std::string namespace_ = "default";
  std::string name;
  std::uint32_t replicas = 1;  // Deployments only
  std::string image;
  std::map<std::string, std::string> labels;
  bool hostNetwork = false;
  std::optional<OsType> nodeOs;  // nodeSelector kubernetes.io/os; absent = Linux
  bool system = false;           // added automatically (kube-proxy, CoreDNS, ...)
};

struct ServicePort {
  std::string name;
  std::string protocol = "TCP";
  std::uint16_t port = 0;
  std::uint16_t targetPort = 0;
  std::uint16_t nodePort = 0;  // NodePort Services: 0 = allocated by the builder as kube-apiserver does
};

enum class ServiceType : std::uint8_t { ClusterIP, NodePort };
// externalTrafficPolicy / internalTrafficPolicy: every endpoint of the cluster, or only the receiving
// node's (no SNAT for external traffic; no endpoint here: dropped).
enum class TrafficPolicy : std::uint8_t { Cluster, Local };

struct ServiceSpec {
  std::string namespace_ = "default";
  std::string name;
  ServiceType type = ServiceType::ClusterIP;
  std::map<std::string, std::string> selector;
  std::vector<ServicePort> ports;
  std::optional<net::Ipv4> clusterIP;  // fixed address (kube-dns takes dnsServiceIP)
  TrafficPolicy externalTrafficPolicy = TrafficPolicy::Cluster;  // NodePort only
  TrafficPolicy internalTrafficPolicy = TrafficPolicy::Cluster;
  // sessionAffinity ClientIP: a client's new connections go to the endpoint its last one went to, while
  // its last was less than affinityTimeoutSeconds ago (sessionAffinityConfig.clientIP.timeoutSeconds).
  bool affinityClientIP = false;
  std::uint32_t affinityTimeoutSeconds = 10800;
  bool system = false;
};

// A namespace's labels (what namespaceSelector matches). Every namespace also carries
// kubernetes.io/metadata.name: NAME, as Kubernetes sets it; those without an entry have only that one.
struct NamespaceSpec {
  std::string name;
  std::map<std::string, std::string> labels;
};

// A Kubernetes label selector (metav1.LabelSelector): every matchLabels pair and every expression must
// hold. An empty selector selects everything (unlike a Service's selector).
struct LabelRequirement {
  enum class Operator : std::uint8_t { In, NotIn, Exists, DoesNotExist };
  std::string key;
  Operator op = Operator::In;
  std::vector<std::string> values;
};
struct LabelSelector {
  std::map<std::string, std::string> matchLabels;
  std::vector<LabelRequirement> matchExpressions;
  bool empty() const { return matchLabels.empty() && matchExpressions.empty(); }
};

// networking.k8s.io/v1 NetworkPolicy. A peer gives podSelector and/or namespaceSelector, or ipBlock;
// a rule's empty peer list means every peer, its empty port list every port.
struct PolicyPort {
  std::string protocol = "TCP";
  std::uint16_t port = 0;     // 0: every port of the protocol
  std::uint16_t endPort = 0;  // 0: just port
};
struct IpBlock {
  net::Cidr cidr;
  std::vector<net::Cidr> except;
};
struct PolicyPeer {
  std::optional<LabelSelector> podSelector;
  std::optional<LabelSelector> namespaceSelector;
  std::optional<IpBlock> ipBlock;
};
struct PolicyRule {
  std::vector<PolicyPeer> peers;  // from (ingress) or to (egress)
  std::vector<PolicyPort> ports;
};
struct NetworkPolicySpec {
  std::string namespace_ = "default";
  std::string name;
  LabelSelector podSelector;
  bool ingressType = true;   // policyTypes has Ingress (the default)
  bool egressType = false;   // policyTypes has Egress (default: when egress rules are given)
  std::vector<PolicyRule> ingress;
  std::vector<PolicyRule> egress;
};

// A diagnostic at a mark (line and column at least 1; the mark's file, else fallback_file).
Diagnostic diagnostic_at(const SourceMark& where, const std::string& fallback_file, std::string path,
                         std::string message, std::string expected, std::string hint,
                         Severity severity = Severity::Error);

struct ScenarioSpec {
  std::string sourceFile;
  ClusterSpec cluster;
  std::vector<NodePoolSpec> nodePools;
  std::vector<WorkloadSpec> workloads;
  std::vector<ServiceSpec> services;
  std::vector<NamespaceSpec> namespaces;
  std::vector<NetworkPolicySpec> networkPolicies;
  TrafficSpec traffic;
  CostsSpec costs;
  RunSpec run;
  // Settings the file gives that are accepted but not modelled (`--strict` makes them errors).
  std::vector<Diagnostic> warnings;
  // Source marks by field path, e.g. "cluster.networkProfile.podCidr", "nodePools[1].count".
  std::map<std::string, SourceMark> marks;

  PluginKind plugin() const;  // derived from cluster.networkProfile
  // The mark recorded for exactly this path; line 0 when the value was defaulted or never recorded.
  SourceMark mark(const std::string& path) const;
  // True when the scenario file itself gave this field (not a default, not apply_plugin).
  bool given(const std::string& path) const;
  // The mark of the path or, when it was defaulted, of its nearest ancestor the file did give
  // ("nodePools[1].maxPods" -> "nodePools[1]"): where an error about a defaulted value should point.
  SourceMark locate(const std::string& path) const;
  // A diagnostic about the field at path, located as locate() does (line 1 when nothing is given).
  Diagnostic diagnostic(const std::string& path, std::string message, std::string expected, std::string hint,
                        Severity severity = Severity::Error) const;
  // Total nodes over all pools, and whether the plugin takes pod IPs from cluster.networkProfile.podCidr
  // (kubenet, overlay, cilium in overlay mode, none) rather than from a VNet subnet.
  std::uint64_t node_count() const;
  bool uses_pod_cidr() const;
};

// Short plugin names as the command line's --plugin takes them: kubenet, azure, overlay, cilium, none.
std::string_view to_string(PluginKind kind);
std::optional<PluginKind> plugin_from_string(std::string_view name);

}  // namespace cnisim::scenario
