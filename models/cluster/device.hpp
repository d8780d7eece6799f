#pragma once
// Devices a packet can cross, each with a stable integer id (its index in Cluster::devices() and its
// vertex in the topology graph), so that the data path can keep per-device state in flat arrays.
#include <cstdint>
#include <limits>
#include <string_view>

#include "models/cluster/scenario_names.hpp"
#include "models/scenario/device_kinds.hpp"

namespace cnisim::cluster {

using DeviceId = std::uint32_t;
using NodeIndex = std::uint32_t;
using PodIndex = std::uint32_t;
using ServiceIndex = std::uint32_t;
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

std::string_view to_string(DeviceKind kind);

// Compact on purpose (a 5,000 x 250 cluster has about 3.8 million devices): names are derived on demand.
struct Device {
  DeviceKind kind = DeviceKind::NodeStack;
  NodeIndex node = kNone;  // owning node, kNone for VNet-level devices
  PodIndex pod = kNone;    // owning pod for pod devices; for external endpoints, the index in externals()
};

}  // namespace cnisim::cluster
