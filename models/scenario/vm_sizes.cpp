#include "models/scenario/vm_sizes.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace cnisim::scenario {
namespace {

// Sources (learn.microsoft.com/azure/virtual-machines/...), memory in MiB from each page's "Memory: GiB"
// (DV2: 3.5 GiB a vCPU; DV3 and DV5: 4 GiB a vCPU):
//   DV2   dv2-dsv2-series: vCPU, "Expected network bandwidth (Mbps)"; Accelerated Networking: Supported.
//   DV3   dv3-dsv3-series: vCPU, "Max NICs / Expected network bandwidth (Mbps)"; Accelerated Networking per
//         accelerated-networking-overview: on hyperthreaded sizes (Dv3/Dsv3) only with 4 or more vCPUs.
//   DV5   dv5-dsv5-series: vCPU, "Max network bandwidth (Mbps)"; Accelerated Networking: Required.
constexpr std::array kSizes{
    VmSize{"Standard_D1_v2", 1, 750, true, 3584},         // DV2
    VmSize{"Standard_D2_v2", 2, 1500, true, 7168},        // DV2
    VmSize{"Standard_D3_v2", 4, 3000, true, 14336},       // DV2
    VmSize{"Standard_D4_v2", 8, 6000, true, 28672},       // DV2
    VmSize{"Standard_D5_v2", 16, 12000, true, 57344},     // DV2
    VmSize{"Standard_DS1_v2", 1, 750, true, 3584},        // DV2
    VmSize{"Standard_DS2_v2", 2, 1500, true, 7168},       // DV2 (AKS's long-time default node size)
    VmSize{"Standard_DS3_v2", 4, 3000, true, 14336},      // DV2
    VmSize{"Standard_DS4_v2", 8, 6000, true, 28672},      // DV2
    VmSize{"Standard_DS5_v2", 16, 12000, true, 57344},    // DV2
    VmSize{"Standard_D2_v3", 2, 1000, false, 8192},       // DV3
    VmSize{"Standard_D4_v3", 4, 2000, true, 16384},       // DV3
    VmSize{"Standard_D8_v3", 8, 4000, true, 32768},       // DV3
    VmSize{"Standard_D16_v3", 16, 8000, true, 65536},     // DV3
    VmSize{"Standard_D32_v3", 32, 16000, true, 131072},   // DV3
    VmSize{"Standard_D48_v3", 48, 24000, true, 196608},   // DV3
    VmSize{"Standard_D64_v3", 64, 30000, true, 262144},   // DV3
    VmSize{"Standard_D2s_v3", 2, 1000, false, 8192},      // DV3
    VmSize{"Standard_D4s_v3", 4, 2000, true, 16384},      // DV3
    VmSize{"Standard_D8s_v3", 8, 4000, true, 32768},      // DV3
    VmSize{"Standard_D16s_v3", 16, 8000, true, 65536},    // DV3
    VmSize{"Standard_D32s_v3", 32, 16000, true, 131072},  // DV3
    VmSize{"Standard_D48s_v3", 48, 24000, true, 196608},  // DV3
    VmSize{"Standard_D64s_v3", 64, 30000, true, 262144},  // DV3
    VmSize{"Standard_D2_v5", 2, 12500, true, 8192},       // DV5
    VmSize{"Standard_D4_v5", 4, 12500, true, 16384},      // DV5
    VmSize{"Standard_D8_v5", 8, 12500, true, 32768},      // DV5
    VmSize{"Standard_D16_v5", 16, 12500, true, 65536},    // DV5
    VmSize{"Standard_D32_v5", 32, 16000, true, 131072},   // DV5
    VmSize{"Standard_D48_v5", 48, 24000, true, 196608},   // DV5
    VmSize{"Standard_D64_v5", 64, 30000, true, 262144},   // DV5
    VmSize{"Standard_D96_v5", 96, 35000, true, 393216},   // DV5
    VmSize{"Standard_D2s_v5", 2, 12500, true, 8192},      // DV5
    VmSize{"Standard_D4s_v5", 4, 12500, true, 16384},     // DV5
    VmSize{"Standard_D8s_v5", 8, 12500, true, 32768},     // DV5
    VmSize{"Standard_D16s_v5", 16, 12500, true, 65536},   // DV5
    VmSize{"Standard_D32s_v5", 32, 16000, true, 131072},  // DV5
    VmSize{"Standard_D48s_v5", 48, 24000, true, 196608},  // DV5
    VmSize{"Standard_D64s_v5", 64, 30000, true, 262144},  // DV5
    VmSize{"Standard_D96s_v5", 96, 35000, true, 393216},  // DV5
};

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::span<const VmSize> vm_sizes() { return kSizes; }

const VmSize* find_vm_size(std::string_view name) {
  for (const auto& s : kSizes) {
    if (same_name(s.name, name)) return &s;
  }
  return nullptr;
}

}  // namespace cnisim::scenario
