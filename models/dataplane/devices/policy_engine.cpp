#include "models/dataplane/devices/policy_engine.hpp"

namespace cnisim::dataplane::devices {

namespace {

std::int64_t charge(const ServeContext& cx, const cluster::PolicyWork& w) {
  auto& counts = cx.counters.policy;
  counts.rules_walked += w.rules;
  counts.set_lookups += w.setLookups;
  counts.map_lookups += w.mapLookups;
  return cx.profile.iptables_per_rule.ps() * w.rules + cx.profile.ipset_lookup.ps() * w.setLookups +
         cx.profile.policy_map_lookup.ps() * w.mapLookups;
}

}  // namespace

std::int64_t enforce_new(const ServeContext& cx, const cluster::NetworkPolicies& policies, cluster::NodeIndex node,
                         Packet& p) {
  if (!policies.enforced()) return 0;
  cluster::PolicyCheck check = policies.check_new(node, p.tuple);
  if (!check.verdicts.empty()) ++cx.counters.policy.connections_checked;
  const std::int64_t cost = charge(cx, check.work);
  if (!check.allowed) {
    ++cx.counters.policy.denied;
    ServeContext::drop(p, DropReason::PolicyDenied);
  }
  if (cx.trace) cx.note(facts::PolicyChecked{std::move(check.verdicts), check.work});
  return cost;
}

std::int64_t enforce_established(const ServeContext& cx, const cluster::NetworkPolicies& policies,
                                 cluster::NodeIndex node, const net::FiveTuple& tuple, bool reply) {
  if (!policies.enforced()) return 0;
  return charge(cx, policies.check_established(node, tuple, reply));
}

}  // namespace cnisim::dataplane::devices
