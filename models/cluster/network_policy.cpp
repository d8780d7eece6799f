#include "models/cluster/network_policy.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "models/cluster/cluster.hpp"

namespace cnisim::cluster {

using scenario::NetworkPolicy;
using scenario::NetworkPolicySpec;
using scenario::PolicyPeer;
using scenario::PolicyRule;

namespace {

// Felix's cali-FORWARD as it renders it (felix/rules/static.go): FORWARD's jump to it, the mark
// clear, the jump to cali-from-hep-forward, then `-i cali+ -j cali-from-wl-dispatch` (rule 4),
// `-o cali+ -j cali-to-wl-dispatch` (rule 5), then cali-to-hep-forward, cali-cidr-block and the accept
// of a packet a policy marked: eight rules in all.
constexpr std::uint32_t kCaliFromWorkload = 4;
constexpr std::uint32_t kCaliToWorkload = 5;
constexpr std::uint32_t kCaliAll = 8;
// An endpoint chain's head (felix/rules/endpoints.go): conntrack ESTABLISHED accept, INVALID drop, the
// mark clear; from a workload also the drops of VXLAN and IP-in-IP packets it sends.
constexpr std::uint32_t kCaliEndpointHead = 3;
constexpr std::uint32_t kCaliFromWorkloadEncapDrops = 2;
// The namespace's profile when no policy selects the endpoint: the jump, the profile's accept mark and
// its return, the "return if profile accepted" check.
constexpr std::uint32_t kCaliProfile = 4;
// AZURE-NPM as NPM v2 sets it up (npm/pkg/dataplane/policies/chain-management_linux.go): FORWARD's
// `-m conntrack --ctstate NEW -j AZURE-NPM`, AZURE-NPM's jumps to AZURE-NPM-INGRESS, -EGRESS and
// -ACCEPT, and AZURE-NPM-ACCEPT's mark clear and ACCEPT.
constexpr std::uint32_t kNpmEntry = 6;
// After all jumps of AZURE-NPM-INGRESS (-EGRESS): the drop of a packet a policy marked for dropping.
constexpr std::uint32_t kNpmChainTail = 1;
// AZURE-NPM-INGRESS-ALLOW-MARK: set the allow mark, return.
constexpr std::uint32_t kNpmAllowMark = 2;

bool port_matches(const scenario::PolicyPort& port, net::Protocol protocol, std::uint16_t dst_port) {
  const bool same = (port.protocol == "TCP" && protocol == net::Protocol::Tcp) ||
                    (port.protocol == "UDP" && protocol == net::Protocol::Udp) ||
                    (port.protocol == "SCTP" && protocol == net::Protocol::Sctp);
  if (!same) return false;
  if (port.port == 0) return true;
  const std::uint16_t last = port.endPort ? port.endPort : port.port;
  return dst_port >= port.port && dst_port <= last;
}

// The protocols of a rule's ports, in order of first appearance (Calico: one rule per protocol);
// a rule without ports is one group matching every protocol.
std::vector<std::string> protocol_groups(const PolicyRule& rule) {
  std::vector<std::string> groups;
  for (const auto& p : rule.ports) {
    if (std::find(groups.begin(), groups.end(), p.protocol) == groups.end()) groups.push_back(p.protocol);
  }
  if (groups.empty()) groups.emplace_back();
  return groups;
}

bool group_matches(const PolicyRule& rule, const std::string& group, net::Protocol protocol, std::uint16_t port) {
  if (group.empty()) return true;
  return std::any_of(rule.ports.begin(), rule.ports.end(),
                     [&](const auto& p) { return p.protocol == group && port_matches(p, protocol, port); });
}

// ipsets NPM matches for a peer: the namespace's and the selector's (a pod selector alone is scoped to
// the policy's namespace, so two); an ipBlock's CIDR set; none for "any peer".
std::uint32_t npm_peer_sets(const PolicyPeer* peer) {
  if (peer == nullptr) return 0;
  if (peer->ipBlock) return 1;
  return peer->podSelector ? 2 : 1;
}

std::uint32_t selector_terms(const scenario::LabelSelector& s) {
  return static_cast<std::uint32_t>(s.matchLabels.size() + s.matchExpressions.size());
}

}  // namespace

std::string_view to_string(PolicyDirection d) { return d == PolicyDirection::Ingress ? "ingress" : "egress"; }

NetworkPolicies::NetworkPolicies(const Cluster& cluster)
    : cluster_(&cluster), engine_(cluster.spec().cluster.networkProfile.networkPolicy) {
  if (engine_ == NetworkPolicy::None) return;
  const auto& spec = cluster.spec();
  // Every namespace carries kubernetes.io/metadata.name (Kubernetes sets it); the scenario adds labels.
  for (const auto& w : spec.workloads) namespace_labels_[w.namespace_];
  for (const auto& p : spec.networkPolicies) namespace_labels_[p.namespace_];
  for (const auto& ns : spec.namespaces) namespace_labels_[ns.name] = ns.labels;
  for (auto& [name, labels] : namespace_labels_) labels["kubernetes.io/metadata.name"] = name;

  // Engine order: Calico sorts policies of one order (every Kubernetes policy has 1000) by name; NPM
  // inserts each new policy's jump at the top of its chain (newest first); Cilium has no order.
  std::vector<std::uint32_t> order(spec.networkPolicies.size());
  std::iota(order.begin(), order.end(), 0);
  if (engine_ == NetworkPolicy::Calico) {
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const auto& x = spec.networkPolicies[a];
      const auto& y = spec.networkPolicies[b];
      return std::tie(x.namespace_, x.name) < std::tie(y.namespace_, y.name);
    });
  } else if (engine_ == NetworkPolicy::Azure) {
    std::reverse(order.begin(), order.end());
  }
  npm_order_ = order;

  const auto& pods = cluster.pods();
  ingress_.resize(pods.size());
  egress_.resize(pods.size());
  for (PodIndex p = 0; p < pods.size(); ++p) {
    if (cluster.host_network(p)) continue;
    const auto& w = cluster.workload(p);
    for (std::uint32_t i : order) {
      const NetworkPolicySpec& policy = spec.networkPolicies[i];
      if (policy.namespace_ != w.namespace_ || !scenario::matches(policy.podSelector, w.labels)) continue;
      if (policy.ingressType) ingress_[p].push_back(i);
      if (policy.egressType) egress_[p].push_back(i);
    }
  }

  // Calico's dispatch chains (felix/rules/dispatch.go): the node's workload interfaces sorted, split by
  // the character after their common prefix; the root chain has a rule per such prefix (a goto to the
  // endpoint's chain when one interface has it, else to a child chain with a rule per interface).
  calico_dispatch_.assign(pods.size(), 0);
  if (engine_ != NetworkPolicy::Calico) return;
  for (NodeIndex n = 0; n < cluster.nodes().size(); ++n) {
    std::vector<std::pair<std::string, PodIndex>> names;
    const std::string node_prefix = cluster.nodes()[n].name + ":";
    for (PodIndex p : cluster.pods_on(n)) {
      if (pods[p].vethHost == kNone) continue;
      std::string name = cluster.device_name(pods[p].vethHost);
      if (name.starts_with(node_prefix)) name.erase(0, node_prefix.size());
      names.emplace_back(std::move(name), p);
    }
    if (names.empty()) continue;
    std::sort(names.begin(), names.end());
    std::size_t common = names.front().first.size();
    for (const auto& [name, p] : names) {
      const auto& first = names.front().first;
      std::size_t k = 0;
      while (k < common && k < name.size() && name[k] == first[k]) ++k;
      common = k;
    }
    std::size_t i = 0;
    std::uint32_t group = 0;
    while (i < names.size()) {
      const auto key = names[i].first.substr(0, common + 1);
      std::size_t j = i;
      while (j < names.size() && names[j].first.substr(0, common + 1) == key) ++j;
      ++group;
      for (std::size_t k = i; k < j; ++k) {
        calico_dispatch_[names[k].second] = group + (j - i > 1 ? static_cast<std::uint32_t>(k - i + 1) : 0);
      }
      i = j;
    }
  }
}

std::string NetworkPolicies::policy_name(std::uint32_t policy) const {
  const auto& p = cluster_->spec().networkPolicies[policy];
  return p.namespace_ + "/" + p.name;
}

PodIndex NetworkPolicies::pod_at(net::Ipv4 ip) const {
  const auto owner = cluster_->owner_of(ip);
  if (!owner || owner->kind != Cluster::AddressOwner::Kind::Pod) return kNone;
  return cluster_->host_network(owner->index) ? kNone : owner->index;
}

NetworkPolicies::Ends NetworkPolicies::ends(NodeIndex node, const net::FiveTuple& t) const {
  Ends e{pod_at(t.src), pod_at(t.dst), false, false};
  e.localSrc = e.src != kNone && cluster_->pods()[e.src].node == node;
  e.localDst = e.dst != kNone && cluster_->pods()[e.dst].node == node;
  return e;
}

bool NetworkPolicies::peer_matches(const NetworkPolicySpec& policy, const PolicyPeer& peer, net::Ipv4 ip) const {
  if (peer.ipBlock) {
    if (!peer.ipBlock->cidr.contains(ip)) return false;
    return std::none_of(peer.ipBlock->except.begin(), peer.ipBlock->except.end(),
                        [&](const net::Cidr& e) { return e.contains(ip); });
  }
  const PodIndex p = pod_at(ip);
  if (p == kNone) return false;
  const auto& w = cluster_->workload(p);
  if (peer.namespaceSelector) {
    const auto it = namespace_labels_.find(w.namespace_);
    if (it == namespace_labels_.end() || !scenario::matches(*peer.namespaceSelector, it->second)) return false;
  } else if (w.namespace_ != policy.namespace_) {
    return false;  // a podSelector alone selects in the policy's namespace
  }
  return !peer.podSelector || scenario::matches(*peer.podSelector, w.labels);
}

bool NetworkPolicies::rule_matches(std::uint32_t policy, PolicyDirection d, std::uint32_t rule, net::Ipv4 peer,
                                   net::Protocol protocol, std::uint16_t port) const {
  const NetworkPolicySpec& spec = cluster_->spec().networkPolicies[policy];
  const PolicyRule& r = (d == PolicyDirection::Ingress ? spec.ingress : spec.egress)[rule];
  const bool ports = r.ports.empty() || std::any_of(r.ports.begin(), r.ports.end(), [&](const auto& p) {
                       return port_matches(p, protocol, port);
                     });
  if (!ports) return false;
  return r.peers.empty() ||
         std::any_of(r.peers.begin(), r.peers.end(), [&](const PolicyPeer& p) { return peer_matches(spec, p, peer); });
}

PolicyVerdict NetworkPolicies::decide(PolicyDirection d, PodIndex pod, net::Ipv4 peer, net::Protocol protocol,
                                      std::uint16_t port) const {
  PolicyVerdict v;
  v.direction = d;
  v.pod = pod;
  v.selecting = selecting(pod, d);
  v.isolated = !v.selecting.empty();
  if (!v.isolated) return v;
  if (d == PolicyDirection::Ingress && peer == cluster_->nodes()[cluster_->pods()[pod].node].ip) {
    v.fromOwnNode = true;  // kubelet's probes and the node's own traffic
    return v;
  }
  const auto& policies = cluster_->spec().networkPolicies;
  for (std::uint32_t i : v.selecting) {
    const auto& rules = d == PolicyDirection::Ingress ? policies[i].ingress : policies[i].egress;
    for (std::uint32_t r = 0; r < rules.size(); ++r) {
      if (rule_matches(i, d, r, peer, protocol, port)) {
        v.policy = i;
        v.rule = r;
        return v;
      }
    }
  }
  v.allowed = false;
  return v;
}

PolicyWork NetworkPolicies::calico_endpoint(const PolicyVerdict& v, net::Ipv4 peer, net::Protocol protocol,
                                            std::uint16_t port) const {
  PolicyWork w;
  w.rules = calico_dispatch_[v.pod] + kCaliEndpointHead +
            (v.direction == PolicyDirection::Egress ? kCaliFromWorkloadEncapDrops : 0);
  if (!v.isolated || v.fromOwnNode) {
    // Not isolated: the namespace profile accepts. From the node: Felix accepts host-to-local-workload
    // traffic ahead of the policies; charged like the profile's walk.
    w.rules += kCaliProfile;
    return w;
  }
  const auto& policies = cluster_->spec().networkPolicies;
  w.rules += 1;  // start of tier: clear the pass mark
  for (std::uint32_t i : v.selecting) {
    w.rules += 2;  // the jump to the policy's chain and the "return if policy accepted" check
    const auto& rules = v.direction == PolicyDirection::Ingress ? policies[i].ingress : policies[i].egress;
    bool accepted = false;
    for (std::uint32_t r = 0; r < rules.size() && !accepted; ++r) {
      const PolicyRule& rule = rules[r];
      const std::size_t peers = std::max<std::size_t>(rule.peers.size(), 1);
      for (const auto& group : protocol_groups(rule)) {
        for (std::size_t k = 0; k < peers && !accepted; ++k) {
          const PolicyPeer* peer_spec = rule.peers.empty() ? nullptr : &rule.peers[k];
          w.rules += 2;  // the rule (mark accept) and its "return if marked"
          if (peer_spec && !peer_spec->ipBlock) ++w.setLookups;
          accepted = group_matches(rule, group, protocol, port) &&
                     (peer_spec == nullptr || peer_matches(policies[i], *peer_spec, peer));
        }
        if (accepted) break;
      }
    }
    if (accepted) return w;
  }
  w.rules += 1;  // end of tier: drop if no policy passed the packet
  return w;
}

PolicyWork NetworkPolicies::npm_chain(PolicyDirection d, PodIndex pod, const PolicyVerdict* v, net::Ipv4 peer,
                                      net::Protocol protocol, std::uint16_t port) const {
  PolicyWork w;
  const auto& spec = cluster_->spec();
  const auto& policies = spec.networkPolicies;
  const scenario::WorkloadSpec* workload = pod == kNone ? nullptr : &cluster_->workload(pod);
  bool decided = false;
  for (std::uint32_t i : npm_order_) {
    const NetworkPolicySpec& policy = policies[i];
    if (!(d == PolicyDirection::Ingress ? policy.ingressType : policy.egressType)) continue;
    // The jump, matched against the selected pods' sets: the namespace's first, then each selector term.
    ++w.rules;
    ++w.setLookups;
    if (workload == nullptr || workload->namespace_ != policy.namespace_) continue;
    w.setLookups += selector_terms(policy.podSelector);
    if (!scenario::matches(policy.podSelector, workload->labels) || decided) continue;
    if (v != nullptr && v->fromOwnNode) continue;
    // The policy's chain: one rule per peer and port, until one allows; else its drop mark.
    const auto& rules = d == PolicyDirection::Ingress ? policy.ingress : policy.egress;
    bool allowed = false;
    for (std::uint32_t r = 0; r < rules.size() && !allowed; ++r) {
      const PolicyRule& rule = rules[r];
      const std::size_t peers = std::max<std::size_t>(rule.peers.size(), 1);
      const std::size_t ports = std::max<std::size_t>(rule.ports.size(), 1);
      for (std::size_t k = 0; k < peers && !allowed; ++k) {
        const PolicyPeer* peer_spec = rule.peers.empty() ? nullptr : &rule.peers[k];
        for (std::size_t q = 0; q < ports && !allowed; ++q) {
          ++w.rules;
          w.setLookups += npm_peer_sets(peer_spec);
          allowed = (rule.ports.empty() || port_matches(rule.ports[q], protocol, port)) &&
                    (peer_spec == nullptr || peer_matches(policy, *peer_spec, peer));
        }
      }
    }
    if (allowed) {
      w.rules += kNpmAllowMark;
      decided = true;
    } else {
      ++w.rules;  // the policy's drop mark
    }
  }
  w.rules += kNpmChainTail;
  return w;
}

PolicyCheck NetworkPolicies::check_new(NodeIndex node, const net::FiveTuple& t) const {
  PolicyCheck out;
  if (engine_ == NetworkPolicy::None) return out;
  const auto [src, dst, local_src, local_dst] = ends(node, t);
  auto verdict = [&](PolicyDirection d, PodIndex pod) {
    out.verdicts.push_back(
        decide(d, pod, d == PolicyDirection::Egress ? t.dst : t.src, t.protocol, t.dst_port));
    out.allowed = out.verdicts.back().allowed;
    return &out.verdicts.back();
  };
  switch (engine_) {
    case NetworkPolicy::Calico: {
      if (!local_src && !local_dst) {
        out.work.rules = kCaliAll;
        return out;
      }
      out.work.rules = local_dst ? kCaliToWorkload : kCaliFromWorkload;
      if (local_src) {
        const PolicyVerdict* v = verdict(PolicyDirection::Egress, src);
        out.work += calico_endpoint(*v, t.dst, t.protocol, t.dst_port);
        if (!v->allowed) return out;
      }
      if (local_dst) {
        const PolicyVerdict* v = verdict(PolicyDirection::Ingress, dst);
        out.work += calico_endpoint(*v, t.src, t.protocol, t.dst_port);
        if (!v->allowed) return out;
      }
      out.work.rules += kCaliAll - kCaliToWorkload;
      return out;
    }
    case NetworkPolicy::Azure: {
      out.work.rules = kNpmEntry;
      const PolicyVerdict* in = dst != kNone ? verdict(PolicyDirection::Ingress, dst) : nullptr;
      out.work += npm_chain(PolicyDirection::Ingress, dst, in, t.src, t.protocol, t.dst_port);
      if (in && !in->allowed) return out;
      const PolicyVerdict* eg = src != kNone ? verdict(PolicyDirection::Egress, src) : nullptr;
      out.work += npm_chain(PolicyDirection::Egress, src, eg, t.dst, t.protocol, t.dst_port);
      return out;
    }
    case NetworkPolicy::Cilium: {
      // Each endpoint's program: the peer's identity from the ipcache, then its policy map.
      if (local_src) {
        out.work.mapLookups += 2;
        if (!verdict(PolicyDirection::Egress, src)->allowed) return out;
      }
      if (local_dst) {
        out.work.mapLookups += 2;
        verdict(PolicyDirection::Ingress, dst);
      }
      return out;
    }
    case NetworkPolicy::None:
      break;
  }
  return out;
}

PolicyWork NetworkPolicies::check_established(NodeIndex node, const net::FiveTuple& t, bool reply) const {
  PolicyWork w;
  if (engine_ == NetworkPolicy::None) return w;
  const auto [src, dst, local_src, local_dst] = ends(node, t);
  switch (engine_) {
    case NetworkPolicy::Calico:
      // The first endpoint chain's conntrack rule accepts it.
      if (local_src) {
        w.rules = kCaliFromWorkload + calico_dispatch_[src] + 1;
      } else if (local_dst) {
        w.rules = kCaliToWorkload + calico_dispatch_[dst] + 1;
      } else {
        w.rules = kCaliAll;
      }
      break;
    case NetworkPolicy::Azure:
      w.rules = 1;  // FORWARD's jump to AZURE-NPM matches NEW packets only
      break;
    case NetworkPolicy::Cilium:
      if (!reply) w.mapLookups = 2 * (std::uint32_t{local_src} + std::uint32_t{local_dst});
      break;
    case NetworkPolicy::None:
      break;
  }
  return w;
}

}  // namespace cnisim::cluster
