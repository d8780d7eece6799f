// The node's root-namespace stack, in Linux's order: conntrack (replies and known flows are
// translated), kube-proxy Service DNAT for a new connection, local delivery or IP forwarding (TTL),
// the kernel route lookup, masquerade when leaving by eth0, and conntrack creation.
#include "models/dataplane/network.hpp"

namespace cnisim::dataplane {

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
      return std::nullopt;  // ClusterIPs are virtual: only their ports exist
  }
  return std::nullopt;
}

}  // namespace

std::int64_t Network::conntrack_and_dnat(cluster::NodeIndex n, Packet& p, std::optional<net::Endpoint>& dnat,
                                         bool& is_new, TraceHop* t) {
  std::int64_t cost = profile_.conntrack_lookup.ps();
  auto& table = conntrack_[n];
  if (const auto tracked = table.lookup(p.tuple, sim_.now().ps(), p.opens)) {
    is_new = false;
    if (tracked->tuple != p.tuple) {
      const auto& conn = table.connection(tracked->connection);
      if (tracked->direction == net::Direction::Reply) {
        ++counters_.nat.reverse;
      } else {
        counters_.nat.dnat += conn.dnat;
        counters_.nat.snat += conn.snat;
      }
      if (t) {
        t->notes.push_back(std::string("conntrack: ") +
                           (tracked->direction == net::Direction::Reply
                                ? "a reply of a translated connection, "
                                : "a known translated connection, ") +
                           p.tuple.to_string() + " becomes " + tracked->tuple.to_string() + " (entry " +
                           std::string(net::to_string(conn.state)) + ")");
      }
      p.tuple = tracked->tuple;
      cost += profile_.nat_rewrite.ps();
    }
    return cost;
  }
  is_new = true;
  const auto protocol = service_protocol(p.tuple.protocol);
  if (!protocol) return cost;
  const auto& services = cluster_.service_dnat();
  const auto match = services.find(p.tuple.dst, p.tuple.dst_port, *protocol);
  if (services.mode == cluster::ServiceProxyMode::Iptables) {
    cost += profile_.iptables_per_rule.ps() * static_cast<std::int64_t>(match.rulesWalked);
    counters_.iptables_rules_walked += match.rulesWalked;
  } else {
    cost += profile_.service_map_lookup.ps();
  }
  if (!match.rule) return cost;
  const auto& endpoints = cluster_.services()[match.rule->service].endpoints;
  if (endpoints.empty()) {
    if (t)
      t->notes.push_back(services.implementedBy + ": Service " + p.tuple.dst.to_string() +
                         " has no endpoints");
    set_drop(p, DropReason::NoServiceEndpoint);
    return cost;
  }
  // A new connection: DNATed once, here, to the endpoint the Service port's picker chooses; its later
  // packets and replies follow the conntrack entry.
  const auto rule = static_cast<std::size_t>(match.rule - services.rules.data());
  std::uint32_t no_cursor = 0;
  const bool round_robin = services.mode == cluster::ServiceProxyMode::Ipvs;
  const auto pick = service_pickers_[rule].pick_index(
      round_robin ? 0 : endpoint_random_[n].next_u64(),
      round_robin ? round_robin_[n * services.rules.size() + rule] : no_cursor);
  dnat = service_pickers_[rule].endpoints()[*pick];
  if (t) {
    const auto& svc = cluster_.service_spec(match.rule->service);
    t->notes.push_back(services.implementedBy + ": " + p.tuple.dst.to_string() + ":" +
                       std::to_string(p.tuple.dst_port) + " is Service " + svc.namespace_ + "/" + svc.name +
                       " (rules walked: " + std::to_string(match.rulesWalked) + "); DNAT to endpoint " +
                       dnat->to_string() + " (" + cluster_.pod_name(endpoints[*pick]) + ")");
  }
  p.tuple.dst = dnat->ip;
  p.tuple.dst_port = dnat->port;
  return cost;
}

std::int64_t Network::create_connection(cluster::NodeIndex n, Packet& p, const net::FiveTuple& original,
                                        const net::NatAction& action, TraceHop* t) {
  std::int64_t cost = profile_.conntrack_create.ps();
  try {
    const net::Tracked tracked = conntrack_[n].create(original, action, sim_.now().ps());
    ++counters_.nat.conntrack_created;
    if (action.dnat) {
      ++counters_.nat.dnat;
      cost += profile_.nat_rewrite.ps();
    }
    if (action.snat) {
      ++counters_.nat.snat;
      cost += profile_.nat_rewrite.ps();
      if (t)
        t->notes.push_back("masquerade: source " + p.tuple.src.to_string() + ":" +
                           std::to_string(p.tuple.src_port) + " becomes the node's " +
                           tracked.tuple.src.to_string() + ":" + std::to_string(tracked.tuple.src_port));
    }
    if (t) {
      const auto& conn = conntrack_[n].connection(tracked.connection);
      t->notes.push_back("conntrack: new entry for " + original.to_string() + " in " +
                         std::string(net::to_string(conn.state)) + ", forgotten " +
                         sim::ps(conn.expires_ps - sim_.now().ps()).to_string() + " after its last packet");
    }
    p.tuple = tracked.tuple;
    for (std::size_t i = 0; i < p.ct_node.size(); ++i) {
      if (p.ct_node[i] == kNone) {
        p.ct_node[i] = n;
        p.ct_id[i] = tracked.connection;
        p.ct_generation[i] = tracked.generation;
        break;
      }
    }
  } catch (const net::PortExhaustedError& e) {
    if (t) t->notes.push_back(std::string("masquerade failed: ") + e.what());
    set_drop(p, DropReason::NatPortsExhausted);
  } catch (const net::ConntrackFullError& e) {
    if (t) t->notes.push_back(std::string("conntrack: ") + e.what());
    set_drop(p, DropReason::ConntrackFull);
  }
  return cost;
}

std::int64_t Network::serve_node_stack(DeviceId device, const cluster::Device& d, Packet& p, TraceHop* t) {
  const cluster::NodeIndex n = d.node;
  const cluster::Node& node = cluster_.nodes()[n];
  const bool local = p.in_link == kNone;
  const bool from_nic = !local && links_[p.in_link].from == node.nic;
  const net::FiveTuple original = p.tuple;
  std::optional<net::Endpoint> dnat;
  bool is_new = false;
  std::int64_t cost = conntrack_and_dnat(n, p, dnat, is_new, t);
  if (p.verdict == Verdict::Drop) return cost;

  if (p.tuple.dst == node.ip) {
    if (t) t->notes.push_back(p.tuple.dst.to_string() + " is this node's own address: delivered locally");
    if (is_new) cost += create_connection(n, p, original, net::NatAction{dnat, std::nullopt}, t);
    if (p.verdict != Verdict::Drop) p.verdict = Verdict::Deliver;
    return cost;
  }
  if (!local) {  // IP forwarding
    if (p.ttl <= 1) {
      if (t) t->notes.push_back("TTL would reach 0: dropped (ICMP time exceeded)");
      set_drop(p, DropReason::TtlExpired);
      return cost;
    }
    --p.ttl;
  }
  const net::RouteTable& table = cluster_.node_route_table(n);
  const net::LookupResult r = net::find_route(table, p.tuple.dst);
  ++p.lookups[static_cast<std::size_t>(TableKind::Node)];
  cost += lookup_cost(TableKind::Node, r.work);
  if (!r.found()) {
    if (t) t->notes.push_back("node kernel table: no route to " + p.tuple.dst.to_string());
    set_drop(p, DropReason::NoRoute);
    return cost;
  }
  const net::Route& route = table.route(r.route);
  const auto& devs = node_route_device_[n];
  const DeviceId egress = r.route < devs.size() ? devs[r.route] : kNone;
  if (t) {
    t->notes.push_back(
        "node kernel table of " + node.name + ": " + route.to_string() + " [" + route.name + "]" +
        (egress == kNone ? ": no such interface here" : ": out of " + cluster_.device_name(egress)));
  }
  if (egress == kNone) {
    set_drop(p, DropReason::NoRoute);
    return cost;
  }
  if (is_new) {
    net::NatAction action{dnat, std::nullopt};
    if (dnat && dnat->ip == original.src) {
      // Hairpin: a pod calling a Service whose chosen endpoint is the pod itself. kube-proxy marks it for
      // masquerade (KUBE-SEP-...: -s ENDPOINT/32 -j KUBE-MARK-MASQ, then KUBE-POSTROUTING MASQUERADE), or
      // the pod would get a packet from its own address. MASQUERADE takes the address of the interface
      // the packet leaves by: cbr0's under kubenet; a routed veth has none, so the node's primary one.
      const bool bridged = cluster_.devices()[egress].kind == scenario::DeviceKind::Bridge;
      action.snat = bridged ? node.podGateway : node.ip;
      if (t) {
        t->notes.push_back("kube-proxy: hairpin (the endpoint is the caller itself): masquerade to " +
                           action.snat->to_string() + (bridged ? " (cbr0's address)" : " (the node's address)"));
      }
    } else if (egress == node.nic && !from_nic && p.tuple.src != node.ip) {
      const auto& rule = cluster_.masquerade().match(p.tuple.dst);
      if (rule.action == cluster::SnatAction::ToNodeIp) action.snat = node.ip;
      if (t) {
        t->notes.push_back(cluster_.masquerade().enforcedBy + ": " + rule.destination.to_string() + " (" +
                           rule.reason + ") -> " +
                           (action.snat ? "masquerade to the node IP" : "keep the pod IP"));
      }
    }
    cost += create_connection(n, p, original, action, t);
    if (p.verdict == Verdict::Drop) return cost;
  }
  p.l2_next = route.next_hop.ip.value ? route.next_hop.ip : p.tuple.dst;
  forward_to(p, device, egress);
  return cost;
}

}  // namespace cnisim::dataplane
