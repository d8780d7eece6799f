#pragma once
// A small cluster spec written in code (independent of the YAML loader), shaped like the article's
// walkthrough: one pool of 3 Linux nodes, kube-proxy as a hostNetwork DaemonSet, CoreDNS behind
// kube-dns, and nginx with 10 replicas behind a Service.
#include "models/scenario/aks_facts.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::cluster::testing {

inline WorkloadSpec workload(WorkloadKind kind, std::string ns, std::string name, std::uint32_t replicas,
                             std::map<std::string, std::string> labels, bool host_network, bool system) {
  WorkloadSpec w;
  w.kind = kind;
  w.namespace_ = std::move(ns);
  w.name = std::move(name);
  w.replicas = replicas;
  w.image = "example";
  w.labels = std::move(labels);
  w.hostNetwork = host_network;
  w.system = system;
  return w;
}

inline ScenarioSpec walkthrough_spec(PluginKind plugin, std::uint32_t nodes = 3, std::uint32_t nginx = 10) {
  ScenarioSpec s;
  s.sourceFile = "walkthrough (in code)";
  s.cluster.name = "aks-cni";
  s.cluster.kubernetesVersion = "1.30.0";
  auto& np = s.cluster.networkProfile;
  np.podCidr = net::Cidr::parse(aks::kDefaultPodCidr);
  np.serviceCidr = net::Cidr::parse(aks::kDefaultServiceCidr);
  np.dnsServiceIP = net::Ipv4::parse(aks::kDefaultDnsServiceIP);
  std::uint32_t max_pods = aks::kKubenetDefaultMaxPods;
  switch (plugin) {
    case PluginKind::Kubenet: np.networkPlugin = NetworkPlugin::Kubenet; break;
    case PluginKind::AzureNodeSubnet:
      np.networkPlugin = NetworkPlugin::Azure;
      max_pods = aks::kAzureNodeSubnetDefaultMaxPods;
      break;
    case PluginKind::AzureOverlay:
      np.networkPlugin = NetworkPlugin::Azure;
      np.networkPluginMode = NetworkPluginMode::Overlay;
      max_pods = aks::kOverlayDefaultMaxPods;
      break;
    case PluginKind::Cilium:
      np.networkPlugin = NetworkPlugin::Azure;
      np.networkPluginMode = NetworkPluginMode::Overlay;
      np.networkDataplane = NetworkDataplane::Cilium;
      max_pods = aks::kOverlayDefaultMaxPods;
      break;
    case PluginKind::None: np.networkPlugin = NetworkPlugin::None; break;
  }
  s.cluster.vnet.name = "aks-vnet";
  s.cluster.vnet.addressSpace = {net::Cidr::parse(aks::kManagedVnetAddressSpace)};
  s.cluster.vnet.subnetName = "aks-subnet";
  s.cluster.vnet.nodeSubnet = net::Cidr::parse(aks::kManagedNodeSubnet);
  NodePoolSpec pool;
  pool.name = "nodepool1";
  pool.count = nodes;
  pool.vmSize = "Standard_DS2_v2";
  pool.mode = PoolMode::System;
  pool.maxPods = max_pods;
  s.nodePools.push_back(pool);
  if (plugin != PluginKind::Cilium) {
    s.workloads.push_back(workload(WorkloadKind::DaemonSet, "kube-system", "kube-proxy", 0,
                                   {{"component", "kube-proxy"}}, true, true));
  }
  s.workloads.push_back(workload(WorkloadKind::Deployment, "kube-system", "coredns", 2, {{"k8s-app", "kube-dns"}},
                                 false, true));
  s.workloads.push_back(workload(WorkloadKind::Deployment, "default", "nginx", nginx, {{"app", "nginx"}}, false, false));
  ServiceSpec kubernetes;
  kubernetes.name = "kubernetes";
  kubernetes.ports = {{"https", "TCP", 443, 443}};
  kubernetes.system = true;
  ServiceSpec dns;
  dns.namespace_ = "kube-system";
  dns.name = "kube-dns";
  dns.selector = {{"k8s-app", "kube-dns"}};
  dns.ports = {{"dns", "UDP", 53, 53}, {"dns-tcp", "TCP", 53, 53}};
  dns.system = true;
  ServiceSpec web;
  web.name = "nginx";
  web.selector = {{"app", "nginx"}};
  web.ports = {{"http", "TCP", 80, 80}};
  s.services = {kubernetes, dns, web};
  return s;
}

}  // namespace cnisim::cluster::testing
