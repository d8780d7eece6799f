#pragma once
// Azure VM sizes as a node pool's vmSize names them: vCPUs, the expected (outbound) network bandwidth
// and Accelerated Networking, each row from its series page on learn.microsoft.com (vm_sizes.cpp).
// The data path takes a node's vCPUs (the conntrack limit kube-proxy sets) and its bandwidth (the rate
// of the node's NIC towards the VNet) from here.
#include <cstdint>
#include <span>
#include <string_view>

namespace cnisim::scenario {

struct VmSize {
  std::string_view name;            // "Standard_D8s_v5"
  std::uint32_t vcpus = 0;
  std::uint64_t bandwidth_mbps = 0;  // "Expected network bandwidth" / "Max network bandwidth", outbound
  bool accelerated_networking = false;
  std::uint64_t memory_mib = 0;
};

std::span<const VmSize> vm_sizes();
// The size of that name (Azure size names are case-insensitive), nullptr if not in the table.
const VmSize* find_vm_size(std::string_view name);

}  // namespace cnisim::scenario
