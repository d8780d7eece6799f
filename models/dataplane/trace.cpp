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

std::string route_text(const net::Route& r) { return r.to_string() + (r.name.empty() ? "" : " [" + r.name + "]"); }

// The one who owns the address a VNet route delivered to: a node (by its NIC) or an external host.
std::string owner_words(const cluster::Cluster& c, cluster::DeviceId device) {
  const auto& d = c.devices()[device];
  return d.kind == scenario::DeviceKind::Nic ? "node " + c.nodes()[d.node].name : c.externals()[d.pod].name;
}

std::string table_words(TableKind table) {
  switch (table) {
    case TableKind::Pod:
      return "pod route table";
    case TableKind::Node:
      return "node kernel table";
    case TableKind::Azure:
    case TableKind::kCount:
      break;
  }
  return "Azure route table";
}

std::string policy_engine_words(scenario::NetworkPolicy engine) {
  switch (engine) {
    case scenario::NetworkPolicy::Calico:
      return "Calico network policy (iptables)";
    case scenario::NetworkPolicy::Azure:
      return "Azure Network Policy Manager (iptables, ipsets)";
    case scenario::NetworkPolicy::Cilium:
      return "Cilium network policy (eBPF)";
    case scenario::NetworkPolicy::None:
      break;
  }
  return "network policy";
}

struct Describe {
  const cluster::Cluster& c;

  std::string operator()(const facts::RouteMatched& f) const {
    if (f.table == TableKind::Pod) {
      const net::Route& route = c.pod_route_table(f.pod).route(f.route);
      return "pod route table: " + route_text(route) + ": " +
             (route.next_hop.ip.value ? "hand it to the gateway " + route.next_hop.ip.to_string()
                                      : f.destination.to_string() + " is on the link") +
             (f.egress == cluster::kNone ? ", but the pod has no such interface" : ", out of the pod's eth0");
    }
    const net::Route& route = c.node_route_table(f.node).route(f.route);
    return "node kernel table of " + c.nodes()[f.node].name + ": " + route.to_string() + " [" + route.name + "]" +
           (f.egress == cluster::kNone ? ": no such interface here" : ": out of " + c.device_name(f.egress));
  }
  std::string operator()(const facts::NoRoute& f) const {
    return table_words(f.table) + ": no route to " + f.destination.to_string();
  }
  std::string operator()(const facts::OwnAddress& f) const {
    if (f.tunnel) return f.address.to_string() + " is this node's own address: the tunnel's outer header, up to its tunnel device";
    return f.address.to_string() + " is this node's own address: delivered locally";
  }
  std::string operator()(const facts::ToBridgeAddress& f) const {
    return "addressed to the bridge's own address " + f.gateway.to_string() + " (the pods' gateway): up into the node's stack";
  }
  std::string operator()(const facts::FdbLookup& f) const {
    if (f.port == cluster::kNone) return "no port of the bridge has " + f.address.to_string();
    return "bridge forwarding database: " + f.address.to_string() + " is behind port " + c.device_name(f.port);
  }
  std::string operator()(const facts::ConntrackTranslated& f) const {
    if (f.bridge) return "br_netfilter conntrack: " + f.before.to_string() + " becomes " + f.after.to_string();
    return std::string("conntrack: ") +
           (f.direction == net::Direction::Reply ? "a reply of a translated connection, " : "a known translated connection, ") +
           f.before.to_string() + " becomes " + f.after.to_string() + " (entry " + std::string(net::to_string(f.state)) + ")";
  }
  std::string operator()(const facts::NoEndpoints& f) const {
    const auto& svc = c.service_spec(f.service);
    if (f.local) {
      return c.service_dnat().implementedBy + ": Service " + svc.namespace_ + "/" + svc.name +
             " has a Local traffic policy and no endpoint on this node: dropped";
    }
    return c.service_dnat().implementedBy + ": Service " + f.address.to_string() + " has no endpoints";
  }
  std::string operator()(const facts::ServiceDnat& f) const {
    const auto& svc = c.service_spec(f.service);
    std::string how = f.sticky ? "the client's endpoint from before (sessionAffinity ClientIP)"
                    : f.local  ? "one of this node's endpoints (Local traffic policy)"
                               : "endpoint";
    return c.service_dnat().implementedBy + ": " + f.service_address.to_string() + " is " +
           (f.node_port ? "the nodePort of " : "") + "Service " + svc.namespace_ + "/" + svc.name +
           " (rules walked: " + std::to_string(f.rules_walked) + "); DNAT to " + how + " " + f.endpoint.to_string() +
           " (" + c.pod_name(f.endpoint_pod) + ")" +
           (f.masquerade ? "; marked for masquerade (externalTrafficPolicy Cluster: the endpoint sees the node)" : "");
  }
  std::string operator()(const facts::Hairpin& f) const {
    return "kube-proxy: hairpin (the endpoint is the caller itself): masquerade to " + f.snat.to_string() +
           (f.bridged ? " (cbr0's address)" : " (the node's address)");
  }
  std::string operator()(const facts::MasqueradeRule& f) const {
    const auto& policy = c.masquerade();
    const auto& rule = policy.rules[f.rule];
    return policy.enforcedBy + ": " + rule.destination.to_string() + " (" + rule.reason + ") -> " +
           (f.masquerade ? "masquerade to the node IP" : "keep the pod IP");
  }
  std::string operator()(const facts::Masqueraded& f) const {
    return "masquerade: source " + f.before.to_string() + " becomes the node's " + f.after.to_string();
  }
  std::string operator()(const facts::ConntrackCreated& f) const {
    return "conntrack: new entry for " + f.original.to_string() + " in " + std::string(net::to_string(f.state)) +
           ", forgotten " + sim::ps(f.timeout_ps).to_string() + " after its last packet";
  }
  std::string operator()(const facts::TrackingFailed& f) const {
    return (f.reason == DropReason::NatPortsExhausted ? "masquerade failed: " : "conntrack: ") + f.why;
  }
  std::string operator()(const facts::TtlExpired&) const { return "TTL would reach 0: dropped (ICMP time exceeded)"; }
  std::string operator()(const facts::AzureRoute& f) const {
    const net::Route& route = (f.other_subnet ? c.other_subnet_route_table() : c.azure_route_table()).route(f.route);
    const std::string table = f.other_subnet ? "the VNet's routes for traffic from outside the node subnet (no UDRs: "
                                               "the cluster's route table is the node subnet's)"
                                             : "the Azure route table";
    const auto type = route.next_hop.type;
    if (type == net::NextHopType::None || type == net::NextHopType::Device) {
      return (f.other_subnet ? table + ": " : "Azure route table: ") + route_text(route) + ": Azure drops the packet";
    }
    std::string text = route.prefix.to_string() + " -> " +
                       (type == net::NextHopType::VirtualAppliance
                            ? "next hop " + route.next_hop.ip.to_string() + " (VirtualAppliance)"
                            : std::string(net::to_string(type))) +
                       " in " + table + " (" + std::string(net::to_string(route.source)) +
                       (route.name.empty() ? "" : " route " + route.name) + ")";
    if (f.next == cluster::kNone) return text + ": nobody there owns " + f.target.to_string() + ", so Azure drops the packet";
    if (f.next == c.egress().device) {
      return text + ": from the cluster to the internet, out through " + c.device_name(f.next) + " (outboundType " +
             (c.devices()[f.next].kind == scenario::DeviceKind::LoadBalancer ? "loadBalancer" : "NAT gateway") + ")";
    }
    if (type == net::NextHopType::Internet && c.devices()[f.next].kind == scenario::DeviceKind::VirtualAppliance) {
      return text + ": to " + owner_words(c, f.next) + ", whose public IP " + f.target.to_string() + " it is";
    }
    if (type == net::NextHopType::Internet) return text + ": to the internet (" + owner_words(c, f.next) + ")";
    if (type == net::NextHopType::VirtualAppliance) return text + ": the packet goes to " + owner_words(c, f.next) + ", which forwards it";
    return text + ": delivered straight to " + owner_words(c, f.next) + ", which owns " + f.target.to_string();
  }
  std::string operator()(const facts::EgressPath&) const {
    return "to the internet, but the cluster's outboundType is none: no way out, Azure drops the packet";
  }
  std::string operator()(const facts::Encapsulated& f) const {
    const bool vxlan = f.kind == scenario::Encapsulation::Vxlan;
    return std::string(vxlan ? "VXLAN" : "IPIP") + ": encapsulated for " + c.nodes()[f.peer].name + ", outer " +
           f.outer.to_string() + (vxlan ? " VNI " + std::to_string(f.vni) : "") + " (+" + std::to_string(f.overhead) +
           " bytes); the node sends it as its own";
  }
  std::string operator()(const facts::Decapsulated& f) const {
    return std::string(f.kind == scenario::Encapsulation::Vxlan ? "VXLAN" : "IPIP") + ": decapsulated " +
           f.outer.to_string() + ", inside " + f.inner.to_string() + ": routed on";
  }
  std::string operator()(const facts::BpfLxc& f) const {
    if (!f.from_pod) return "Cilium's bpf_lxc (into the pod): a lookup in its eBPF conntrack";
    return std::string("Cilium's bpf_lxc (from the pod): a lookup in its service map (") +
           (f.service ? "a Service address" : "no Service here") +
           "; per packet, as AKS turns socket-level load balancing off), then in its eBPF conntrack";
  }
  std::string operator()(const facts::ZoneCrossed& f) const {
    return "from availability zone " + std::to_string(f.from) + " to zone " + std::to_string(f.to) +
           ": through Azure's network between the zones";
  }
  std::string operator()(const facts::IpipBlocked&) const {
    return "an IPIP packet (IP protocol 4): the Azure network fabric blocks IPIP (Tigera's Calico-on-Azure guide), "
           "dropped";
  }
  std::string operator()(const facts::NoTunnelPeer& f) const {
    return "no node holds " + f.gateway.to_string() + ": no FDB or neighbour entry to encapsulate towards, dropped";
  }
  std::string operator()(const facts::NodeLocalDns& f) const {
    return f.query ? "NodeLocal DNSCache: its raw rule leaves the query untracked (no conntrack, no kube-proxy DNAT); "
                     "its socket on this node takes it"
                   : "NodeLocal DNSCache's answer, untracked (its raw rule): routed to the pod as it is";
  }
  std::string operator()(const facts::PolicyChecked& f) const {
    const auto& policies = c.spec().networkPolicies;
    const std::string engine = policy_engine_words(c.spec().cluster.networkProfile.networkPolicy);
    std::string text = engine + ": ";
    for (std::size_t i = 0; i < f.verdicts.size(); ++i) {
      const auto& v = f.verdicts[i];
      const bool in = v.direction == cluster::PolicyDirection::Ingress;
      text += (i ? "; " : "") + std::string(in ? "ingress to " : "egress from ") + c.pod_namespace(v.pod) + "/" +
              c.pod_name(v.pod) + " ";
      if (!v.isolated) {
        text += "allowed (no policy selects it for " + std::string(cluster::to_string(v.direction)) + ")";
      } else if (v.fromOwnNode) {
        text += "allowed (from the pod's own node)";
      } else if (v.allowed) {
        text += "allowed by " + policies[v.policy].namespace_ + "/" + policies[v.policy].name + " " +
                std::string(cluster::to_string(v.direction)) + " rule " + std::to_string(v.rule + 1);
      } else {
        std::string names;
        for (std::uint32_t p : v.selecting) {
          names += (names.empty() ? "" : ", ") + policies[p].namespace_ + "/" + policies[p].name;
        }
        text += "DENIED: isolated by " + names + ", and no rule of " + (v.selecting.size() > 1 ? "them" : "it") +
                " allows this peer and port";
      }
    }
    if (f.verdicts.empty()) text += "no pod of this connection is enforced here";
    std::string work;
    auto add = [&](std::uint32_t n, const char* what) {
      if (n) work += (work.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    add(f.work.rules, "iptables rules walked");
    add(f.work.setLookups, "ipset lookups");
    add(f.work.mapLookups, "eBPF map lookups");
    return text + " (" + (work.empty() ? "no work" : work) + ")";
  }
  std::string operator()(const facts::EgressSnat& f) const {
    const bool lb = f.per_node;
    if (f.unknown) return "no SNAT flow holds " + f.before.to_string() + ": an unsolicited packet, dropped";
    if (f.direction == net::Direction::Reply) {
      return "SNAT: a reply to " + f.before.to_string() + " goes back to " + f.after.to_string();
    }
    const std::string block = (lb ? "the node's SNAT ports " : "the public IP's ports ") + std::to_string(f.first) + "-" +
                              std::to_string(f.last);
    if (f.exhausted) {
      return "SNAT ports exhausted: every port of " + block +
             " already has a flow to this destination; the packet is dropped (Azure: new connections fail until a "
             "port is free)";
    }
    return "SNAT: source " + f.before.to_string() + " becomes " + f.after.to_string() +
           (f.created ? " (a new flow: a port of " + block + ", " + std::to_string(f.in_use) +
                            " now in use towards this destination)"
                      : " (a known flow)");
  }
};

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
    out.push_back("  " + std::to_string(++n) + ". " + c.device_name(h.device) + " (" + std::string(scenario::info(d.kind).words) +
                  "): in " + us(h.arrive_ps) +
                  (h.start_ps > h.arrive_ps ? ", served " + us(h.start_ps) : "") + ", out " + us(h.end_ps) +
                  ", TTL " + std::to_string(h.ttl_in) +
                  (h.ttl_out != h.ttl_in ? " -> " + std::to_string(h.ttl_out) : ""));
    for (const auto& fact : h.facts) out.push_back("       " + describe(c, fact));
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

std::string describe(const cluster::Cluster& cluster, const TraceFact& fact) { return std::visit(Describe{cluster}, fact); }

Exchange exchange(const cluster::Cluster& cluster, const CostProfile& profile, HostRef from, const net::FiveTuple& tuple,
                  std::uint32_t size, bool answer, std::uint64_t seed, PacketObserver* observer) {
  sim::Simulator sim;
  Network network(cluster, profile, sim, NetworkOptions{seed, false});
  network.set_observer(observer);
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
                   std::string_view to, std::uint32_t size, PacketObserver* observer) {
  const ResolvedEndpoint src = resolve_endpoint(cluster, from);
  const ResolvedEndpoint dst = resolve_endpoint(cluster, to);
  if (!src.host) {
    throw std::invalid_argument(
        "'" + std::string(from) + "' cannot send: " + src.description +
        " is not a host\n  hint: trace from a pod, a node or a VM (pod/NAME, node/NAME, vm/NAME)");
  }
  const net::FiveTuple tuple{dst.protocol, src.ip, static_cast<std::uint16_t>(dst.port ? 40000 : 1), dst.ip,
                             dst.port};
  const Exchange x = exchange(cluster, profile, *src.host, tuple, size, true, 1, observer);

  TraceOutcome out;
  out.reached = x.reached;
  out.answered = x.answered;
  auto& lines = out.lines;
  lines.push_back("Trace from " + src.description + " to " + dst.description + " under " +
                  cluster.plugin_label() + " (cost profile " + profile.name +
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
