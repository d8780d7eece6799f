#pragma once
// What a traced packet met at each device, recorded as facts (which table and route, which FDB port,
// which NAT before and after, which rule), not words: tests check the facts, and one renderer
// (trace.hpp, describe()) turns them into the sentences of `cnisim trace` and the report's path.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "models/cluster/device.hpp"
#include "models/cluster/network_policy.hpp"
#include "models/dataplane/packet.hpp"
#include "models/net/conntrack.hpp"
#include "models/net/five_tuple.hpp"

namespace cnisim::dataplane {

using scenario::TableKind;

namespace facts {

// A route matched in a table: the pod table of `pod`, the kernel table of `node`, or the Azure table.
// egress: the device the route leaves by (kNone: the route's interface is not one here).
struct RouteMatched {
  TableKind table = TableKind::Node;
  cluster::NodeIndex node = cluster::kNone;
  cluster::PodIndex pod = cluster::kNone;
  std::uint32_t route = 0;  // its id in that table
  net::Ipv4 destination;    // what was looked up
  cluster::DeviceId egress = cluster::kNone;
};
// No route in the table for the destination.
struct NoRoute {
  TableKind table = TableKind::Node;
  net::Ipv4 destination;
};
// The destination is the node's own address.
struct OwnAddress {
  net::Ipv4 address;
  bool tunnel = false;  // an encapsulated packet, for the node's tunnel device
};
// Cilium's bpf_lxc at a pod's lxc device: its eBPF conntrack looked up, and (a packet from the pod to a
// Service address) its service map.
struct BpfLxc {
  bool from_pod = true;
  bool service = false;
};
// An IPIP packet in the VNet: Azure's fabric blocks IP protocol 4.
struct IpipBlocked {};
// From a node in availability zone `from` to one in zone `to`: through Azure's network between them.
struct ZoneCrossed {
  std::uint8_t from = 0, to = 0;
};
// At a bridge: addressed to the bridge's own address (the pods' gateway), so up into the node's stack.
struct ToBridgeAddress {
  net::Ipv4 gateway;
};
// The bridge's forwarding database: `address` is behind `port` (kNone: behind no port).
struct FdbLookup {
  net::Ipv4 address;
  cluster::DeviceId port = cluster::kNone;
};
// Conntrack matched an entry and rewrote the header (at a node stack, or a bridge's br_netfilter).
struct ConntrackTranslated {
  bool bridge = false;  // br_netfilter at the bridge
  net::Direction direction = net::Direction::Original;
  net::FiveTuple before, after;
  net::ConnState state = net::ConnState::Generic;
};
// A Service's port matched with no endpoints behind it.
struct NoEndpoints {
  cluster::ServiceIndex service = cluster::kNone;
  net::Ipv4 address;
  bool local = false;  // a Local traffic policy: no endpoint on this node
};
// A new connection to a Service: DNAT to the endpoint the picker chose.
struct ServiceDnat {
  cluster::ServiceIndex service = cluster::kNone;
  net::Endpoint service_address;
  std::size_t rules_walked = 0;
  net::Endpoint endpoint;
  cluster::PodIndex endpoint_pod = cluster::kNone;
  bool node_port = false;   // reached at a node's address and nodePort
  bool local = false;       // chosen among this node's endpoints (a Local traffic policy)
  bool sticky = false;      // sessionAffinity ClientIP: the client's endpoint from before
  bool masquerade = false;  // marked for SNAT to the node (externalTrafficPolicy Cluster)
};
// kube-proxy's hairpin masquerade: the endpoint is the caller itself.
struct Hairpin {
  net::Ipv4 snat;
  bool bridged = false;  // cbr0's address (else the node's)
};
// The masquerade rule that matched the destination (index in Cluster::masquerade().rules).
struct MasqueradeRule {
  std::uint32_t rule = 0;
  bool masquerade = false;
};
// Source NAT done: the source before and after.
struct Masqueraded {
  net::Endpoint before, after;
};
// A new conntrack entry for the connection's original header, its state and timeout.
struct ConntrackCreated {
  net::FiveTuple original;
  net::ConnState state = net::ConnState::Generic;
  std::int64_t timeout_ps = 0;
};
// A new connection could not be tracked: NatPortsExhausted or ConntrackFull, and the kernel's why.
struct TrackingFailed {
  DropReason reason = DropReason::ConntrackFull;
  std::string why;
};
// Forwarding would take the TTL to 0.
struct TtlExpired {};
// The Azure route table's match: the route, the address it delivers to, who owns it (kNone: nobody, or
// the route's next hop is None: Azure drops the packet).
struct AzureRoute {
  std::uint32_t route = 0;
  net::Ipv4 target;
  cluster::DeviceId next = cluster::kNone;
  bool other_subnet = false;  // looked up in Cluster::other_subnet_route_table() (route ids are that table's)
};

// An internet-bound packet from the cluster at the VNet, which has no way out (outboundType none):
// Azure drops it. (With an egress device, AzureRoute names the device.)
struct EgressPath {
  cluster::DeviceId device = cluster::kNone;
};

// The egress device's SNAT: an outbound packet's source becomes a public IP and port (created: a new
// flow took a port of its node's block first..last, `in_use` of them now taken towards this
// destination), or a reply is translated back; or no port was free (after unset).
struct EgressSnat {
  net::Direction direction = net::Direction::Original;
  bool created = false;
  net::Endpoint before, after;
  std::uint16_t first = 0, last = 0;
  std::uint32_t in_use = 0;
  bool exhausted = false;
  bool unknown = false;  // a packet from the internet to a public IP and port no flow holds: dropped
  bool per_node = false; // first..last is the node's own block (the load balancer's preallocation)
};

// NodeLocal DNSCache on this node: a pod's query taken by its socket here (query), or its answer sent
// back; both untracked (its raw-table NOTRACK rules), so never DNATed.
struct NodeLocalDns {
  bool query = true;
};

// The network policy engine's check of a new connection at this node: its verdict for each end it
// enforces here, and the work it did (rules walked, ipset and eBPF map lookups).
struct PolicyChecked {
  std::vector<cluster::PolicyVerdict> verdicts;
  cluster::PolicyWork work;
};

// A tunnel device put the pod packet in an outer header towards the node holding the route's gateway.
struct Encapsulated {
  scenario::Encapsulation kind = scenario::Encapsulation::Vxlan;
  net::FiveTuple inner;
  net::FiveTuple outer;
  std::uint32_t vni = 0;
  cluster::NodeIndex peer = cluster::kNone;
  std::uint32_t overhead = 0;  // bytes added
};
// A tunnel device took the outer header off: the pod packet goes on.
struct Decapsulated {
  scenario::Encapsulation kind = scenario::Encapsulation::Vxlan;
  net::FiveTuple outer;
  net::FiveTuple inner;
};
// No node holds the route's gateway: no FDB or neighbour entry to encapsulate towards.
struct NoTunnelPeer {
  net::Ipv4 gateway;
};

}  // namespace facts

using TraceFact = std::variant<facts::RouteMatched, facts::NoRoute, facts::OwnAddress, facts::ToBridgeAddress,
                               facts::FdbLookup, facts::ConntrackTranslated, facts::NoEndpoints, facts::ServiceDnat,
                               facts::Hairpin, facts::MasqueradeRule, facts::Masqueraded, facts::ConntrackCreated,
                               facts::TrackingFailed, facts::TtlExpired, facts::AzureRoute, facts::EgressPath,
                               facts::EgressSnat, facts::PolicyChecked, facts::NodeLocalDns, facts::Encapsulated,
                               facts::Decapsulated, facts::NoTunnelPeer, facts::IpipBlocked, facts::ZoneCrossed, facts::BpfLxc>;

// One hop of a traced packet (only recorded for packets sent with traced = true).
struct TraceHop {
  PacketId packet = kNoPacket;
  cluster::DeviceId device = cluster::kNone;
  cluster::DeviceId next_device = cluster::kNone;  // where it was forwarded (kNone: delivered or dropped)
  std::int64_t arrive_ps = 0;
  std::int64_t start_ps = 0;
  std::int64_t end_ps = 0;
  int ttl_in = 0;
  int ttl_out = 0;
  net::FiveTuple before;
  net::FiveTuple after;
  Verdict verdict = Verdict::Forward;
  DropReason reason = DropReason::NoRoute;
  std::vector<TraceFact> facts;  // what the device found and did, in order

  // The facts of one kind, in order.
  template <typename Fact>
  std::vector<Fact> all() const {
    std::vector<Fact> out;
    for (const auto& f : facts) {
      if (const auto* x = std::get_if<Fact>(&f)) out.push_back(*x);
    }
    return out;
  }
};

}  // namespace cnisim::dataplane
