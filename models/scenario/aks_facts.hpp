#pragma once
// Every AKS/Azure default and limit the simulator uses, in one place, each with its source.
// Sources (see ../shared/domain/aks-networking.md): AKSDOCS = AKS documentation articles,
// SPEC = AKS REST API ContainerServiceNetworkProfile (2025-07-01), LIMITS = Azure subscription and
// service limits, CPA = cloud-provider-azure azure_routes.go, K8S = kubernetes docs and printers.go.
// Users override defaults in the scenario file; limits are facts of the platform, checked by validation.
#include <cstdint>
#include <string_view>

#include "models/net/ipam.hpp"

namespace cnisim::scenario::aks {

// --- networkProfile defaults ---
inline constexpr std::string_view kDefaultPodCidr = "10.244.0.0/16";       // SPEC podCidr default
inline constexpr std::string_view kDefaultServiceCidr = "10.0.0.0/16";     // SPEC serviceCidr default
inline constexpr std::string_view kDefaultDnsServiceIP = "10.0.0.10";      // SPEC dnsServiceIP default
inline constexpr std::string_view kManagedVnetAddressSpace = "10.224.0.0/12";  // AKSDOCS AKS-managed VNet
inline constexpr std::string_view kManagedNodeSubnet = "10.224.0.0/16";    // AKSDOCS managed node subnet (since 2022-02)
inline constexpr std::string_view kDefaultKubernetesVersion = "1.30.0";    // assumed: a version where overlay is the default
// Default plugin: Azure CNI Overlay for Kubernetes >= 1.30, kubenet before (SPEC, AKSDOCS).
inline constexpr int kOverlayDefaultFromMinor = 30;
// AKSDOCS supported-kubernetes-versions: AKS supports the three newest GA minor versions, and Long Term
// Support from 1.27 (two years per LTS minor). Oldest accepted: 1.27, the first LTS minor. Newest
// accepted: 1.36 (assumed: upstream released 1.36 in 2026-04, the newest minor AKS can offer by 2026-12).
inline constexpr int kOldestSupportedMinor = 27;
inline constexpr int kNewestSupportedMinor = 36;

// --- pods per node (LIMITS, AKSDOCS) ---
inline constexpr std::uint32_t kKubenetDefaultMaxPods = 110;       // AKSDOCS configure-kubenet (CLI/ARM default)
inline constexpr std::uint32_t kAzureNodeSubnetDefaultMaxPods = 30;  // AKSDOCS concepts-network-legacy-cni
inline constexpr std::uint32_t kAzurePodSubnetDefaultMaxPods = 110;  // AKSDOCS legacy CNI, dynamic IP allocation
inline constexpr std::uint32_t kOverlayDefaultMaxPods = 250;       // AKSDOCS concepts-network-azure-cni-overlay
inline constexpr std::uint32_t kMinMaxPods = 10;                   // LIMITS max pods per node, minimum
inline constexpr std::uint32_t kMaxMaxPods = 250;                  // LIMITS max pods per node, maximum

// --- per-node pod CIDR ---
// NodeLocal DNSCache's link-local address (kubernetes.io "Using NodeLocal DNSCache": 169.254.20.10);
// under kube-proxy's IPVS mode the pods' resolv.conf names it, in iptables mode the cache also binds
// the kube-dns ClusterIP.
inline constexpr std::string_view kNodeLocalDnsAddress = "169.254.20.10";
// kube-apiserver's default --service-node-port-range (K8S kube-apiserver reference): 30000-32767.
inline constexpr std::uint16_t kNodePortFirst = 30000;
inline constexpr std::uint16_t kNodePortLast = 32767;
inline constexpr int kNodePodCidrPrefix = 24;  // AKSDOCS kubenet and overlay: a /24 per node

// --- cluster and Azure limits (LIMITS) ---
inline constexpr std::uint32_t kMaxNodesPerCluster = 5000;        // LIMITS AKS nodes per cluster
inline constexpr std::uint32_t kMaxNodesPerPool = 1000;           // LIMITS AKS nodes per node pool
inline constexpr std::uint32_t kMaxNodePools = 100;               // LIMITS AKS node pools per cluster
inline constexpr std::uint32_t kMaxRoutesPerRouteTable = 400;     // LIMITS Azure routes per route table
inline constexpr std::uint32_t kKubenetMaxNodes = 400;            // AKSDOCS configure-kubenet: one UDR per node
inline constexpr std::uint32_t kKubenetDualStackMaxNodes = 200;   // AKSDOCS configure-kubenet, dual-stack
inline constexpr std::uint32_t kOverlayMaxNodes = 5000;           // AKSDOCS concepts-network-azure-cni-overlay
inline constexpr std::uint32_t kMaxPrivateIpsPerNic = 256;        // LIMITS virtual network
inline constexpr std::uint32_t kMaxPrivateIpsPerVnet = 65536;     // LIMITS virtual network
inline constexpr std::uint32_t kAzureReservedPerSubnet = net::kAzureReservedPerSubnet;  // models/net/ipam.hpp
inline constexpr int kServiceCidrMinPrefix = 13;  // AKSDOCS: service CIDR must be smaller than /12
inline constexpr std::uint32_t kPodSubnetBatch = 16;      // AKSDOCS dynamic IP allocation: batches of 16
inline constexpr std::uint32_t kPodSubnetLowWater = 8;    // AKSDOCS: new batch when fewer than 8 free

// Reserved ranges no cluster CIDR may use (AKSDOCS ip-address-planning).
inline constexpr std::string_view kReservedRanges[] = {"169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16",
                                                       "192.0.2.0/24"};

// --- system workloads AKS runs (AKSDOCS; replica counts as AKS deploys them) ---
inline constexpr std::uint32_t kCoreDnsReplicas = 2;       // AKS coredns Deployment (autoscaled; 2 minimum)
inline constexpr std::uint32_t kMetricsServerReplicas = 2; // AKS metrics-server Deployment (2 since 2023)
inline constexpr std::uint32_t kDefaultMaxSurge = 1;       // AKS node pool upgrade default max surge: 1 node
inline constexpr std::string_view kClusterDomain = "cluster.local";  // K8S "DNS for Services and Pods": kubelet --cluster-domain, AKS keeps the default

// --- Azure VNet system routes (AZDOCS virtual-networks-udr-overview, "System routes > Default") ---
// Besides the VNet's own address space (next hop "Virtual network") and 0.0.0.0/0 ("Internet"), Azure
// adds these private and shared ranges with next hop "None" (dropped) unless the VNet uses them.
inline constexpr std::string_view kAzureSystemNoneRoutes[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                              "100.64.0.0/10"};
// Azure's gateway of every subnet is its first host address (AZDOCS virtual-networks-faq, reserved .1).
inline constexpr std::uint64_t kSubnetGatewayHostIndex = 1;
// Azure platform addresses every node routes via its gateway (AZDOCS what-is-ip-address-168-63-129-16).
inline constexpr std::string_view kAzureWireServerIp = "168.63.129.16";
inline constexpr std::string_view kAzureImdsIp = "169.254.169.254";
inline constexpr std::uint32_t kNodeDhcpRouteMetric = 100;  // `ip route` on an AKS Ubuntu node: proto dhcp metric 100

// --- MTU ---
inline constexpr std::uint32_t kMinIpv4Mtu = 576;   // RFC 791: every IPv4 host accepts 576-byte datagrams
inline constexpr std::uint32_t kMaxMtu = 9216;      // the cost profile's tcp.mtu bound (jumbo frames); validation holds a CNI's to the NIC's

// --- kubenet on the node (AKSDOCS configure-kubenet; CNI host-local IPAM README) ---
inline constexpr std::string_view kKubenetBridge = "cbr0";       // kubenet's Linux bridge
inline constexpr std::uint64_t kKubenetBridgeHostIndex = 1;      // host-local: gateway defaults to ".1"
inline constexpr std::uint64_t kKubenetFirstPodHostIndex = 2;    // host-local: rangeStart defaults to ".2"

// --- Azure CNI transparent mode (azure-container-networking network/transparent_endpointclient_linux.go) ---
inline constexpr std::string_view kAzureCniPodGateway = "169.254.1.1";  // virtualGwIPString: pods' default gateway
inline constexpr std::string_view kAzureCniVethPrefix = "azv";          // host-side veth names: azv + 11 hex chars

// --- node naming and what `kubectl get nodes -o wide` prints (AKS node image; values illustrative) ---
// Linux nodes: aks-<pool>-<8 digits>-vmss<6 base-36 digits>; Windows: aks<pool><6 base-36 digits> (AKSDOCS).
inline constexpr std::string_view kNodeRole = "agent";  // AKS labels nodes kubernetes.io/role=agent
inline constexpr std::string_view kLinuxOsImage = "Ubuntu 22.04.5 LTS";          // AKSUbuntu-2204 image, 2025
inline constexpr std::string_view kLinuxKernel = "5.15.0-1079-azure";            // same image
inline constexpr std::string_view kLinuxRuntime = "containerd://1.7.25-1";       // same image
inline constexpr std::string_view kWindowsOsImage = "Windows Server 2022 Datacenter";  // AKSWindows-2022 image
inline constexpr std::string_view kWindowsKernel = "10.0.20348.3207";                  // same image
inline constexpr std::string_view kWindowsRuntime = "containerd://1.7.20+azure";       // same image

// --- scenario defaults and limits used by the loader (SPEC = AKS REST API; AZCLI = az aks create reference) ---
inline constexpr std::uint32_t kNoneDefaultMaxPods = 110;  // AKSDOCS node-autoprovision-aksnodeclass: "other configurations: 110"
inline constexpr std::string_view kManagedVnetName = "aks-vnet";      // AKS-managed VNet aks-vnet-<number> in MC_ group
inline constexpr std::string_view kManagedSubnetName = "aks-subnet";  // AKS-managed node subnet name
inline constexpr std::string_view kDefaultNodePoolName = "nodepool1";  // AZCLI --nodepool-name default
inline constexpr std::uint32_t kDefaultNodeCount = 3;                  // AZCLI --node-count default
inline constexpr std::string_view kDefaultVmSize = "Standard_DS2_v2";  // AZCLI --node-vm-size default (pre auto-select)
inline constexpr std::size_t kMaxNodePoolNameLength = 12;  // SPEC agentPoolName ^[a-z][a-z0-9]{0,11}$
inline constexpr std::size_t kMaxWindowsNodePoolNameLength = 6;  // AKSDOCS windows node pools: 6-character limit
inline constexpr std::size_t kMaxClusterNameLength = 63;  // SPEC resourceName: 1-63, alphanumerics, '-', '_'
inline constexpr std::uint32_t kMinSystemPoolCount = 1;   // SPEC count: 1-1000 for system pools, 0-1000 for user
// AKSDOCS use-system-pools: a cluster needs at least one System pool, and System pools must be Linux.
inline constexpr std::string_view kKubeSystemNamespace = "kube-system";
inline constexpr int kAzureSmallestSubnetPrefix = 29;  // AZDOCS virtual-networks-faq: smallest IPv4 subnet /29

// --- egress (outboundType) ---
// LBDOCS = Azure docs load-balancer-outbound-connections; NATDOCS = nat-gateway-resource.
// Default port allocation (an outbound rule's allocatedOutboundPorts 0, which AKS uses unless told):
// SNAT ports per VM and per frontend IP by backend pool size (LBDOCS "Default port allocation table"),
// at most 1,024 per VM over all frontend IPs (LBDOCS: MIN(table * frontend IPs, 1024)).
struct DefaultSnatPorts {
  std::uint32_t max_pool_size;
  std::uint32_t ports;
};
inline constexpr DefaultSnatPorts kLbDefaultSnatPorts[] = {{50, 1024}, {100, 512}, {200, 256},
                                                           {400, 128}, {800, 64},  {1000, 32}};
inline constexpr std::uint32_t kLbDefaultSnatPortsMaxPerVm = 1024;  // LBDOCS: default allocation caps at 1,024
inline constexpr std::uint32_t kSnatPortsPerFrontendIp = 64000;     // LBDOCS: "Azure gives 64,000 ... as ephemeral ports"
inline constexpr std::uint16_t kSnatFirstPort = 1024;               // LBDOCS: the first 1,024 ports are reserved
inline constexpr std::uint32_t kSnatPortAllocationStep = 8;         // LBDOCS outbound rules: ports are given in multiples of 8
inline constexpr std::uint32_t kMaxAllocatedOutboundPorts = 64000;  // SPEC loadBalancerProfile.allocatedOutboundPorts: 0-64000
inline constexpr std::uint32_t kDefaultManagedOutboundIps = 1;      // SPEC managedOutboundIPs.count default 1
inline constexpr std::uint32_t kMaxLbManagedOutboundIps = 100;      // SPEC managedOutboundIPs.count: 1-100
inline constexpr std::uint32_t kDefaultLbIdleTimeoutMinutes = 30;   // SPEC loadBalancerProfile.idleTimeoutInMinutes default 30
inline constexpr std::uint32_t kNatGatewayPortsPerIp = 64512;       // NATDOCS: 64,512 SNAT ports per public IP
inline constexpr std::uint32_t kMaxNatGatewayManagedIps = 16;       // SPEC natGatewayProfile.managedOutboundIPProfile.count: 1-16
inline constexpr std::uint32_t kDefaultNatGatewayIdleTimeoutMinutes = 4;  // SPEC natGatewayProfile.idleTimeoutInMinutes default 4
inline constexpr std::uint32_t kMinIdleTimeoutMinutes = 4;          // SPEC idleTimeoutInMinutes: 4-120 (both profiles)
inline constexpr std::uint32_t kMaxIdleTimeoutMinutes = 120;
// Where the simulator puts the cluster's outbound public IPs: TEST-NET-2 (RFC 5737), documentation
// addresses that no scenario address can collide with (assumed: Azure assigns them from its own ranges).
inline constexpr std::string_view kOutboundIpRange = "198.51.100.0/24";

// A virtual appliance (userDefinedRouting's next hop) stands for Azure Firewall: 2,496 SNAT ports per
// public IP per backend instance, at least two instances (AZFWDOCS firewall-known-issues / SNAT
// private IP ranges: "2,496 ports per public IP address per backend virtual machine scale set instance").
inline constexpr std::uint32_t kFirewallSnatPortsPerIpPerInstance = 2496;
inline constexpr std::uint32_t kFirewallMinInstances = 2;
inline constexpr std::uint32_t kFirewallFirstPublicHost = 101;  // its public IP: 198.51.100.101, .102, ...

// SNAT ports each VM gets per frontend IP under default port allocation (LBDOCS table), or 0 when the
// pool is larger than the table (1,000 VMs per backend pool, LIMITS).
constexpr std::uint32_t lb_default_snat_ports(std::uint64_t pool_size) {
  for (const auto& row : kLbDefaultSnatPorts) {
    if (pool_size <= row.max_pool_size) return row.ports;
  }
  return 0;
}

}  // namespace cnisim::scenario::aks
