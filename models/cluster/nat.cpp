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

ServiceDnat::Match ServiceDnat::find(net::Ipv4 dst, std::uint16_t port, Protocol protocol) const {
  // The rules list is the same for every mode; only the cost of finding one differs, which is what
  // rulesWalked reports: the position in the chain for iptables, a single hashed lookup otherwise.
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    if (r.clusterIP == dst && r.port == port && r.protocol == protocol) {
      return {&r, mode == ServiceProxyMode::Iptables ? i + 1 : 1};
    }
  }
  return {nullptr, mode == ServiceProxyMode::Iptables ? rules.size() : 1};
}

}  // namespace cnisim::cluster
