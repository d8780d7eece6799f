#include "models/scenario/node_reservations.hpp"

#include <algorithm>
#include <bit>

namespace cnisim::scenario {

std::uint64_t aks_reserved_cpu_millicores(std::uint32_t cores) {
  if (cores == 0) return 0;
  if (cores >= 8) return 180 + 10 * std::uint64_t{cores - 8};  // 8: 180, 16: 260, 32: 420, 64: 740
  // 1: 60, 2: 100, 4: 140, 8: 180: 40 m a doubling (3, 5, 6 and 7 cores: the doubling below).
  return 60 + 40 * static_cast<std::uint64_t>(std::bit_width(cores) - 1);
}

NodeResources aks_allocatable(std::uint32_t vcpus, std::uint64_t memory_mib, std::uint32_t max_pods, int minor_version) {
  NodeResources r;
  const std::uint64_t cpu = std::uint64_t{vcpus} * 1000;
  r.cpu_millicores = cpu - std::min(cpu, aks_reserved_cpu_millicores(vcpus));
  std::uint64_t reserved_mib = 0, eviction_mib = 0;
  if (minor_version >= 29) {
    reserved_mib = std::min<std::uint64_t>(20 * std::uint64_t{max_pods} + 50, memory_mib / 4);
    eviction_mib = 100;
  } else {
    // Regressive: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above.
    struct Band {
      std::uint64_t upto_mib;
      std::uint64_t percent;
    };
    constexpr Band kBands[] = {{4 * 1024, 25}, {8 * 1024, 20}, {16 * 1024, 10}, {128 * 1024, 6}, {~std::uint64_t{0}, 2}};
    std::uint64_t below = 0, hundredths = 0;
    for (const auto& b : kBands) {
      if (memory_mib <= below) break;
      hundredths += (std::min(memory_mib, b.upto_mib) - below) * b.percent;
      below = b.upto_mib;
    }
    reserved_mib = hundredths / 100;
    eviction_mib = 750;
  }
  const std::uint64_t kept = std::min(memory_mib, reserved_mib + eviction_mib);
  r.memory_kib = (memory_mib - kept) * 1024;
  return r;
}

}  // namespace cnisim::scenario
