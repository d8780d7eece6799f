#pragma once
// Pod and node names the way Kubernetes and AKS form them, derived deterministically so that a
// cluster of a million pods stores no name strings.
#include <cstdint>
#include <string>
#include <string_view>

#include "models/cluster/scenario_names.hpp"

namespace cnisim::cluster {

// FNV-1a 64 of text: the stable hash behind every derived name.
std::uint64_t stable_hash(std::string_view text);

// Deployment pods: <name>-<pod-template-hash>-<5 chars>; DaemonSet pods: <name>-<5 chars>. Characters
// from Kubernetes' rand.SafeEncodeString alphabet. The 5-character suffix is a bijection of the
// ordinal (below 27^5), so the pods of one workload never collide.
std::string pod_name(const WorkloadSpec& workload, std::uint32_t ordinal);

// Linux: aks-<pool>-<8 digits>-vmss<6 base-36 digits>; Windows: aks<pool><6 base-36 digits>. The 8
// digits AKS derives from the cluster; here from a hash of cluster and pool name.
std::string node_name(std::string_view cluster, const NodePoolSpec& pool, std::uint32_t index_in_pool);

}  // namespace cnisim::cluster
