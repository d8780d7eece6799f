#pragma once
// What a route lookup costs under the profile's lookup model (constant, proportional to the table's
// work, or measured: the same inline lookup the data path does, timed on this machine at start-up).
#include <array>
#include <cstdint>

#include "models/cluster/cluster.hpp"
#include "models/scenario/cost_profile.hpp"

namespace cnisim::dataplane {

using scenario::kTableKindCount;
using scenario::TableKind;

class LookupCosts {
 public:
  // measure: time the real lookups of each table even when the model does not need them.
  LookupCosts(const cluster::Cluster& cluster, const scenario::CostProfile& profile, std::uint64_t seed, bool measure);

  std::int64_t ps(TableKind table, std::uint32_t work) const {
    const auto t = static_cast<std::size_t>(table);
    switch (model_) {
      case scenario::LookupCostModel::Constant:
        return constant_ps_[t];
      case scenario::LookupCostModel::Proportional:
        return per_work_ps_[t] * work;
      case scenario::LookupCostModel::Measured:
        return measured_ps_[t];
    }
    return 0;
  }
  // ns per lookup in each table, timed on this machine (0 if not measured).
  const std::array<double, kTableKindCount>& host_ns() const { return host_ns_; }

 private:
  void measure(const cluster::Cluster& cluster, std::uint64_t seed);

  scenario::LookupCostModel model_;
  std::array<std::int64_t, kTableKindCount> constant_ps_{};
  std::array<std::int64_t, kTableKindCount> per_work_ps_{};
  std::array<std::int64_t, kTableKindCount> measured_ps_{};
  std::array<double, kTableKindCount> host_ns_{};
};

}  // namespace cnisim::dataplane
