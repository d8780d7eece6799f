#include "models/workload/work_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "models/scenario/labels.hpp"

namespace cnisim::workload {
namespace {

// Assumed: the longest modelled path (pod to pod across nodes through bridges and a Service) has 23
// devices and links; each hop is at most one engine event (measured: 0.66 events per hop on chatty).
constexpr double kEventsPerPacket = 25;
constexpr double kInfinite = std::numeric_limits<double>::infinity();

double seconds(sim::Time t) { return static_cast<double>(t.ps()) * 1e-12; }

// The cheapest round trip any call can take under this profile: pod to a pod on the same node over a
// routed veth and back, with no queueing. A lower bound, so closed-loop call counts are upper bounds.
double cheapest_round_trip_s(const scenario::CostProfile& p) {
  using scenario::DeviceKind;
  const double one_way = seconds(p.device(DeviceKind::PodNamespace).fixed) * 2 +
                         seconds(p.device(DeviceKind::VethPodEnd).fixed) * 2 +
                         seconds(p.device(DeviceKind::VethHostEnd).fixed) * 2 +
                         seconds(p.device(DeviceKind::NodeStack).fixed);
  return std::max(2 * one_way, 1e-9);  // a profile of zeros still bounds the rate at 1 call per ns
}

std::size_t pods_with(const cluster::Cluster& c, const std::map<std::string, std::string>& labels) {
  std::size_t n = 0;
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) n += scenario::selects(labels, c.workload(p).labels) ? 1 : 0;
  return n;
}

std::string scientific(double v) {
  if (std::isinf(v)) return "unbounded";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

}  // namespace

WorkEstimate estimate_work(const cluster::Cluster& c, const scenario::ScenarioSpec& spec) {
  WorkEstimate e;
  double largest = -1;
  const auto& run = spec.run;
  const double run_limit = run.duration ? seconds(*run.duration) : kInfinite;
  const double rtt = cheapest_round_trip_s(spec.costs.profile);
  const auto count = [&](const std::string& path, double calls, double packets) {
    e.calls += calls;
    e.packets += packets;
    if (packets > largest) largest = packets, e.largest = path;
  };
  for (std::size_t i = 0; i < spec.traffic.chatty.size(); ++i) {
    const auto& s = spec.traffic.chatty[i];
    const double clients = static_cast<double>(pods_with(c, s.clients));
    const double limit = std::min(run_limit, s.duration ? seconds(*s.duration) : kInfinite);
    const double by_count = s.chains ? static_cast<double>(*s.chains) : kInfinite;
    double by_time = kInfinite;
    if (s.rate_per_second) {
      by_time = static_cast<double>(*s.rate_per_second) * limit * clients;
    } else {
      const double chain_s = s.chain_depth * (rtt + seconds(s.server_time)) + seconds(s.think_time);
      by_time = clients * s.concurrency * (limit / chain_s + 1);
    }
    const double chains = std::min(by_count, by_time);
    const double calls = chains * s.chain_depth;
    double packets_per_call = 2;  // UDP: a datagram each way
    if (s.transport == scenario::Transport::Tcp) {
      // Segments each way, an ACK for every two, and for a new connection per call the handshake and
      // the FIN exchange (3 + 4).
      const double mss = spec.costs.profile.tcp.mss();
      const double data = std::ceil(s.request_size / mss) + std::ceil(s.response_size / mss);
      packets_per_call = data + std::ceil(data / 2) + (s.new_connection_per_call() ? 7 : 0);
      // A lookup before each new connection: at most every name of the search list and the name as
      // given, an A and an AAAA query and their answers each (models/workload/dns.hpp).
      if (s.resolve && s.new_connection_per_call()) packets_per_call += 4.0 * static_cast<double>(4 + s.searches.size());
    }
    count("traffic.chatty[" + std::to_string(i) + "]", calls, packets_per_call * calls);
  }
  for (std::size_t i = 0; i < spec.traffic.ping.size(); ++i) {
    const auto& s = spec.traffic.ping[i];
    count("traffic.ping[" + std::to_string(i) + "]", 0, 2.0 * s.count);
  }
  for (std::size_t i = 0; i < spec.traffic.bulk.size(); ++i) {
    const auto& s = spec.traffic.bulk[i];
    const double limit = std::min(run_limit, seconds(s.duration));
    double packets = kInfinite;
    if (s.transport == scenario::Transport::Udp || s.rate) {
      const double gap = seconds(sim::serialization_time(s.packet_size, s.rate.value_or(sim::gbps(1))));
      const double writes = gap > 0 ? limit / gap + 1 : kInfinite;
      const double per_write = s.transport == scenario::Transport::Udp ? 1 : 1.5 * std::ceil(s.packet_size / static_cast<double>(spec.costs.profile.tcp.mss()));
      packets = writes * per_write;
    } else {
      // As fast as TCP goes: at most the fastest link's rate in full segments, and an ACK for every two.
      double fastest = 0;
      for (const auto& l : spec.costs.profile.links) fastest = std::max(fastest, static_cast<double>(l.rate.bps()));
      if (fastest > 0) packets = 1.5 * limit * fastest / (8.0 * spec.costs.profile.tcp.mtu) + 1;
    }
    count("traffic.bulk[" + std::to_string(i) + "]", 0, packets);
  }
  e.events = e.packets * kEventsPerPacket;
  return e;
}

void check_work_budget(const WorkEstimate& e, const scenario::ScenarioSpec& spec, std::uint64_t max_events) {
  if (!(e.events > static_cast<double>(max_events))) return;
  throw scenario::ScenarioError({spec.diagnostic(
      e.largest,
      "this traffic asks for about " + scientific(e.events) + " engine events (" + scientific(e.calls) + " calls, " +
          scientific(e.packets) + " packets), more than the budget of " +
          scientific(static_cast<double>(max_events)) + " events",
      "traffic that runs within the budget (the default is about 10 minutes on a 2-core machine)",
      "shorten duration, lower chains, rate, concurrency or clients, set run.duration, or raise the budget "
      "with --max-events N")});
}

}  // namespace cnisim::workload
