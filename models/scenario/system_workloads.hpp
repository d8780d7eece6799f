#pragma once
// The kube-system pods and Services every AKS cluster runs before you deploy anything, so that
// `get pods -A` and `get svc -A` look like a real cluster and system pods count against maxPods.
//
// They are appended after the file's own workloads and services (marked system = true), so that
// spec.workloads[i] is still the file's workloads[i]; schedule system ones first if order matters.
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::scenario {

// Removes any system workloads/services already present and adds those for spec's plugin:
//  - kube-proxy (hostNetwork DaemonSet) unless the cilium dataplane replaces it with eBPF;
//  - azure-ip-masq-agent (hostNetwork DaemonSet) for kubenet, Azure CNI and overlay, which masquerade
//    with it; cilium masquerades in eBPF and a bring-your-own CNI brings its own;
//  - cilium (hostNetwork DaemonSet) under the cilium dataplane;
//  - coredns and metrics-server Deployments (replica counts in aks_facts.hpp);
//  - Services: default/kubernetes (first address of serviceCidr), kube-system/kube-dns (dnsServiceIP,
//    53/UDP and 53/TCP), kube-system/metrics-server (443 -> 4443).
void add_system_workloads(ScenarioSpec& spec);

}  // namespace cnisim::scenario
