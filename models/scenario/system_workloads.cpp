#include "models/scenario/system_workloads.hpp"

#include <algorithm>
#include <string>

#include "models/scenario/aks_facts.hpp"

namespace cnisim::scenario {

namespace {

// Labels as AKS's own manifests set them, so that the Services below select these pods (AKSDOCS,
// `kubectl get pods -n kube-system --show-labels` on an AKS cluster).
WorkloadSpec system_workload(WorkloadKind kind, std::string name, std::string image,
                             std::map<std::string, std::string> labels, bool host_network,
                             std::uint32_t replicas) {
  WorkloadSpec w;
  w.kind = kind;
  w.namespace_ = std::string(aks::kKubeSystemNamespace);
  w.name = std::move(name);
  w.image = std::move(image);
  w.labels = std::move(labels);
  w.hostNetwork = host_network;
  w.replicas = kind == WorkloadKind::Deployment ? replicas : 0;
  w.nodeOs = OsType::Linux;
  w.system = true;
  return w;
}

ServicePort port(std::string name, std::string protocol, std::uint16_t number, std::uint16_t target) {
  return ServicePort{std::move(name), std::move(protocol), number, target};
}

}  // namespace

void add_system_workloads(ScenarioSpec& spec) {
  std::erase_if(spec.workloads, [](const WorkloadSpec& w) { return w.system; });
  std::erase_if(spec.services, [](const ServiceSpec& s) { return s.system; });

  const PluginKind plugin = spec.plugin();
  const bool cilium = plugin == PluginKind::Cilium;
  const std::string version = "v" + spec.cluster.kubernetesVersion;
  if (!cilium) {
    spec.workloads.push_back(system_workload(WorkloadKind::DaemonSet, "kube-proxy",
                                             "mcr.microsoft.com/oss/kubernetes/kube-proxy:" + version,
                                             {{"component", "kube-proxy"}, {"tier", "node"}}, true, 0));
  }
  if (plugin == PluginKind::Kubenet || plugin == PluginKind::AzureNodeSubnet ||
      plugin == PluginKind::AzureOverlay) {
    spec.workloads.push_back(system_workload(
        WorkloadKind::DaemonSet, "azure-ip-masq-agent", "mcr.microsoft.com/aks/ip-masq-agent-v2",
        {{"k8s-app", "azure-ip-masq-agent"}, {"tier", "node"}}, true, 0));
  }
  if (cilium) {
    spec.workloads.push_back(system_workload(WorkloadKind::DaemonSet, "cilium",
                                             "mcr.microsoft.com/oss/cilium/cilium", {{"k8s-app", "cilium"}},
                                             true, 0));
  }
  if (spec.cluster.nodeLocalDNSCache) {
    // The add-on's manifest (kubernetes cluster/addons/dns/nodelocaldns): a hostNetwork DaemonSet.
    spec.workloads.push_back(system_workload(WorkloadKind::DaemonSet, "node-local-dns",
                                             "registry.k8s.io/dns/k8s-dns-node-cache", {{"k8s-app", "node-local-dns"}},
                                             true, 0));
  }
  spec.workloads.push_back(
      system_workload(WorkloadKind::Deployment, "coredns", "mcr.microsoft.com/oss/kubernetes/coredns",
                      {{"k8s-app", "kube-dns"}, {"version", "v20"}}, false, aks::kCoreDnsReplicas));
  spec.workloads.push_back(system_workload(
      WorkloadKind::Deployment, "metrics-server", "mcr.microsoft.com/oss/kubernetes/metrics-server",
      {{"k8s-app", "metrics-server"}}, false, aks::kMetricsServerReplicas));

  ServiceSpec kubernetes;
  kubernetes.namespace_ = "default";
  kubernetes.name = "kubernetes";
  kubernetes.ports = {port("https", "TCP", 443, 443)};
  // K8S: the kubernetes Service takes the first address of the service CIDR.
  kubernetes.clusterIP = spec.cluster.networkProfile.serviceCidr.network() + 1;
  kubernetes.system = true;
  spec.services.push_back(kubernetes);

  ServiceSpec dns;
  dns.namespace_ = std::string(aks::kKubeSystemNamespace);
  dns.name = "kube-dns";
  dns.selector = {{"k8s-app", "kube-dns"}};
  dns.ports = {port("dns", "UDP", 53, 53), port("dns-tcp", "TCP", 53, 53)};
  dns.clusterIP = spec.cluster.networkProfile.dnsServiceIP;
  dns.system = true;
  spec.services.push_back(dns);

  ServiceSpec metrics;
  metrics.namespace_ = std::string(aks::kKubeSystemNamespace);
  metrics.name = "metrics-server";
  metrics.selector = {{"k8s-app", "metrics-server"}};
  metrics.ports = {port("https", "TCP", 443, 4443)};
  metrics.system = true;
  spec.services.push_back(metrics);
}

}  // namespace cnisim::scenario
