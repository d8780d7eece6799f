#pragma once
// The cost profile: how long each device takes to do its work, and what each link is. Loaded from
// models/profiles/<name>.yaml (every number there carries its source), then overridden by a
// scenario's `costs` section. Service time at a device = fixed + perByte x size + the work actually
// done (route lookups under the lookup-cost model, conntrack, NAT rewrites, iptables rules walked).
//
// Profiles are read here, at scenario load time, through the same input guard as the scenario (size
// cap, regular files only, alias and nesting limits), and report their errors at their own
// file:line:col.
#include <array>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/device_kinds.hpp"
#include "models/transport/tcp_config.hpp"
#include "sim/time.hpp"

namespace cnisim::scenario {

struct DeviceCost {
  sim::Time fixed;
  sim::Time per_byte;
};

struct LinkCost {
  sim::DataRate rate;  // 0: no serialization delay (virtual links)
  sim::Time delay;     // propagation
  std::uint32_t queue_packets = 0;  // drop-tail limit of the sending side's queue (waiting + in service)
};

// Connection tracking as the nodes' kernels and kube-proxy set it up: how long an entry lives after
// its last packet in each state (nf_conntrack sysctls), and the table limit kube-proxy sets per node
// (nf_conntrack_max = max(maxPerCore x the node's vCPUs, min)). Not costs: `compare --sensitivity`
// leaves them alone.
struct ConntrackSettings {
  sim::Time tcp_syn_sent;     // a TCP connection not yet answered
  sim::Time tcp_syn_recv;     // its SYN answered, the handshake not yet complete
  sim::Time tcp_established;  // answered and open
  sim::Time tcp_fin_wait;     // one side sent a FIN
  sim::Time tcp_close_wait;   // the other side ACKed it
  sim::Time tcp_last_ack;     // both sent FINs, the last not yet ACKed
  sim::Time tcp_time_wait;    // closed by its endpoints
  sim::Time tcp_close;        // reset
  sim::Time udp;              // a UDP flow, answered or not
  sim::Time udp_stream;       // a UDP flow answered and still active udp_stream_after after it began
  sim::Time udp_stream_after;
  sim::Time icmp;
  sim::Time generic;          // other protocols (SCTP: its own states are not modelled)
  std::uint32_t max_per_core = 0;
  std::uint32_t min = 0;
};

// How a route lookup is charged: a constant per table; per unit of the lookup's work measure
// (entries examined / trie levels); or measured: the real lookup timed on this machine at start-up
// (machine-dependent, so never the default: runs must be byte-identical everywhere).
enum class LookupCostModel : std::uint8_t { Constant, Proportional, Measured };
std::string_view to_string(LookupCostModel model);  // "constant", "proportional", "measured"

// Name resolution (models/workload/dns.hpp): CoreDNS's costs and the stub resolver's timers. The
// profile's or the scenario's `dns:` block sets them; these are the defaults.
struct DnsSettings {
  // assumed: CoreDNS answering one query from its kubernetes plugin or its cache (user-space work of
  // tens of microseconds; no published per-query figure for AKS's CoreDNS).
  sim::Time coredns_serve = sim::us(30);
  // assumed: a query CoreDNS forwards upstream (the node's resolver: Azure DNS at 168.63.129.16) and
  // its answer coming back; Azure publishes no latency for it.
  sim::Time upstream = sim::us(500);
  // CoreDNS's Corefile as Kubernetes deploys it and AKS ships it: `cache 30` (answers, denials
  // included, kept 30 s by each replica).
  sim::Time cache_ttl = sim::ms(30000);
  // resolv.conf(5): glibc sends a query again after timeout:5 seconds, attempts:2 times in all.
  sim::Time resolver_timeout = sim::ms(5000);
  std::uint32_t resolver_attempts = 2;
  // Opt-in failure mode: the chance that a round's AAAA query, sent from the same socket right after
  // the A query, loses the race to insert its conntrack entry at the client's node and is dropped
  // (the kernel's insert_failed; weave.works "Racy conntrack and DNS lookup timeouts", kubernetes
  // issue 56903): the resolver then waits its timeout. Linux 5.0 resolves the clash when both take
  // the same DNAT (nf_conntrack clash resolution), so 0 here; give it for older kernels.
  double conntrack_race = 0;
  // NodeLocal DNSCache (cluster.nodeLocalDNSCache): how long the node's cache keeps a denial (NXDOMAIN,
  // NODATA) for the cluster domain; the add-on's Corefile (kubernetes cluster/addons/dns/nodelocaldns):
  // `cache { success 9984 30  denial 9984 5 }`. Its success TTL is cacheTtl's 30 s.
  sim::Time node_local_denial_ttl = sim::seconds(5);
};

// What an endpoint's application and kernel do to open a TCP connection beyond the segments' own
// per-packet costs (which the pod namespace's device cost charges each SYN, SYN-ACK and ACK): connect()
// and the event loop's wait for it on the client; accept(), the new socket's options and its
// registration with the event loop on the server. The profile's or the scenario's `sockets:` block sets
// them; `cnisim calibrate` measures both on loopback. These are the defaults.
struct SocketSettings {
  // assumed: the order of magnitude cnisim calibrate measured on a Linux 6.18 VM (AMD EPYC) with a
  // Boost.Asio client, 7.8 us (docs/calibrate.md); no published figure for a pod on an AKS node.
  sim::Time connect = sim::us(8);
  // assumed: likewise for a Boost.Asio server (accept4, TCP_NODELAY, epoll registration, a new
  // coroutine), 20.6 us there.
  sim::Time accept = sim::us(20);
};

// What the egress devices (the load balancer's outbound rule, a NAT gateway) do with a SNAT port after
// its connection closes. Their idle timeouts are the scenario's (networkProfile's loadBalancerProfile
// and natGatewayProfile); the profile's or the scenario's `egress:` block sets this.
struct EgressSettings {
  // assumed: Azure documents that a closed connection's SNAT port is held before reuse (NAT gateway:
  // "port reuse timers") without a figure this project could verify; 65 s is the TCP FIN timer as
  // commonly quoted for NAT gateway, used for the load balancer too. Only port reuse within a run sees it.
  sim::Time port_hold_after_close = sim::seconds(65);
};

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
  sim::Time bridge_hooks;        // br_netfilter: a bridged (port-to-port) packet's pass through the IP hooks
  sim::Time ipset_lookup;        // a network policy rule's ipset match (Calico, Azure NPM): one set lookup
  sim::Time policy_map_lookup;   // Cilium: one eBPF map lookup of its policy path (ipcache or policy map)
  sim::Time bpf_conntrack_lookup;  // Cilium: one lookup in its eBPF conntrack map (bpf_lxc, each packet)
  std::uint32_t initial_ttl = 64;
  // A node's packet processing is spread by flow hash over min(its vCPUs, this) receive queues, each
  // served by its own softirq (RSS); 1 gives one queue per node. Not a cost: --sensitivity leaves it.
  std::uint32_t max_receive_queues = 8;
  ConntrackSettings conntrack;
  // TCP as the endpoints' kernels run it: Linux's defaults (models/transport/tcp_config.hpp, each
  // with its source) unless the profile's or the scenario's `tcp:` block sets them.
  transport::TcpConfig tcp;
  DnsSettings dns;
  SocketSettings sockets;
  EgressSettings egress;
  // The numbers measured on a real kernel (`cnisim calibrate` lists them under `measured:`), as leaf
  // paths such as "devices.bridge.fixed"; every other number is assumed or published, and is what
  // `compare --sensitivity` varies.
  std::vector<std::string> measured;

  bool is_measured(std::string_view path) const;
  const DeviceCost& device(DeviceKind k) const { return devices[static_cast<std::size_t>(k)]; }
  const LinkCost& link(LinkKind k) const { return links[static_cast<std::size_t>(k)]; }
};

// Some of a profile's numbers: what a scenario's `costs` section sets on top of its base profile.
struct DeviceCostOverride {
  std::optional<sim::Time> fixed;
  std::optional<sim::Time> per_byte;
};
struct LinkCostOverride {
  std::optional<sim::DataRate> rate;
  std::optional<sim::Time> delay;
  std::optional<std::uint32_t> queue_packets;
};
// The `tcp:` block: any of TcpConfig's numbers (the rest keep Linux's defaults).
struct TcpOverrides {
  std::optional<std::uint32_t> mtu, initial_cwnd, receive_window, send_buffer, dupack_threshold, syn_retries,
      retries, max_quickacks, pingpong_threshold, gso_max_bytes;
  std::optional<transport::CongestionKind> congestion;
  std::optional<sim::Time> rto_initial, rto_min, rto_max, ato_min, delack_max, time_wait;
  std::optional<bool> slow_start_after_idle, gso;
  std::optional<double> cubic_beta, cubic_c;
  bool empty() const;
};

// The `dns:` block: any of DnsSettings' numbers.
struct DnsOverrides {
  std::optional<sim::Time> coredns_serve, upstream, cache_ttl, resolver_timeout, node_local_denial_ttl;
  std::optional<std::uint32_t> resolver_attempts;
  std::optional<double> conntrack_race;
  bool empty() const {
    return !(coredns_serve || upstream || cache_ttl || resolver_timeout || resolver_attempts || conntrack_race ||
             node_local_denial_ttl);
  }
};

// The `sockets:` block.
struct SocketOverrides {
  std::optional<sim::Time> connect, accept;
  bool empty() const { return !(connect || accept); }
};

// The `egress:` block.
struct EgressOverrides {
  std::optional<sim::Time> port_hold_after_close;
  bool empty() const { return !port_hold_after_close; }
};

struct CostOverrides {
  std::array<DeviceCostOverride, kDeviceKindCount> devices{};
  std::array<LinkCostOverride, kLinkKindCount> links{};
  std::optional<LookupCostModel> lookup_model;
  std::array<std::optional<sim::Time>, kTableKindCount> lookup_constant{};
  std::array<std::optional<sim::Time>, kTableKindCount> lookup_per_work{};
  std::optional<sim::Time> conntrack_lookup;
  std::optional<sim::Time> conntrack_create;
  std::optional<sim::Time> nat_rewrite;
  std::optional<sim::Time> iptables_per_rule;
  std::optional<sim::Time> service_map_lookup;
  std::optional<sim::Time> bridge_hooks;
  std::optional<sim::Time> ipset_lookup;
  std::optional<sim::Time> policy_map_lookup;
  std::optional<sim::Time> bpf_conntrack_lookup;
  std::optional<std::uint32_t> initial_ttl;
  std::optional<std::uint32_t> max_receive_queues;
  // ConntrackSettings' numbers, in its order: the thirteen timeouts, then maxPerCore and min.
  std::array<std::optional<sim::Time>, 13> conntrack_timeouts{};
  std::optional<std::uint32_t> conntrack_max_per_core;
  std::optional<std::uint32_t> conntrack_min;
  TcpOverrides tcp;
  DnsOverrides dns;
  SocketOverrides sockets;
  EgressOverrides egress;

  bool empty() const;
};

// One number of a profile that prices work (a device's fixed or per-byte cost, a link's delay or rate,
// a route lookup, a netfilter step), by its leaf path; exactly one of time and rate is set.
struct CostKnob {
  std::string path;  // "devices.bridge.fixed"
  sim::Time* time = nullptr;
  sim::DataRate* rate = nullptr;
};
// Every such number of the profile, in the profile file's order (not ttl or queue lengths).
std::vector<CostKnob> cost_knobs(CostProfile& profile);

// Sets every number the overrides give; names the result "<name> (with the scenario's costs)" when
// there was any.
void apply(const CostOverrides& overrides, CostProfile& profile);

// The directory the shipped profiles live in (models/profiles in the source tree).
std::string default_profile_dir();
inline constexpr std::string_view kDefaultProfile = "aks-accelerated";

// Where a profile named in a scenario or on the command line is: a shipped profile's name
// ("aks-accelerated") or a path (relative paths from `relative_to`, a directory; empty = as given).
std::string profile_path(const std::string& name_or_path, const std::string& relative_to = {});

// Loads a complete profile: every key must be present. name_or_path: a shipped profile's name
// or a path to a YAML file. Throws ScenarioError with file:line:col diagnostics on unreadable files
// (missing, not a regular file, too large), YAML errors, unknown keys, wrong types and missing keys.
CostProfile load_profile(const std::string& name_or_path);
CostProfile load_profile_string(std::string_view yaml, const std::string& name);

struct ScenarioSpec;
// Runs the scenario with another base profile (`--profile FILE`): a shipped name or a path (relative to
// the current directory), read through the input guard; the scenario's own `costs` overrides are applied
// on top again. Throws ScenarioError.
void use_profile(ScenarioSpec& spec, const std::string& name_or_path);

// The profile as YAML with the same keys the file uses (what `cnisim ... --show-profile` prints).
std::string format_profile(const CostProfile& profile);
// The same with comments: `header` as comment lines above (one "# " line per line of it), and after
// a group's value the comment given for its path ("devices.bridge", "links.nicToVnet",
// "routeLookup.constant", "netfilter.conntrackLookup"). What `cnisim calibrate` writes.
std::string format_profile(const CostProfile& profile, const std::string& header,
                           const std::map<std::string, std::string>& comments);

}  // namespace cnisim::scenario
