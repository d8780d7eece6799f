#include "models/dataplane/devices/node_stack.hpp"

#include "models/dataplane/devices/policy_engine.hpp"
#include "models/scenario/aks_facts.hpp"

#include <algorithm>
#include <map>
#include <string>


namespace cnisim::dataplane::devices {

net::ConntrackConfig conntrack_config(const scenario::ConntrackSettings& s) {
  net::ConntrackConfig config;
  config.tcp_syn_sent_ps = s.tcp_syn_sent.ps();
  config.tcp_syn_recv_ps = s.tcp_syn_recv.ps();
  config.tcp_established_ps = s.tcp_established.ps();
  config.tcp_fin_wait_ps = s.tcp_fin_wait.ps();
  config.tcp_close_wait_ps = s.tcp_close_wait.ps();
  config.tcp_last_ack_ps = s.tcp_last_ack.ps();
  config.tcp_time_wait_ps = s.tcp_time_wait.ps();
  config.tcp_close_ps = s.tcp_close.ps();
  config.udp_ps = s.udp.ps();
  config.udp_stream_ps = s.udp_stream.ps();
  config.udp_stream_after_ps = s.udp_stream_after.ps();
  config.icmp_ps = s.icmp.ps();
  config.generic_ps = s.generic.ps();
  return config;
}

using cluster::DeviceId;
using cluster::kNone;

namespace {

std::optional<cluster::Protocol> service_protocol(net::Protocol p) {
  switch (p) {
    case net::Protocol::Tcp:
      return cluster::Protocol::Tcp;
    case net::Protocol::Udp:
      return cluster::Protocol::Udp;
    case net::Protocol::Sctp:
      return cluster::Protocol::Sctp;
    case net::Protocol::Icmp:
    case net::Protocol::Ipip:
      return std::nullopt;  // ClusterIPs are virtual: only their ports exist
  }
  return std::nullopt;
}

}  // namespace

NodeStacks::NodeStacks(const cluster::Cluster& cluster, const scenario::CostProfile& profile, const Wiring& wiring,
                       const cluster::NetworkPolicies& policies, const Tunnels& tunnels, std::uint64_t seed)
    : policies_(policies), tunnels_(tunnels), cilium_(cluster.plugin_kind() == cluster::PluginKind::Cilium) {
  if (cluster.spec().cluster.nodeLocalDNSCache) {
    if (const auto dns = cluster.find_service("kube-system", "kube-dns")) {
      node_local_dns_ = true;
      dns_ip_ = cluster.services()[*dns].clusterIP;
      node_local_ip_ = net::Ipv4::parse(scenario::aks::kNodeLocalDnsAddress);
    }
  }
  const auto& nodes = cluster.nodes();
  // Each route's interface name resolved to the stack's neighbour of that name ("<node>:eth0" -> "eth0"),
  // once, as the kernel keeps an ifindex. Host veths behind a bridge are its ports, not the stack's.
  route_egress_.resize(nodes.size());
  for (const auto& node : nodes) from_nic_.push_back(wiring.between(node.nic, node.stack));
  for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
    std::map<std::string, DeviceId, std::less<>> ifaces;
    const std::string prefix = nodes[n].name + ":";
    for (const auto& neighbour : wiring.neighbours(nodes[n].stack)) {
      const std::string name = cluster.device_name(neighbour.device);
      if (name.starts_with(prefix)) ifaces.emplace(name.substr(prefix.size()), neighbour.device);
    }
    const auto& kernel = cluster.node_route_table(n);
    auto& egress = route_egress_[n];
    for (std::uint32_t id : kernel.ids()) {
      if (egress.size() <= id) egress.resize(id + 1);
      const auto it = ifaces.find(kernel.route(id).next_hop.device);
      if (it != ifaces.end()) egress[id] = {it->second, wiring.between(nodes[n].stack, it->second)};
    }
  }

  // kube-proxy sets nf_conntrack_max = max(maxPerCore x vCPUs, min) on each node.
  const scenario::ConntrackSettings& s = profile.conntrack;
  net::ConntrackConfig config = conntrack_config(s);
  conntrack_.reserve(nodes.size());
  for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
    config.max_entries = std::max<std::size_t>(std::size_t{s.max_per_core} * node_vm_size(cluster, n).vcpus, s.min);
    conntrack_.emplace_back(net::PortRange{}, config);
  }

  // One net::EndpointPicker per Service port, over its endpoints in the Service's order; the random
  // draw comes from the node's own stream, the round-robin position is each node's (IPVS rr).
  const auto& dnat = cluster.service_dnat();
  const auto policy = dnat.mode == cluster::ServiceProxyMode::Ipvs ? net::PickPolicy::RoundRobin : net::PickPolicy::Random;
  service_pickers_.reserve(dnat.rules.size());
  for (const auto& rule : dnat.rules) {
    std::vector<net::Endpoint> endpoints;
    for (cluster::PodIndex p : cluster.services()[rule.service].endpoints) {
      endpoints.push_back(net::Endpoint{cluster.pods()[p].ip, rule.targetPort});
    }
    service_pickers_.emplace_back(std::move(endpoints), policy);
  }
  // Local traffic policies: per such rule, each node's own endpoints and their picker.
  local_base_.assign(dnat.rules.size(), cluster::kNone);
  for (std::size_t r = 0; r < dnat.rules.size(); ++r) {
    if (!dnat.rules[r].localOnly) continue;
    local_base_[r] = static_cast<std::uint32_t>(local_pods_.size());
    for (cluster::NodeIndex n = 0; n < nodes.size(); ++n) {
      std::vector<cluster::PodIndex> pods;
      std::vector<net::Endpoint> endpoints;
      for (cluster::PodIndex p : cluster.services()[dnat.rules[r].service].endpoints) {
        if (cluster.pods()[p].node != n) continue;
        pods.push_back(p);
        endpoints.push_back(net::Endpoint{cluster.pods()[p].ip, dnat.rules[r].targetPort});
      }
      local_pods_.push_back(std::move(pods));
      local_pickers_.emplace_back(std::move(endpoints), policy);
    }
  }
  local_cursor_.assign(local_pods_.size(), 0);
  affinity_.resize(nodes.size());
  const sim::RandomStreams streams(seed);
  for (std::uint32_t n = 0; n < nodes.size(); ++n) endpoint_random_.push_back(streams.stream("service-endpoint", n));
  if (policy == net::PickPolicy::RoundRobin) round_robin_.assign(nodes.size() * dnat.rules.size(), 0);
}

std::int64_t NodeStacks::conntrack_and_dnat(const ServeContext& cx, cluster::NodeIndex n, Packet& p,
                                            std::optional<net::Endpoint>& dnat, bool& is_new, bool& reply,
                                            bool& masquerade, bool service_looked_up) {
  std::int64_t cost = cx.profile.conntrack_lookup.ps();
  auto& table = conntrack_[n];
  if (const auto tracked = table.lookup(p.tuple, cx.now_ps, p.tcp_flags)) {
    is_new = false;
    reply = tracked->direction == net::Direction::Reply;
    if (tracked->tuple != p.tuple) {
      const auto& conn = table.connection(tracked->connection);
      if (tracked->direction == net::Direction::Reply) {
        ++cx.counters.nat.reverse;
      } else {
        cx.counters.nat.dnat += conn.dnat;
        cx.counters.nat.snat += conn.snat;
      }
      if (cx.trace) cx.note(facts::ConntrackTranslated{false, tracked->direction, p.tuple, tracked->tuple, conn.state});
      p.tuple = tracked->tuple;
      cost += cx.profile.nat_rewrite.ps();
    }
    return cost;
  }
  is_new = true;
  const auto protocol = service_protocol(p.tuple.protocol);
  if (!protocol) return cost;
  const auto& services = cx.cluster.service_dnat();
  const cluster::Node& node = cx.cluster.nodes()[n];
  auto match = services.find(p.tuple.dst, p.tuple.dst_port, *protocol);
  if (!match.rule && p.tuple.dst == node.ip) match = services.find_node_port(p.tuple.dst_port, *protocol);
  const bool iptables = services.mode == cluster::ServiceProxyMode::Iptables;
  if (iptables) {
    cost += cx.profile.iptables_per_rule.ps() * static_cast<std::int64_t>(match.rulesWalked);
    cx.counters.iptables_rules_walked += match.rulesWalked;
  } else if (!service_looked_up) {
    cost += cx.profile.service_map_lookup.ps();
  }
  if (!match.rule) return cost;
  const cluster::ServicePortRule& r = *match.rule;
  const auto rule = static_cast<std::size_t>(match.rule - services.rules.data());
  // Which endpoints: the Service's, or with a Local traffic policy this node's. For a NodePort with
  // externalTrafficPolicy Local, kube-proxy's KUBE-EXT chain sends pods' traffic to every endpoint and
  // masquerades the node's own to every endpoint; only the rest is kept on the node (no SNAT).
  bool local = r.localOnly;
  masquerade = r.masquerade;
  if (r.kind == cluster::ServicePortRule::Kind::NodePort && r.localOnly) {
    const auto owner = cx.cluster.owner_of(p.tuple.src);
    if (owner && owner->kind == cluster::Cluster::AddressOwner::Kind::Pod && !cx.cluster.host_network(owner->index)) {
      local = false;
    } else if (p.tuple.src == node.ip) {
      local = false;
      masquerade = true;
    }
  }
  const std::size_t slot = local ? local_base_[rule] + n : 0;
  const auto& candidates = local ? local_pods_[slot] : cx.cluster.services()[r.service].endpoints;
  if (candidates.empty()) {
    if (cx.trace) cx.note(facts::NoEndpoints{r.service, p.tuple.dst, local});
    ServeContext::drop(p, local ? DropReason::NoLocalEndpoint : DropReason::NoServiceEndpoint);
    return cost;
  }
  const net::EndpointPicker& picker = local ? local_pickers_[slot] : service_pickers_[rule];
  // sessionAffinity ClientIP: the endpoint this client's last connection took, while that was less than
  // the timeout ago (iptables: one `recent --rcheck` rule per endpoint, walked before the random choice).
  std::optional<std::size_t> pick;
  std::uint64_t sticky_key = 0;
  if (r.affinityPs) {
    sticky_key = std::uint64_t{static_cast<std::uint32_t>(rule)} << 32 | p.tuple.src.value;
    const auto it = affinity_[n].find(sticky_key);
    if (it != affinity_[n].end() && cx.now_ps - it->second.last_ps < r.affinityPs && it->second.index < candidates.size()) {
      pick = it->second.index;
    }
    if (iptables) {
      const std::size_t checked = pick ? *pick + 1 : candidates.size();
      cost += cx.profile.iptables_per_rule.ps() * static_cast<std::int64_t>(checked);
      cx.counters.iptables_rules_walked += checked;
    }
  }
  const bool sticky = pick.has_value();
  if (!pick) {
    // A new connection: DNATed once, here, to the endpoint the picker chooses; its later packets and
    // replies follow the conntrack entry.
    std::uint32_t no_cursor = 0;
    const bool round_robin = services.mode == cluster::ServiceProxyMode::Ipvs;
    std::uint32_t& cursor = !round_robin ? no_cursor
                            : local      ? local_cursor_[slot]
                                         : round_robin_[n * services.rules.size() + rule];
    pick = picker.pick_index(round_robin ? 0 : endpoint_random_[n].next_u64(), cursor);
  }
  if (r.affinityPs) affinity_[n][sticky_key] = Sticky{*pick, cx.now_ps};
  dnat = picker.endpoints()[*pick];
  if (cx.trace) {
    cx.note(facts::ServiceDnat{r.service, net::Endpoint{p.tuple.dst, p.tuple.dst_port}, match.rulesWalked, *dnat,
                               candidates[*pick], r.kind == cluster::ServicePortRule::Kind::NodePort, local, sticky,
                               masquerade});
  }
  p.tuple.dst = dnat->ip;
  p.tuple.dst_port = dnat->port;
  return cost;
}

std::int64_t create_connection(const ServeContext& cx, net::ConntrackTable& table, Packet& p,
                               const net::FiveTuple& original, const net::NatAction& action) {
  std::int64_t cost = cx.profile.conntrack_create.ps();
  try {
    const net::Tracked tracked = table.create(original, action, cx.now_ps);
    ++cx.counters.nat.conntrack_created;
    if (action.dnat) {
      ++cx.counters.nat.dnat;
      cost += cx.profile.nat_rewrite.ps();
    }
    if (action.snat) {
      ++cx.counters.nat.snat;
      cost += cx.profile.nat_rewrite.ps();
      if (cx.trace) {
        cx.note(facts::Masqueraded{net::Endpoint{p.tuple.src, p.tuple.src_port},
                                   net::Endpoint{tracked.tuple.src, tracked.tuple.src_port}});
      }
    }
    if (cx.trace) {
      const auto& conn = table.connection(tracked.connection);
      cx.note(facts::ConntrackCreated{original, conn.state, conn.expires_ps - cx.now_ps});
    }
    p.tuple = tracked.tuple;
  } catch (const net::PortExhaustedError& e) {
    if (cx.trace) cx.note(facts::TrackingFailed{DropReason::NatPortsExhausted, e.what()});
    ServeContext::drop(p, DropReason::NatPortsExhausted);
  } catch (const net::ConntrackFullError& e) {
    if (cx.trace) cx.note(facts::TrackingFailed{DropReason::ConntrackFull, e.what()});
    ServeContext::drop(p, DropReason::ConntrackFull);
  }
  return cost;
}

std::int64_t NodeStacks::serve(const ServeContext& cx, const cluster::Device& d, Packet& p) {
  const cluster::NodeIndex n = d.node;
  const cluster::Node& node = cx.cluster.nodes()[n];
  const bool local = p.in_link == kNone;
  const bool from_nic = !local && p.in_link == from_nic_[n];
  // The node's tunnel device hands it an encapsulated packet to send as the node's own (OUTPUT), or a
  // decapsulated one to route on (PREROUTING, as if it came in on the device).
  const bool tunnel_out = !local && p.encap != scenario::Encapsulation::None && p.in_link == tunnels_.to_stack(n);
  const net::FiveTuple original = p.tuple;
  std::optional<net::Endpoint> dnat;
  bool is_new = false;
  bool reply = false;
  bool mark_masq = false;  // kube-proxy's KUBE-MARK-MASQ for a NodePort's external traffic
  std::int64_t cost = 0;
  // NodeLocal DNSCache: its raw-table rules (NOTRACK, port 53 of its addresses, in PREROUTING and
  // OUTPUT) keep pods' queries and its answers out of conntrack, so kube-proxy never DNATs them, and its
  // socket on this node takes the queries.
  const bool dns_port = node_local_dns_ && p.tuple.protocol == net::Protocol::Udp;
  if (dns_port && p.tuple.dst_port == 53 && (p.tuple.dst == dns_ip_ || p.tuple.dst == node_local_ip_)) {
    cost += cx.profile.iptables_per_rule.ps();
    if (cx.trace) cx.note(facts::NodeLocalDns{true});
    p.verdict = Verdict::Deliver;
    return cost;
  }
  const bool untracked =
      dns_port && local && p.tuple.src_port == 53 && (p.tuple.src == dns_ip_ || p.tuple.src == node_local_ip_);
  if (untracked) {
    cost += cx.profile.iptables_per_rule.ps();
    if (cx.trace) cx.note(facts::NodeLocalDns{false});
  } else {
    // Under the cilium dataplane a pod's packet had its service-map lookup at its lxc device (bpf_lxc).
    const bool via_lxc = cilium_ && !local && !from_nic && !tunnel_out &&
                         cx.cluster.devices()[cx.wiring.link(p.in_link).from].kind == scenario::DeviceKind::VethHostEnd;
    cost += conntrack_and_dnat(cx, n, p, dnat, is_new, reply, mark_masq, via_lxc);
    if (p.verdict == Verdict::Drop) return cost;
    // The policy engine sees the header after DNAT, before SNAT (filter table, or the endpoints' eBPF).
    cost += is_new ? enforce_new(cx, policies_, n, p) : enforce_established(cx, policies_, n, original, reply);
    if (p.verdict == Verdict::Drop) return cost;
  }
  if (local) cost += cx.connection_setup(p, true);

  if (p.tuple.dst == node.ip) {
    const std::uint32_t to_tunnel = p.encap != scenario::Encapsulation::None ? tunnels_.from_stack(n) : kNone;
    if (cx.trace) cx.note(facts::OwnAddress{p.tuple.dst, to_tunnel != kNone});
    if (is_new) cost += create_connection(cx, conntrack_[n], p, original, net::NatAction{dnat, std::nullopt});
    if (to_tunnel != kNone && p.verdict != Verdict::Drop) {
      cx.forward_on(p, to_tunnel);  // the VXLAN socket's encap_rcv (or IPIP's protocol handler)
      return cost;
    }
    if (p.verdict != Verdict::Drop) {
      p.verdict = Verdict::Deliver;
      cost += cx.connection_setup(p, false);
    }
    return cost;
  }
  if (!local && !tunnel_out) {  // IP forwarding
    if (p.ttl <= 1) {
      if (cx.trace) cx.note(facts::TtlExpired{});
      ServeContext::drop(p, DropReason::TtlExpired);
      return cost;
    }
    --p.ttl;
  }
  const net::RouteTable& table = cx.cluster.node_route_table(n);
  const net::LookupResult r = cx.look_up(TableKind::Node, table, p, cost);
  if (!r.found()) {
    cx.no_route(TableKind::Node, p);
    return cost;
  }
  const net::Route& route = table.route(r.route);
  const auto& routes = route_egress_[n];
  const Egress out = r.route < routes.size() ? routes[r.route] : Egress{};
  const DeviceId egress = out.device;
  if (cx.trace) cx.note(facts::RouteMatched{TableKind::Node, n, kNone, r.route, p.tuple.dst, egress});
  if (egress == kNone) {
    ServeContext::drop(p, DropReason::NoRoute);
    return cost;
  }
  if (is_new) {
    net::NatAction action{dnat, std::nullopt};
    if (dnat && dnat->ip == original.src) {
      // Hairpin: a pod calling a Service whose chosen endpoint is the pod itself. kube-proxy marks it for
      // masquerade (KUBE-SEP-...: -s ENDPOINT/32 -j KUBE-MARK-MASQ, then KUBE-POSTROUTING MASQUERADE), or
      // the pod would get a packet from its own address. MASQUERADE takes the address of the interface
      // the packet leaves by: cbr0's under kubenet; a routed veth has none, so the node's primary one.
      const bool bridged = cx.cluster.devices()[egress].kind == scenario::DeviceKind::Bridge;
      action.snat = bridged ? node.podGateway : node.ip;
      if (cx.trace) cx.note(facts::Hairpin{*action.snat, bridged});
    } else if (mark_masq) {
      // KUBE-POSTROUTING's MASQUERADE of marked packets: the address of the interface it leaves by.
      const bool bridged = cx.cluster.devices()[egress].kind == scenario::DeviceKind::Bridge;
      action.snat = bridged ? node.podGateway : node.ip;
    } else if (egress == node.nic && !from_nic && p.tuple.src != node.ip) {
      const auto& masquerade = cx.cluster.masquerade();
      const auto& rule = masquerade.match(p.tuple.dst);
      if (rule.action == cluster::SnatAction::ToNodeIp) action.snat = node.ip;
      if (cx.trace) {
        cx.note(facts::MasqueradeRule{static_cast<std::uint32_t>(&rule - masquerade.rules.data()),
                                      action.snat.has_value()});
      }
    }
    cost += create_connection(cx, conntrack_[n], p, original, action);
    if (p.verdict == Verdict::Drop) return cost;
  }
  p.l2_next = route.next_hop.ip.value ? route.next_hop.ip : p.tuple.dst;
  cx.forward_on(p, out.link, egress);
  return cost;
}

void NodeStacks::add_to(Results& r) const {
  for (const auto& table : conntrack_) {
    r.nat.conntrack_expired += table.counters().expired;
    r.nat.conntrack_early_dropped += table.counters().early_dropped;
    r.nat.conntrack_entries += table.size();
    r.nat.conntrack_peak_per_node = std::max<std::uint64_t>(r.nat.conntrack_peak_per_node, table.counters().peak_size);
  }
}

}  // namespace cnisim::dataplane::devices
