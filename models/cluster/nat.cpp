#include "models/cluster/nat.hpp"

#include <stdexcept>

namespace cnisim::cluster {

const MasqueradeRule& MasqueradePolicy::match(net::Ipv4 dst) const {
  for (const auto& rule : rules) {
    if (rule.destination.contains(dst)) return rule;
  }
  throw std::logic_error("masquerade policy has no catch-all rule for " + dst.to_string() +
                         "; every policy must end with 0.0.0.0/0");
}

std::string_view to_string(ServiceProxyMode mode) {
  switch (mode) {
    case ServiceProxyMode::Iptables: return "iptables";
    case ServiceProxyMode::Ipvs: return "ipvs";
    case ServiceProxyMode::Nftables: return "nftables";
    case ServiceProxyMode::Ebpf: return "ebpf";
  }
  return "?";
}

std::string_view to_string(Protocol protocol) {
  switch (protocol) {
    case Protocol::Tcp: return "TCP";
    case Protocol::Udp: return "UDP";
    case Protocol::Sctp: return "SCTP";
  }
  return "?";
}

Protocol protocol_from_string(std::string_view text) {
  if (text == "TCP") return Protocol::Tcp;
  if (text == "UDP") return Protocol::Udp;
  if (text == "SCTP") return Protocol::Sctp;
  throw std::invalid_argument("unknown protocol '" + std::string(text) + "': expected TCP, UDP or SCTP");
}

void ServiceDnat::add(const ServicePortRule& rule) {
  if (indexed_ != rules.size()) {
    throw std::logic_error("ServiceDnat rules were appended without add(); the index would miss them");
  }
  if (rule.kind == ServicePortRule::Kind::ClusterIP && cluster_ip_rules_ != rules.size()) {
    throw std::logic_error("ServiceDnat: a ClusterIP rule after a NodePort rule; KUBE-NODEPORTS comes last");
  }
  rules.push_back(rule);
  // NodePort rules are keyed by address 0.0.0.0 (any of the node's own addresses).
  index_.insert(key(rule.clusterIP, rule.port, rule.protocol), static_cast<std::uint32_t>(rules.size() - 1));
  ++indexed_;
  if (rule.kind == ServicePortRule::Kind::ClusterIP) ++cluster_ip_rules_;
}

ServiceDnat::Match ServiceDnat::find_node_port(std::uint16_t port, Protocol protocol) const {
  const bool walk = mode == ServiceProxyMode::Iptables;
  if (const std::uint32_t* i = index_.find(key(net::Ipv4{}, port, protocol))) {
    // KUBE-SERVICES' ClusterIP rules, then the rule's place in KUBE-NODEPORTS (the jump between them is
    // not counted, as no chain's jumps are).
    return {&rules[*i], walk ? *i + 1u : 1u};
  }
  return {nullptr, walk ? rules.size() : 1};
}

ServiceDnat::Match ServiceDnat::find(net::Ipv4 dst, std::uint16_t port, Protocol protocol) const {
  if (indexed_ != rules.size()) {
    throw std::logic_error("ServiceDnat rules were appended without add(); the index would miss them");
  }
  // The rules list is the same for every mode; only the cost of finding one differs, which is what
  // rulesWalked reports: the position in the chain for iptables, a single hashed lookup otherwise.
  const bool walk = mode == ServiceProxyMode::Iptables;
  if (const std::uint32_t* i = index_.find(key(dst, port, protocol))) {
    return {&rules[*i], walk ? *i + 1u : 1u};
  }
  return {nullptr, walk ? cluster_ip_rules_ : 1};
}

}  // namespace cnisim::cluster
