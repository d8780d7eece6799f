#include "models/dataplane/trace.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/dataplane/endpoint_ref.hpp"
#include "models/dataplane/network.hpp"

namespace cnisim::dataplane {
namespace {

constexpr std::uint8_t kRequest = 1;
constexpr std::uint8_t kReply = 2;

// Answers the request with its reply and remembers how each packet ended.
class Responder : public DeliveryHandler {
 public:
  Responder(Network& network, Exchange& out, bool answer) : network_(network), out_(out), answer_(answer) {}
  void delivered(PacketId, const Packet& p, HostRef at) override {
    if (p.kind == kRequest) {
      out_.reached = true;
      out_.reached_at = at;
      out_.request_arrived = p.tuple;
      out_.request_ttl = p.ttl;
      request_hops = network_.trace().size();  // the request's last hop is recorded by now
      if (answer_) network_.send(at, p.tuple.reversed(), p.size, kReply, 0, true);
    } else {
      out_.answered = true;
      out_.reply_arrived = p.tuple;
    }
  }
  void dropped(PacketId, const Packet& p, DropReason reason) override {
    if (p.kind == kRequest) request_hops = network_.trace().size();
    (p.kind == kRequest ? out_.request_drop : out_.reply_drop) = reason;
  }
  std::size_t request_hops = 0;

 private:
  Network& network_;
  Exchange& out_;
  bool answer_;
};

std::string drop_words(const std::optional<DropReason>& reason) {
  return reason ? std::string(to_string(*reason)) : std::string("never delivered");
}

std::string kind_words(scenario::DeviceKind k) {
  switch (k) {
    case scenario::DeviceKind::PodNamespace:
      return "the pod's network namespace";
    case scenario::DeviceKind::VethPodEnd:
      return "veth, pod end (eth0 in the pod)";
    case scenario::DeviceKind::VethHostEnd:
      return "veth, host end";
    case scenario::DeviceKind::Bridge:
      return "Linux bridge";
    case scenario::DeviceKind::NodeStack:
      return "the node's network stack (root namespace)";
    case scenario::DeviceKind::Nic:
      return "the node's NIC (eth0)";
    case scenario::DeviceKind::VnetRouter:
      return "Azure VNet (SDN routing)";
    case scenario::DeviceKind::ExternalVm:
      return "a VM in the VNet";
    case scenario::DeviceKind::InternetHost:
      return "a host on the internet";
  }
  return "?";
}

std::string us(std::int64_t ps) {
  const std::int64_t whole = ps / 1000000;
  std::string frac = std::to_string((ps % 1000000) / 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return std::to_string(whole) + "." + frac + " us";
}

void render(std::vector<std::string>& out, const cluster::Cluster& c, const std::vector<TraceHop>& hops) {
  int n = 0;
  for (const auto& h : hops) {
    const auto& d = c.devices()[h.device];
    out.push_back("  " + std::to_string(++n) + ". " + c.device_name(h.device) + " (" + kind_words(d.kind) +
                  "): in " + us(h.arrive_ps) +
                  (h.start_ps > h.arrive_ps ? ", served " + us(h.start_ps) : "") + ", out " + us(h.end_ps) +
                  ", TTL " + std::to_string(h.ttl_in) +
                  (h.ttl_out != h.ttl_in ? " -> " + std::to_string(h.ttl_out) : ""));
    for (const auto& note : h.notes) out.push_back("       " + note);
    if (h.before != h.after) out.push_back("       header now " + h.after.to_string());
    switch (h.verdict) {
      case Verdict::Forward:
        out.push_back("       -> " + c.device_name(h.next_device));
        break;
      case Verdict::Deliver:
        out.push_back("       delivered to the application here");
        break;
      case Verdict::Drop:
        out.push_back("       DROPPED: " + std::string(to_string(h.reason)));
        break;
    }
  }
}

}  // namespace

Exchange exchange(const cluster::Cluster& cluster, const CostProfile& profile, HostRef from, const net::FiveTuple& tuple,
                  std::uint32_t size, bool answer, std::uint64_t seed) {
  sim::Simulator sim;
  Network network(cluster, profile, sim, NetworkOptions{seed, false});
  Exchange out;
  Responder responder(network, out, answer);
  network.set_handler(&responder);
  network.send(from, tuple, size, kRequest, 0, true);
  sim.run();
  const auto& hops = network.trace();
  const auto split = std::min(responder.request_hops, hops.size());
  out.request_hops.assign(hops.begin(), hops.begin() + static_cast<std::ptrdiff_t>(split));
  out.reply_hops.assign(hops.begin() + static_cast<std::ptrdiff_t>(split), hops.end());
  return out;
}

TraceOutcome trace(const cluster::Cluster& cluster, const CostProfile& profile, std::string_view from,
                   std::string_view to, std::uint32_t size) {
  const ResolvedEndpoint src = resolve_endpoint(cluster, from);
  const ResolvedEndpoint dst = resolve_endpoint(cluster, to);
  if (!src.host) {
    throw std::invalid_argument(
        "'" + std::string(from) + "' cannot send: " + src.description +
        " is not a host\n  hint: trace from a pod, a node or a VM (pod/NAME, node/NAME, vm/NAME)");
  }
  const net::FiveTuple tuple{dst.protocol, src.ip, static_cast<std::uint16_t>(dst.port ? 40000 : 1), dst.ip,
                             dst.port};
  const Exchange x = exchange(cluster, profile, *src.host, tuple, size);

  TraceOutcome out;
  out.reached = x.reached;
  out.answered = x.answered;
  auto& lines = out.lines;
  lines.push_back("Trace from " + src.description + " to " + dst.description + " under " +
                  std::string(cluster::to_string(cluster.plugin_kind())) + " (cost profile " + profile.name +
                  ")");
  lines.push_back("Request: " + tuple.to_string() + ", " + std::to_string(size) + " bytes");
  render(lines, cluster, x.request_hops);
  if (!x.reached) {
    lines.push_back("The request was dropped (" + drop_words(x.request_drop) + "): there is no reply.");
    return out;
  }
  lines.push_back("Reply: the destination answers to the address the request arrived from");
  render(lines, cluster, x.reply_hops);
  if (x.answered) {
    std::int64_t end = 0;
    std::size_t devices = 0;
    for (const auto* hops : {&x.request_hops, &x.reply_hops}) {
      for (const auto& h : *hops) end = std::max(end, h.end_ps), ++devices;
    }
    lines.push_back("Round trip: " + us(end) + " through " + std::to_string(devices) + " devices.");
  } else {
    lines.push_back("The reply was dropped (" + drop_words(x.reply_drop) + ").");
  }
  return out;
}

}  // namespace cnisim::dataplane
