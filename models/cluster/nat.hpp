#pragma once
// NAT points of a cluster: the masquerade (SNAT) policy pods' traffic leaves the node under, and the
// Service DNAT rules (kube-proxy's KUBE-SERVICES, IPVS or nftables maps, or Cilium's eBPF maps).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/cluster/device.hpp"
#include "models/net/cidr.hpp"
#include "models/net/flat_hash_map.hpp"
#include "models/net/ipv4.hpp"

namespace cnisim::cluster {

enum class SnatAction : std::uint8_t {
  KeepPodIp,  // not masqueraded: the destination sees the pod IP
  ToNodeIp,   // masqueraded to the sending node's primary IP
};

struct MasqueradeRule {
  net::Cidr destination;
  SnatAction action = SnatAction::ToNodeIp;
  std::string reason;  // why, in one line, for `cnisim routes` and traces
};

// Rules are evaluated in order, first match wins; the last rule matches 0.0.0.0/0.
struct MasqueradePolicy {
  std::string enforcedBy;  // "ip-masq-agent (iptables MASQUERADE)", "Cilium eBPF masquerading", ...
  std::string basis;       // "documented: ..." or "modelled: ..."
  std::vector<MasqueradeRule> rules;

  // The rule that applies to a packet from a pod to dst.
  const MasqueradeRule& match(net::Ipv4 dst) const;
};

enum class ServiceProxyMode : std::uint8_t { Iptables, Ipvs, Nftables, Ebpf };
std::string_view to_string(ServiceProxyMode mode);

enum class Protocol : std::uint8_t { Tcp, Udp, Sctp };
std::string_view to_string(Protocol protocol);
Protocol protocol_from_string(std::string_view text);  // "TCP" | "UDP" | "SCTP"

// One Service port: what a packet to clusterIP:port (a NodePort rule: any node's own address, at
// nodePort) is translated to: one of the service's endpoints, or with a Local traffic policy one of
// those on the receiving node.
struct ServicePortRule {
  enum class Kind : std::uint8_t { ClusterIP, NodePort } kind = Kind::ClusterIP;
  ServiceIndex service = kNone;
  net::Ipv4 clusterIP;  // 0.0.0.0 for a NodePort rule
  std::uint16_t port = 0;  // the Service port, or the nodePort
  Protocol protocol = Protocol::Tcp;
  std::uint16_t targetPort = 0;
  bool localOnly = false;     // internalTrafficPolicy Local (ClusterIP) / externalTrafficPolicy Local (NodePort)
  bool masquerade = false;    // NodePort with externalTrafficPolicy Cluster: SNAT to the node (KUBE-MARK-MASQ)
  std::int64_t affinityPs = 0;  // sessionAffinity ClientIP: its timeout; 0 = none
};

struct ServiceDnat {
  ServiceProxyMode mode = ServiceProxyMode::Iptables;
  std::string implementedBy;            // "kube-proxy (iptables)", "Cilium eBPF (kube-proxy replacement)"
  std::vector<ServicePortRule> rules;   // in KUBE-SERVICES order (service order, then port order); add() them

  struct Match {
    const ServicePortRule* rule = nullptr;  // nullptr: not a Service address
    std::size_t rulesWalked = 0;            // iptables walks KUBE-SERVICES in order; the maps do one lookup
  };
  // Appends a rule and indexes it (the first rule for an address, port and protocol wins, as in the chain).
  // NodePort rules come after every ClusterIP rule: KUBE-SERVICES ends with the jump to KUBE-NODEPORTS.
  void add(const ServicePortRule& rule);
  // A NodePort rule for a packet to one of the node's own addresses at `port` (nullptr rule: none);
  // iptables walks all of KUBE-SERVICES' ClusterIP rules, then KUBE-NODEPORTS to the rule.
  Match find_node_port(std::uint16_t port, Protocol protocol) const;
  // One hashed lookup in every mode; in iptables mode rulesWalked is still the position in the chain
  // (what the kernel walks and the data path charges), all of it for an address that is no Service.
  // Throws std::logic_error if rules were appended without add().
  Match find(net::Ipv4 dst, std::uint16_t port, Protocol protocol) const;

 private:
  static std::uint64_t key(net::Ipv4 ip, std::uint16_t port, Protocol protocol) {
    return std::uint64_t{ip.value} << 24 | std::uint64_t{port} << 8 | static_cast<std::uint8_t>(protocol);
  }
  net::FlatHashMap<std::uint64_t, std::uint32_t> index_;  // key -> position in rules
  std::size_t indexed_ = 0;
  std::size_t cluster_ip_rules_ = 0;
};

}  // namespace cnisim::cluster
