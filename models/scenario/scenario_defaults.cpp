#include "models/scenario/scenario_defaults.hpp"

#include <string>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/scenario_parser.hpp"

namespace cnisim::scenario {

namespace {

// Sets a field to its default unless the file gave it, and marks it as defaulted.
template <class T, class V>
void default_to(ScenarioSpec& spec, const std::string& path, T& field, const V& value) {
  if (spec.given(path)) return;
  field = T(value);
  spec.marks[path] = SourceMark{spec.sourceFile, 0, 0};
}

void default_network_profile(ScenarioSpec& spec) {
  const std::string p = "cluster.networkProfile.";
  NetworkProfile& np = spec.cluster.networkProfile;
  // AKS picks Azure CNI Overlay from Kubernetes 1.30 on and kubenet before (SPEC). A mode or dataplane
  // that only exists with Azure CNI implies it.
  const bool azure_only_options_given =
      spec.given(p + "networkPluginMode") || spec.given(p + "networkDataplane");
  const int minor = kubernetes_minor(spec.cluster.kubernetesVersion).value_or(aks::kOverlayDefaultFromMinor);
  const bool overlay_by_version = minor >= aks::kOverlayDefaultFromMinor;
  default_to(spec, p + "networkPlugin", np.networkPlugin,
             overlay_by_version || azure_only_options_given ? NetworkPlugin::Azure : NetworkPlugin::Kubenet);
  default_to(
      spec, p + "networkPluginMode", np.networkPluginMode,
      np.networkPlugin == NetworkPlugin::Azure && !spec.given(p + "networkPlugin") && overlay_by_version
          ? NetworkPluginMode::Overlay
          : NetworkPluginMode::Default);
  default_to(spec, p + "networkDataplane", np.networkDataplane, NetworkDataplane::Azure);
  default_to(spec, p + "networkPolicy", np.networkPolicy, NetworkPolicy::None);
  default_to(spec, p + "podCidr", np.podCidr, net::Cidr::parse(aks::kDefaultPodCidr));
  default_to(spec, p + "serviceCidr", np.serviceCidr, net::Cidr::parse(aks::kDefaultServiceCidr));
  default_to(spec, p + "dnsServiceIP", np.dnsServiceIP, net::Ipv4::parse(aks::kDefaultDnsServiceIP));
  default_to(spec, p + "outboundType", np.outboundType, OutboundType::LoadBalancer);
  default_to(spec, p + "loadBalancerProfile.managedOutboundIPs.count", np.loadBalancerProfile.managedOutboundIPs,
             aks::kDefaultManagedOutboundIps);
  default_to(spec, p + "loadBalancerProfile.allocatedOutboundPorts", np.loadBalancerProfile.allocatedOutboundPorts, 0u);
  default_to(spec, p + "loadBalancerProfile.idleTimeoutInMinutes", np.loadBalancerProfile.idleTimeoutInMinutes,
             aks::kDefaultLbIdleTimeoutMinutes);
  default_to(spec, p + "natGatewayProfile.managedOutboundIPProfile.count", np.natGatewayProfile.managedOutboundIPs,
             aks::kDefaultManagedOutboundIps);
  default_to(spec, p + "natGatewayProfile.idleTimeoutInMinutes", np.natGatewayProfile.idleTimeoutInMinutes,
             aks::kDefaultNatGatewayIdleTimeoutMinutes);
  default_to(spec, p + "kubeProxyConfig.mode", np.kubeProxyMode, KubeProxyMode::Iptables);
}

void default_vnet(ScenarioSpec& spec) {
  VnetSpec& v = spec.cluster.vnet;
  default_to(spec, "cluster.vnet.name", v.name, aks::kManagedVnetName);
  default_to(spec, "cluster.vnet.subnetName", v.subnetName, aks::kManagedSubnetName);
  if (spec.given("cluster.vnet")) return;  // the file's own VNet: addressSpace and nodeSubnet are required
  default_to(spec, "cluster.vnet.addressSpace", v.addressSpace,
             std::vector<net::Cidr>{net::Cidr::parse(aks::kManagedVnetAddressSpace)});
  default_to(spec, "cluster.vnet.nodeSubnet", v.nodeSubnet, net::Cidr::parse(aks::kManagedNodeSubnet));
}

void default_node_pools(ScenarioSpec& spec) {
  if (!spec.given("nodePools")) {
    NodePoolSpec pool;
    pool.name = aks::kDefaultNodePoolName;
    pool.count = aks::kDefaultNodeCount;
    pool.mode = PoolMode::System;
    pool.maxSurge = aks::kDefaultMaxSurge;
    spec.nodePools.push_back(pool);
    spec.marks["nodePools"] = SourceMark{spec.sourceFile, 0, 0};
  }
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const std::string p = "nodePools[" + std::to_string(i) + "].";
    NodePoolSpec& pool = spec.nodePools[i];
    default_to(spec, p + "vmSize", pool.vmSize, aks::kDefaultVmSize);
    default_to(spec, p + "osType", pool.osType, OsType::Linux);
    // The pool created with the cluster is its System pool (AKSDOCS use-system-pools).
    default_to(spec, p + "mode", pool.mode, i == 0 ? PoolMode::System : PoolMode::User);
    default_to(spec, p + "maxSurge", pool.maxSurge, aks::kDefaultMaxSurge);
  }
}

void default_workloads(ScenarioSpec& spec) {
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    const std::string p = "workloads[" + std::to_string(i) + "].";
    WorkloadSpec& w = spec.workloads[i];
    default_to(spec, p + "kind", w.kind, WorkloadKind::Deployment);
    default_to(spec, p + "namespace", w.namespace_, "default");
    // `kubectl create deployment NAME` labels its pods app=NAME.
    if (!spec.given(p + "labels") && !w.name.empty()) {
      default_to(spec, p + "labels", w.labels, std::map<std::string, std::string>{{"app", w.name}});
    }
  }
  for (std::size_t i = 0; i < spec.services.size(); ++i) {
    default_to(spec, "services[" + std::to_string(i) + "].namespace", spec.services[i].namespace_, "default");
  }
}

}  // namespace

std::uint32_t default_max_pods(const ScenarioSpec& spec) {
  const bool pod_subnet = spec.cluster.vnet.podSubnet.has_value();
  switch (spec.plugin()) {
    case PluginKind::Kubenet:
      return aks::kKubenetDefaultMaxPods;
    case PluginKind::AzureOverlay:
      return aks::kOverlayDefaultMaxPods;
    case PluginKind::AzureNodeSubnet:
      return pod_subnet ? aks::kAzurePodSubnetDefaultMaxPods : aks::kAzureNodeSubnetDefaultMaxPods;
    case PluginKind::Cilium:
      if (spec.cluster.networkProfile.networkPluginMode == NetworkPluginMode::Overlay) {
        return aks::kOverlayDefaultMaxPods;
      }
      return pod_subnet ? aks::kAzurePodSubnetDefaultMaxPods : aks::kAzureNodeSubnetDefaultMaxPods;
    case PluginKind::None:
      return aks::kNoneDefaultMaxPods;
  }
  return aks::kKubenetDefaultMaxPods;
}

void apply_plugin_defaults(ScenarioSpec& spec) {
  const std::uint32_t max_pods = default_max_pods(spec);
  for (std::size_t i = 0; i < spec.nodePools.size(); ++i) {
    const std::string path = "nodePools[" + std::to_string(i) + "].maxPods";
    if (spec.given(path)) continue;
    spec.nodePools[i].maxPods = max_pods;
    spec.marks[path] = SourceMark{spec.sourceFile, 0, 0};
  }
}

void apply_defaults(ScenarioSpec& spec) {
  default_to(spec, "cluster.kubernetesVersion", spec.cluster.kubernetesVersion,
             aks::kDefaultKubernetesVersion);
  default_network_profile(spec);
  default_vnet(spec);
  default_node_pools(spec);
  apply_plugin_defaults(spec);
  default_workloads(spec);
}

}  // namespace cnisim::scenario
