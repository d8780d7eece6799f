#pragma once
// The scenario's `traffic.ping` entries for real: ICMP echo requests from an ICMP datagram socket
// created inside the sender's namespace (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): the kernel sets
// the identifier and checksum and hands the socket only its own replies), `count` of them `interval`
// apart, to a host of the emulation. To a Service the simulator sends a TCP packet that the endpoint
// echoes; here each echo is a TCP handshake to the ClusterIP (SYN out through kube-proxy's DNAT,
// SYN-ACK back, timed to connect's completion, then a RST), the endpoints listening on the target port. Round trips go into a histogram reported as Results::ping_latency,
// the simulator's ping figure. Bounded: at most kMaxEchoes per run, at most kMaxInFlight unanswered per
// entry, the wall-clock cap, and a reply wait of kReplyWait after the last request.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/network.hpp"
#include "models/scenario/scenario_spec.hpp"
#include "sim/histogram.hpp"

namespace cnisim::emulation {

class Emulation;

inline constexpr std::uint64_t kMaxEchoes = 100000;  // over every entry of one run
inline constexpr std::uint32_t kMaxInFlight = 64;    // per entry; more wait for replies (interval 0)
inline constexpr std::chrono::milliseconds kReplyWait{1000};

struct PingTarget {
  std::string path;         // "traffic.ping[0]"
  std::string description;  // "pod default/client-... -> pod default/server-... 10.244.1.2"
  dataplane::HostRef from;
  std::optional<dataplane::HostRef> to;  // a host; none for a Service
  net::Ipv4 address;        // the destination address the requests go to
  // A Service ping: its ClusterIP port, the endpoints' target port and the endpoints that listen.
  std::optional<cluster::ServiceIndex> service;
  std::uint16_t port = 0, target_port = 0;
  std::vector<cluster::PodIndex> endpoints;
  std::uint32_t count = 1;
  std::chrono::nanoseconds interval{0};
  std::uint32_t size = 64;  // IP packet size: 20 B header, 8 B ICMP header, size - 28 B of data
};

// The scenario's ping entries resolved against the cluster. Throws scenario::ScenarioError at the
// entry's file:line:col for an endpoint that names nothing, a sender that is not a host, a
// destination address that no namespace of the emulation owns (emulate sends no packet outside its
// namespaces), and a Service ping that sets `size` (a handshake's packets have the size TCP gives them).
std::vector<PingTarget> plan_pings(const scenario::ScenarioSpec& spec, const cluster::Cluster& cluster);

struct PingOutcome {
  std::string path, description;
  std::uint32_t sent = 0;
  std::uint32_t answered = 0;  // replies that came back (late ones after kReplyWait are lost)
};

struct PingRun {
  sim::Histogram latency;  // round trips, picoseconds
  std::vector<PingOutcome> entries;
  bool partial = false;    // the wall-clock cap, kMaxEchoes or a stop cut some entry short
};

// Runs the pings, every entry at once on one thread. Throws std::runtime_error when a socket cannot
// be made or used.
PingRun run_emulated_pings(const Emulation& emulation, const std::vector<PingTarget>& targets,
                           std::chrono::milliseconds wall, const std::atomic<bool>* stop = nullptr);

}  // namespace cnisim::emulation
