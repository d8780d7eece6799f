#pragma once
// The cost profile: how long each device takes to do its work, and what each link is. Loaded from
// models/profiles/<name>.yaml (every number there carries its source), then overridden by a
// scenario's `costs` section. Service time at a device = fixed + perByte x size + the work actually
// done (route lookups under the lookup-cost model, conntrack, NAT rewrites, iptables rules walked).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/cluster/device.hpp"
#include "models/cluster/scenario_spec.hpp"
#include "models/dataplane/results.hpp"
#include "sim/time.hpp"

namespace cnisim::dataplane {

struct DeviceCost {
  sim::Time fixed;
  sim::Time per_byte;
};

struct LinkCost {
  sim::DataRate rate;  // 0: no serialization delay (virtual links)
  sim::Time delay;     // propagation
  std::uint32_t queue_packets =
      0;  // drop-tail limit of the sending side's queue (packets waiting + in service)
};

// How a route lookup is charged: a constant per table; per unit of the lookup's work measure
// (entries examined / trie levels); or measured: the real lookup timed on this machine at start-up
// (machine-dependent, so never the default: runs must be byte-identical everywhere).
enum class LookupCostModel : std::uint8_t { Constant, Proportional, Measured };
std::string_view to_string(LookupCostModel model);  // "constant", "proportional", "measured"

struct CostProfile {
  std::string name;
  std::string source;  // the profile file
  std::array<DeviceCost, kDeviceKindCount> devices{};
  std::array<LinkCost, kLinkKindCount> links{};
  LookupCostModel lookup_model = LookupCostModel::Constant;
  std::array<sim::Time, kTableKindCount> lookup_constant{};
  std::array<sim::Time, kTableKindCount> lookup_per_work{};
  sim::Time conntrack_lookup;
  sim::Time conntrack_create;
  sim::Time nat_rewrite;
  sim::Time iptables_per_rule;
  sim::Time service_map_lookup;  // ipvs, nftables verdict map, eBPF service map: one lookup
  std::uint32_t initial_ttl = 64;

  const DeviceCost& device(cluster::DeviceKind k) const { return devices[static_cast<std::size_t>(k)]; }
  const LinkCost& link(cluster::LinkKind k) const { return links[static_cast<std::size_t>(k)]; }
};

// The directory the shipped profiles live in (models/profiles in the source tree).
std::string default_profile_dir();
inline constexpr std::string_view kDefaultProfile = "aks-accelerated";

// Loads a complete profile: every key must be present. name_or_path: a shipped profile's name
// ("aks-accelerated") or a path to a YAML file. Throws cluster::ScenarioError with file:line:col
// diagnostics on unknown keys, wrong types and missing keys.
CostProfile load_profile(const std::string& name_or_path);
CostProfile load_profile_string(std::string_view yaml, const std::string& name);

// The profile a scenario runs with: its `costs.profile` (default aks-accelerated; a relative path
// is taken from the scenario file's directory), then every other key of `costs` applied on top.
CostProfile profile_for_scenario(const cluster::ScenarioSpec& spec);

// The profile as YAML with the same keys the file uses (what `cnisim ... --show-profile` prints).
std::string format_profile(const CostProfile& profile);

}  // namespace cnisim::dataplane
