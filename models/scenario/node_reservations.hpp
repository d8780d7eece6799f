#pragma once
// What AKS keeps back from a Linux node for the kubelet and the OS, so a node's allocatable CPU and
// memory are less than its VM size's (learn.microsoft.com/azure/aks/node-resource-reservations):
//   CPU, kube-reserved (millicores) by cores on the host: 1: 60, 2: 100, 4: 140, 8: 180, 16: 260,
//     32: 420, 64: 740; between the listed sizes, and above 64, the table's own slope (40 m a doubling
//     up to 8 cores, 10 m a core above).
//   Memory, AKS 1.29 and later: kube-reserved = min(20 MB x maxPods + 50 MB, 25% of the memory), plus
//     the kubelet's eviction threshold memory.available < 100Mi.
//   Memory, before 1.29: kube-reserved 25% of the first 4 GB, 20% of the next 4, 10% of the next 8, 6%
//     of the next 112 and 2% above 128 GB, plus the eviction threshold memory.available < 750Mi.
// The page's MB and GB are taken as MiB and GiB (kubelet quantities). Capacity is the VM size's
// memory as published; a real node's kernel reports a little less (firmware and kernel reservations).
#include <cstdint>

namespace cnisim::scenario {

struct NodeResources {
  std::uint64_t cpu_millicores = 0;
  std::uint64_t memory_kib = 0;
};

// kube-reserved CPU in millicores for a host with `cores` cores.
std::uint64_t aks_reserved_cpu_millicores(std::uint32_t cores);
// Allocatable CPU and memory of a Linux node with that many vCPUs, memory and maxPods, under a
// Kubernetes minor version (1.29 changed the memory rule).
NodeResources aks_allocatable(std::uint32_t vcpus, std::uint64_t memory_mib, std::uint32_t max_pods, int minor_version);

}  // namespace cnisim::scenario
