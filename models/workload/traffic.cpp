#include "models/workload/traffic.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "models/dataplane/endpoint_ref.hpp"
#include "models/scenario/aks_facts.hpp"
#include "models/scenario/labels.hpp"
#include "models/workload/dns.hpp"

namespace cnisim::workload {

using dataplane::HostRef;
using dataplane::Packet;
using dataplane::PacketId;

namespace {

constexpr std::uint16_t kEphemeralFirst = 32768;  // Linux net.ipv4.ip_local_port_range default start
constexpr std::uint16_t kEphemeralCount = 28232;  // ... up to 60999
// NodeLocal DNSCache's connection to CoreDNS (its forward plugin keeps one open): one source port.
constexpr std::uint16_t kNodeCacheForwardPort = 60999;
constexpr std::uint32_t kNoServer = ~std::uint32_t{0};
constexpr std::uint32_t kUdpHeaders = 28;  // IPv4 (20) + UDP (8)
using transport::TcpState;

std::vector<HostRef> pods_with(const cluster::Cluster& c, const std::map<std::string, std::string>& labels) {
  std::vector<HostRef> out;
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
    if (scenario::selects(labels, c.workload(p).labels)) out.push_back(HostRef{HostRef::Kind::Pod, p});
  }
  return out;
}

// Problems with what the traffic names, each at its field's place in the scenario file.
class TrafficErrors {
 public:
  explicit TrafficErrors(const scenario::ScenarioSpec& spec) : spec_(spec) {}

  void add(const std::string& path, std::string message, std::string expected, std::string hint) {
    sink_.add(spec_.diagnostic(path, std::move(message), std::move(expected), std::move(hint)));
  }

  std::optional<dataplane::ResolvedEndpoint> resolve(const cluster::Cluster& c, const std::string& text,
                                                     const std::string& path) {
    try {
      return dataplane::resolve_endpoint(c, text);
    } catch (const std::invalid_argument& e) {
      // resolve_endpoint's text: "what\n  expected: ...\n  hint: ..."
      std::string message = e.what(), expected, hint;
      const auto part = [&](std::string_view label) {
        const auto at = message.find(label);
        if (at == std::string::npos) return std::string();
        const auto end = message.find('\n', at + label.size());
        return message.substr(at + label.size(), end == std::string::npos ? std::string::npos : end - at - label.size());
      };
      expected = part("\n  expected: ");
      hint = part("\n  hint: ");
      message = message.substr(0, message.find('\n'));
      add(path, message, expected.empty() ? "pod/NAME, node/NAME, vm/NAME, svc/NAME or an address in the cluster" : expected,
          hint.empty() ? "`cnisim get pods -A` and `cnisim get nodes` list the names" : hint);
      return std::nullopt;
    }
  }

  void throw_if_any() const { sink_.throw_if_any(); }

 private:
  const scenario::ScenarioSpec& spec_;
  scenario::DiagnosticSink sink_;
};

}  // namespace

Traffic::Traffic(dataplane::Network& network, const scenario::ScenarioSpec& scenario, std::uint64_t seed)
    : network_(network),
      sim_(network.simulator()),
      tcp_config_(network.profile().tcp),
      isn_random_(sim::RandomStreams(seed).stream("tcp-isn", 0)),
      race_random_(sim::RandomStreams(seed).stream("dns-race", 0)) {
  const auto& c = network.cluster();
  const TrafficSpec& spec = scenario.traffic;
  const sim::RandomStreams streams(seed);
  TrafficErrors errors(scenario);
  const auto no_pod = [&](const std::string& path, const std::map<std::string, std::string>& labels) {
    errors.add(path, "no pod has the labels " + scenario::labels_text(labels),
               "labels of a workload's pods; the workloads here give " + scenario::label_sets(c.spec()),
               "`cnisim get pods -A --show-labels` lists the pods; labels come from the workloads");
  };
  // resolve: true. Every Service's name in the cluster domain (what CoreDNS's kubernetes plugin
  // answers with an A record), and each client namespace's candidates for a generator's name.
  const std::string domain(scenario::aks::kClusterDomain);
  std::map<std::string, cluster::ServiceIndex> service_names;
  for (cluster::ServiceIndex v = 0; v < c.services().size(); ++v) {
    const auto& svc = c.service_spec(v);
    service_names[svc.name + "." + svc.namespace_ + ".svc." + domain] = v;
  }
  std::map<std::string, std::uint32_t> interned;  // fqdn -> Candidate::id
  const auto add_lookups = [&](const ChattySpec& s, const std::string& path, Generator& g) {
    const auto called = std::find_if(c.services().begin(), c.services().end(),
                                     [&](const cluster::Service& v) { return v.clusterIP == g.service_ip; });
    if (called == c.services().end()) return;
    const auto& called_spec = c.service_spec(static_cast<cluster::ServiceIndex>(called - c.services().begin()));
    const std::string called_name = called_spec.namespace_ + "/" + called_spec.name;
    std::map<std::string, std::uint32_t> by_namespace;  // client namespace -> index in names_
    const std::string at = scenario.given(path + ".hostname") ? path + ".hostname" : path + ".resolve";
    for (const HostRef& client : g.clients) {
      if (c.host_network(client.index)) {
        // Kubernetes docs, "DNS for Services and Pods": a hostNetwork pod with dnsPolicy ClusterFirst
        // falls back to Default, its node's resolv.conf, where Service names do not resolve.
        errors.add(path + ".clients", "client " + c.pod_name(client.index) + " is a hostNetwork pod: it resolves with its "
                   "node's resolv.conf (ClusterFirst falls back to Default), where no Service name resolves",
                   "clients that are not hostNetwork pods, with resolve: true",
                   "dnsPolicy ClusterFirstWithHostNet is not modelled; leave resolve out for these clients");
        return;
      }
      const std::string ns = c.pod_namespace(client.index);
      if (const auto known = by_namespace.find(ns); known != by_namespace.end()) {
        g.names.push_back(known->second);
        continue;
      }
      const std::string name = !s.hostname.empty() ? s.hostname
                               : ns == called_spec.namespace_ ? called_spec.name
                                                              : called_spec.name + "." + called_spec.namespace_;
      std::vector<Candidate> list;
      std::string tried;
      std::optional<cluster::ServiceIndex> found;
      for (const auto& fqdn : dns::candidates(name, s.ndots, dns::search_list(ns, domain, s.searches))) {
        Candidate cand;
        cand.id = interned.emplace(fqdn, static_cast<std::uint32_t>(interned.size())).first->second;
        const auto service = service_names.find(fqdn);
        cand.exists = service != service_names.end();
        cand.upstream = !dns::in_cluster_domain(fqdn, domain);
        cand.query_bytes = dns::query_bytes(fqdn);
        cand.answer_bytes[0] = dns::answer_bytes(fqdn, cand.exists ? dns::Answer::Address : dns::Answer::NxDomain);
        cand.answer_bytes[1] = dns::answer_bytes(fqdn, cand.exists ? dns::Answer::NoData : dns::Answer::NxDomain);
        tried.append(tried.empty() ? "" : ", ").append(fqdn);
        list.push_back(std::move(cand));
        if (service != service_names.end()) {
          found = service->second;
          break;  // found: res_search stops here
        }
      }
      if (!found || c.services()[*found].clusterIP != g.service_ip) {
        const std::string what = found ? "the Service " + c.service_spec(*found).namespace_ + "/" + c.service_spec(*found).name
                                       : "no name (tried " + tried + ")";
        errors.add(at, "'" + name + "' looked up from namespace '" + ns + "' finds " + what + ", not the Service called (" +
                           called_name + ")",
                   "a name that finds " + called_name + ", such as " + called_spec.name + "." + called_spec.namespace_,
                   "a client looks the name up with its namespace's search list first (ndots: " + std::to_string(s.ndots) +
                       "); give hostname: NAME.NAMESPACE, or the full name with a final dot");
        return;
      }
      by_namespace[ns] = static_cast<std::uint32_t>(names_.size());
      g.names.push_back(static_cast<std::uint32_t>(names_.size()));
      names_.push_back(std::move(list));
    }
  };
  for (std::size_t i = 0; i < spec.chatty.size(); ++i) {
    const auto& s = spec.chatty[i];
    const std::string path = "traffic.chatty[" + std::to_string(i) + "]";
    std::vector<HostRef> clients;
    if (!s.from.empty()) {
      // One client outside the cluster (the VM in the VNet, the internet host).
      if (const auto from = errors.resolve(c, s.from, path + ".from")) {
        if (!from->host || from->host->kind != HostRef::Kind::External || from->port != 0) {
          errors.add(path + ".from", "'" + s.from + "' is not a host outside the cluster",
                     "vm/NAME: vm/vm-in-vnet or vm/internet-host", "pods call with clients: {labels}");
        } else {
          clients.push_back(*from->host);
        }
      }
    } else {
      clients = pods_with(c, s.clients);
      if (clients.empty()) no_pod(path + ".clients", s.clients);
    }
    Generator g{s, std::move(clients), {}, {}, 0, streams.stream("chatty", i), 0, {}, {}, {}, {}, {}, {}};
    if (!s.service.empty()) {
      if (const auto svc = errors.resolve(c, "svc/" + s.service, path + ".service")) {
        g.service_ip = svc->ip;
        g.service_port = svc->port;
      }
    } else if (!s.to.empty()) {
      // A host outside the cluster (the internet host answers for any internet address): called at its
      // address and the generator's port, like a Service's address (whoever owns it answers).
      if (const auto to = errors.resolve(c, s.to, path + ".to")) {
        const auto owner = c.owner_of(to->ip);
        // A NodePort: a node's address at a Service's nodePort (kube-proxy there takes it).
        const bool node_port = owner && owner->kind == cluster::Cluster::AddressOwner::Kind::Node && to->port != 0 &&
                               std::any_of(c.services().begin(), c.services().end(), [&](const cluster::Service& v) {
                                 return std::find(v.nodePorts.begin(), v.nodePorts.end(), to->port) != v.nodePorts.end();
                               });
        const bool outside = !owner || owner->kind == cluster::Cluster::AddressOwner::Kind::External;
        if (!node_port && !outside) {
          errors.add(path + ".to", "'" + s.to + "' is inside the cluster and no Service's nodePort",
                     "vm/NAME or an address outside the cluster, or a node's IP:nodePort",
                     "call pods with servers: {labels} and Services with service: NAME (or NODE_IP:NODEPORT)");
        } else {
          g.service_ip = to->ip;
          g.service_port = to->port ? to->port : s.port;
        }
      }
    } else {
      g.servers = pods_with(c, s.servers);
      if (g.servers.empty()) no_pod(path + ".servers", s.servers);
    }
    g.next_port.assign(g.clients.size(), 0);
    if (s.resolve && !s.service.empty() && !g.clients.empty()) add_lookups(s, path, g);
    if (s.transport == scenario::Transport::Tcp && s.connection != scenario::ConnectionMode::PerCall) {
      const std::size_t size = g.clients.size() * kept_size(g);
      g.kept_conn.assign(size, kNone);
      g.kept_server.assign(size, kNoServer);
      g.kept_reached.assign(size, kNoServer);
      g.pool_waiting.resize(g.clients.size());
    }
    generators_.push_back(std::move(g));
  }
  const auto sender = [&](const std::string& text, const std::string& path) -> std::optional<dataplane::ResolvedEndpoint> {
    auto from = errors.resolve(c, text, path);
    if (from && !from->host) {
      errors.add(path, "'" + text + "' is not a host that can send", "a pod, node or VM (not a Service)",
                 "traffic starts at a pod/NAME, node/NAME or vm/NAME");
      return std::nullopt;
    }
    return from;
  };
  for (std::size_t i = 0; i < spec.ping.size(); ++i) {
    const auto& s = spec.ping[i];
    const std::string path = "traffic.ping[" + std::to_string(i) + "]";
    const auto from = sender(s.from, path + ".from");
    const auto to = errors.resolve(c, s.to, path + ".to");
    if (!from || !to) continue;
    Ping p{*from->host, {}, s.count, 0, s.interval, s.size};
    p.tuple = net::FiveTuple{to->protocol, from->ip, static_cast<std::uint16_t>(i + 1), to->ip, to->port};
    if (to->protocol != net::Protocol::Icmp)
      p.tuple.src_port = static_cast<std::uint16_t>(kEphemeralFirst + i);
    pings_.push_back(p);
  }
  for (std::size_t i = 0; i < spec.bulk.size(); ++i) {
    const auto& s = spec.bulk[i];
    const std::string path = "traffic.bulk[" + std::to_string(i) + "]";
    const auto from = sender(s.from, path + ".from");
    const auto to = errors.resolve(c, s.to, path + ".to");
    if (!from || !to) continue;
    const bool udp = s.transport == scenario::Transport::Udp;
    Bulk b{s, *from->host, {}, sim::Time::zero(), s.duration.ps(), kNone};
    if (udp) b.gap = sim::serialization_time(s.packet_size, s.rate.value_or(sim::gbps(1)));
    else if (s.rate) b.gap = sim::serialization_time(s.packet_size, *s.rate);
    b.tuple = net::FiveTuple{udp ? net::Protocol::Udp : net::Protocol::Tcp, from->ip,
                             static_cast<std::uint16_t>(kEphemeralFirst + i), to->ip, to->port ? to->port : s.port};
    bulks_.push_back(b);
  }
  if (!names_.empty()) {
    const auto dns = c.find_service("kube-system", "kube-dns");
    if (!dns) throw std::logic_error("resolve: the cluster has no kube-system/kube-dns Service");
    dns_ip_ = c.services()[*dns].clusterIP;
    node_local_ = c.spec().cluster.nodeLocalDNSCache;
    nameserver_ = node_local_ && c.service_dnat().mode == cluster::ServiceProxyMode::Ipvs
                      ? net::Ipv4::parse(scenario::aks::kNodeLocalDnsAddress)
                      : dns_ip_;
  }
  errors.throw_if_any();
}

std::uint32_t Traffic::kept_size(const Generator& g) const {
  return g.spec.connection == scenario::ConnectionMode::Pool ? g.spec.pool_size : g.spec.concurrency;
}

void Traffic::start() {
  for (std::uint32_t g = 0; g < generators_.size(); ++g) {
    auto& gen = generators_[g];
    for (std::uint32_t c = 0; c < gen.clients.size(); ++c) {
      if (gen.spec.rate_per_second) {
        open_loop_arrival(g, c);
      } else {
        for (std::uint32_t slot = 0; slot < gen.spec.concurrency; ++slot) {
          sim_.schedule_in(sim::Time::zero(), [this, g, c, slot] { start_chain(g, c, slot); });
        }
      }
    }
  }
  for (std::uint32_t p = 0; p < pings_.size(); ++p) {
    sim_.schedule_in(sim::Time::zero(), [this, p] { send_ping(p); });
  }
  for (std::uint32_t b = 0; b < bulks_.size(); ++b) {
    sim_.schedule_in(sim::Time::zero(), [this, b] { send_bulk(b); });
  }
}

bool Traffic::may_start_chain(const Generator& g) const {
  if (g.spec.chains && g.chains_started >= *g.spec.chains) return false;
  if (g.spec.duration && sim_.now() >= *g.spec.duration) return false;
  return true;
}

void Traffic::open_loop_arrival(std::uint32_t generator, std::uint32_t client) {
  auto& g = generators_[generator];
  const sim::Time mean = sim::ps(static_cast<std::int64_t>(1000000000000ull / *g.spec.rate_per_second));
  const sim::Time gap = g.random.exponential(mean);
  if (g.spec.duration && sim_.now() + gap >= *g.spec.duration) return;
  sim_.schedule_in(gap, [this, generator, client] {
    auto& gen = generators_[generator];
    if (!may_start_chain(gen)) return;
    start_chain(generator, client, static_cast<std::uint32_t>(gen.chains_started % gen.spec.concurrency));
    open_loop_arrival(generator, client);
  });
}

std::uint32_t Traffic::allocate_chain() {
  if (!free_chains_.empty()) {
    const auto id = free_chains_.back();
    free_chains_.pop_back();
    return id;
  }
  chains_.emplace_back();
  return static_cast<std::uint32_t>(chains_.size() - 1);
}

std::uint32_t Traffic::allocate_call() {
  if (!free_calls_.empty()) {
    const auto id = free_calls_.back();
    free_calls_.pop_back();
    return id;
  }
  calls_.emplace_back();
  return static_cast<std::uint32_t>(calls_.size() - 1);
}

void Traffic::start_chain(std::uint32_t generator, std::uint32_t client, std::uint32_t slot) {
  auto& g = generators_[generator];
  if (!may_start_chain(g)) return;
  ++g.chains_started;
  const std::uint32_t id = allocate_chain();
  chains_[id] = Chain{generator, client, slot, 0, sim_.now().ps()};
  issue_call(id);
}

void Traffic::issue_call(std::uint32_t chain) {
  const std::uint32_t call = allocate_call();
  calls_[call] = Call{chain, sim_.now().ps(), 0, 0, false};
  ++calls_started_;
  if (generators_[chains_[chain].generator].spec.transport == scenario::Transport::Udp) {
    issue_udp_call(chain, call);
  } else {
    issue_tcp_call(chain, call);
  }
}

// Over UDP a call is a request datagram and a response datagram: the slot's port for every call, a
// server drawn per call (a Service's conntrack entry keeps its endpoint while the flow lives).
void Traffic::issue_udp_call(std::uint32_t chain, std::uint32_t call) {
  const Chain& ch = chains_[chain];
  auto& g = generators_[ch.generator];
  const HostRef client = g.clients[ch.client];
  const net::FiveTuple tuple = call_tuple(g, client, net::Protocol::Udp, ch.slot, nullptr);
  network_.send(client, tuple, g.spec.request_size + kUdpHeaders, kRequest, call);
}

net::FiveTuple Traffic::call_tuple(Generator& g, HostRef client, net::Protocol protocol, std::uint32_t port_offset,
                                   std::uint32_t* kept_server) {
  net::FiveTuple t{protocol, network_.address_of(client),
                   static_cast<std::uint16_t>(kEphemeralFirst + port_offset % kEphemeralCount), g.service_ip, g.service_port};
  if (!g.servers.empty()) {
    std::uint32_t server = kNoServer;
    if (kept_server && *kept_server != kNoServer) {
      server = *kept_server;
    } else {
      server = static_cast<std::uint32_t>(g.random.uniform_below(g.servers.size()));
      if (kept_server) *kept_server = server;
    }
    t.dst = network_.address_of(g.servers[server]);
    t.dst_port = g.spec.port;
  }
  return t;
}

void Traffic::issue_tcp_call(std::uint32_t chain, std::uint32_t call) {
  const Chain& ch = chains_[chain];
  auto& g = generators_[ch.generator];
  if (!g.spec.new_connection_per_call()) {
    const std::uint32_t conn = take_kept(ch.generator, ch.client, ch.slot, call);
    if (conn == kResolving) return;  // its lookup opens the connection
    if (conn == kNone) {
      g.pool_waiting[ch.client].push_back(call);  // every connection of the client is busy
      return;
    }
    start_call_on(conn, call);
    return;
  }
  if (g.spec.resolve) {
    start_lookup(call, kNone);
    return;
  }
  start_call_on(open_per_call(chain, call), call);
}

std::uint32_t Traffic::open_per_call(std::uint32_t chain, std::uint32_t call) {
  // A new connection per call, from the client's next ephemeral port, to a server drawn for it.
  const Chain& ch = chains_[chain];
  auto& g = generators_[ch.generator];
  const HostRef client = g.clients[ch.client];
  const net::FiveTuple tuple = call_tuple(g, client, net::Protocol::Tcp, g.next_port[ch.client], nullptr);
  g.next_port[ch.client] = static_cast<std::uint16_t>((g.next_port[ch.client] + 1) % kEphemeralCount);
  const std::uint32_t conn = open_conn(client, tuple, g.spec.no_delay);
  conns_[conn].generator = ch.generator;
  calls_[call].opened = true;
  return conn;
}

std::uint32_t Traffic::take_kept(std::uint32_t generator, std::uint32_t client, std::uint32_t slot, std::uint32_t call) {
  auto& g = generators_[generator];
  const std::uint32_t size = kept_size(g);
  const std::size_t base = std::size_t{client} * size;
  const auto idle = [&](std::uint32_t m) {
    const std::uint32_t conn = g.kept_conn[base + m];
    return conn != kNone && conn != kResolving && conns_[conn].call == kNone;
  };
  const std::uint32_t own = slot % size;
  if (idle(own)) return g.kept_conn[base + own];
  for (std::uint32_t m = 0; m < size; ++m) {
    if (idle(m)) return g.kept_conn[base + m];
  }
  // A member not open yet (the own slot's first): open it. It keeps the server drawn now for its life.
  std::uint32_t member = kNone;
  if (g.kept_conn[base + own] == kNone) {
    member = own;
  } else {
    for (std::uint32_t m = 0; m < size && member == kNone; ++m) {
      if (g.kept_conn[base + m] == kNone) member = m;
    }
  }
  if (member == kNone) return kNone;
  const std::size_t k = base + member;
  if (g.spec.resolve) {  // the name first: the lookup opens it
    g.kept_conn[k] = kResolving;
    start_lookup(call, static_cast<std::uint32_t>(k));
    return kResolving;
  }
  return open_kept(generator, client, k, call);
}

std::uint32_t Traffic::open_kept(std::uint32_t generator, std::uint32_t client, std::size_t k, std::uint32_t call) {
  auto& g = generators_[generator];
  const HostRef from = g.clients[client];
  const auto member = static_cast<std::uint32_t>(k % kept_size(g));
  const net::FiveTuple tuple = call_tuple(g, from, net::Protocol::Tcp, member, &g.kept_server[k]);
  const std::uint32_t conn = open_conn(from, tuple, g.spec.no_delay);
  conns_[conn].generator = generator;
  conns_[conn].keep = static_cast<std::uint32_t>(k);
  g.kept_conn[k] = conn;
  calls_[call].opened = true;
  return conn;
}

void Traffic::start_call_on(std::uint32_t conn, std::uint32_t call) {
  Conn& c = conns_[conn];
  const auto& spec = generators_[c.generator].spec;
  const std::int64_t now = sim_.now().ps();
  c.call = call;
  calls_[call].held_ps = c.end[0].held_ps(now) + c.end[1].held_ps(now);
  c.response_end += spec.response_size;
  c.end[0].write(now, spec.request_size);
  pump(conn, 0);
}

const transport::TcpConfig& Traffic::config_for_mtu(std::uint32_t mtu) {
  auto [it, added] = mtu_configs_.try_emplace(mtu, tcp_config_);
  if (added) it->second.mtu = mtu;
  return it->second;
}

std::uint32_t Traffic::open_conn(HostRef client, const net::FiveTuple& tuple, bool no_delay) {
  std::uint32_t id;
  if (!free_conns_.empty()) {
    id = free_conns_.back();
    free_conns_.pop_back();
  } else {
    conns_.emplace_back(tcp_config_);
    id = static_cast<std::uint32_t>(conns_.size() - 1);
  }
  Conn& c = conns_[id];
  const auto isn = [&] { return static_cast<std::uint32_t>(isn_random_.next_u64()); };
  // The MSS the two ends agree on: the smaller MTU of theirs (the pods' under an encapsulating CNI).
  const std::uint32_t mtu = network_.cluster().connection_mtu(network_.address_of(client), tuple.dst, tuple.dst_port);
  const transport::TcpConfig& config = mtu == tcp_config_.mtu ? tcp_config_ : config_for_mtu(mtu);
  c.end[0] = transport::TcpConnection(config, isn(), no_delay);
  c.end[1] = transport::TcpConnection(config, isn(), no_delay);
  c.end[1].listen();
  c.host[0] = client;
  c.tuple[0] = tuple;
  c.server_known = false;
  c.live = true;
  ++c.generation;
  c.generator = c.bulk = c.keep = c.call = kNone;
  c.server_taken = c.response_end = c.bulk_counted = 0;
  c.end[0].connect(sim_.now().ps());
  return id;
}

void Traffic::pump(std::uint32_t conn, int side) {
  Conn& c = conns_[conn];
  auto& out = c.end[side].outbox();
  for (const transport::Segment& s : out) {
    network_.send_segment(c.host[side], c.tuple[side], s, side == 0 ? kToServer : kToClient, conn, c.generation);
  }
  out.clear();
  c.timer[side].update(sim_, c.end[side].next_timer_ps(),
                       [this, conn, generation = c.generation, side] { on_timer(conn, generation, side); });
}

void Traffic::on_timer(std::uint32_t conn, std::uint32_t generation, int side) {
  Conn& c = conns_[conn];
  if (!c.live || c.generation != generation) return;
  c.timer[side].fired();
  c.end[side].on_timer(sim_.now().ps());
  after_event(conn, side);
}

void Traffic::on_segment(std::uint32_t conn, int side, const Packet& p, HostRef at) {
  Conn& c = conns_[conn];
  if (!c.live || c.generation != p.tag_generation) return;  // for a connection that is gone
  if (side == 1 && !c.server_known) {
    // The server learns its peer from the SYN as it arrived (after any DNAT and SNAT on the way).
    c.server_known = true;
    c.host[1] = at;
    c.tuple[1] = p.tuple.reversed();
    if (c.keep != kNone && at.kind == HostRef::Kind::Pod) {
      auto& reached = generators_[c.generator].kept_reached[c.keep];
      if (reached == kNoServer) reached = at.index;
    }
  }
  c.end[side].receive(sim_.now().ps(), dataplane::segment_of(p));
  after_event(conn, side);
}

void Traffic::after_event(std::uint32_t conn, int side) {
  const std::int64_t now = sim_.now().ps();
  {
    Conn& c = conns_[conn];
    if (c.end[0].failed() || c.end[1].failed()) {
      abort_conn(conn);
      return;
    }
    if (side == 1) {
      server_reads(conn);
      if (c.end[1].peer_closed() && c.end[1].state() == TcpState::CloseWait) c.end[1].close(now);
    } else if (c.bulk != kNone) {
      top_up_bulk(conn);
    } else if (c.call != kNone && c.end[0].delivered() >= c.response_end) {
      complete_call(c.call, conn);
    }
  }
  pump(conn, side);
  release_if_done(conn);
}

void Traffic::server_reads(std::uint32_t conn) {
  Conn& c = conns_[conn];
  if (c.bulk != kNone) {
    // What arrives within the stream's duration (the data still queued when it closes drains after).
    if (sim_.now().ps() <= bulks_[c.bulk].end_ps) {
      bulk_bytes_ += c.end[1].delivered() - c.bulk_counted;
      c.bulk_counted = c.end[1].delivered();
    }
    return;
  }
  const auto& spec = generators_[c.generator].spec;
  while (c.end[1].delivered() >= c.server_taken + spec.request_size) {
    c.server_taken += spec.request_size;
    const std::uint32_t size = spec.response_size;
    if (spec.server_time == sim::Time::zero()) {
      c.end[1].write(sim_.now().ps(), size);
    } else {
      sim_.schedule_in(spec.server_time, [this, conn, generation = c.generation, size] {
        Conn& cc = conns_[conn];
        if (!cc.live || cc.generation != generation) return;
        cc.end[1].write(sim_.now().ps(), size);
        pump(conn, 1);
      });
    }
  }
}

void Traffic::complete_call(std::uint32_t call, std::uint32_t conn) {
  const Call cl = calls_[call];
  free_calls_.push_back(call);
  const std::int64_t now = sim_.now().ps();
  const std::int64_t latency = now - cl.start_ps;
  call_latency_.record(latency);
  ++calls_completed_;
  Conn& c = conns_[conn];
  const std::int64_t handshake = cl.opened ? c.end[0].established_at_ps() - cl.start_ps - cl.lookup_ps : 0;
  const std::int64_t waiting = c.end[0].held_ps(now) + c.end[1].held_ps(now) - cl.held_ps;
  ++tcp_.calls;
  tcp_.lookup_ps += cl.lookup_ps;
  tcp_.handshake_ps += handshake;
  tcp_.waiting_ps += waiting;
  tcp_.transfer_ps += latency - cl.lookup_ps - handshake - waiting;
  c.call = kNone;
  const Chain ch = chains_[cl.chain];
  auto& g = generators_[ch.generator];
  if (g.spec.new_connection_per_call()) {
    c.end[0].close(now);  // the client closes first, so its side waits in TIME_WAIT
  } else if (!g.pool_waiting[ch.client].empty()) {
    const std::uint32_t next = g.pool_waiting[ch.client].front();
    g.pool_waiting[ch.client].pop_front();
    start_call_on(conn, next);
  }
  Chain& chain = chains_[cl.chain];
  if (++chain.calls_done < g.spec.chain_depth) {
    issue_call(cl.chain);
  } else {
    end_chain(cl.chain, true);
  }
}

void Traffic::fail_call(std::uint32_t call) {
  const std::uint32_t chain = calls_[call].chain;
  free_calls_.push_back(call);
  ++calls_failed_;
  end_chain(chain, false);
}

void Traffic::abort_conn(std::uint32_t conn) {
  Conn& c = conns_[conn];
  if (!c.live) return;
  const std::uint32_t call = c.call;
  const std::uint32_t generator = c.generator;
  const std::uint32_t keep = c.keep;
  if (generator != kNone) ++tcp_.connections_failed;
  if (c.bulk != kNone) bulks_[c.bulk].end_ps = 0;  // a bulk stream whose connection failed is over
  c.call = kNone;
  release(conn);
  if (call != kNone) fail_call(call);
  // Calls waiting for the client's pool take the connection's place: a new one opens for the first.
  if (generator != kNone && keep != kNone) {
    const auto& g = generators_[generator];
    serve_pool_waiting(generator, keep / kept_size(g), keep % kept_size(g));
  }
}

void Traffic::serve_pool_waiting(std::uint32_t generator, std::uint32_t client, std::uint32_t member) {
  auto& g = generators_[generator];
  if (g.pool_waiting[client].empty()) return;
  const std::uint32_t next = g.pool_waiting[client].front();
  const std::uint32_t fresh = take_kept(generator, client, member, next);
  if (fresh == kNone) return;
  g.pool_waiting[client].pop_front();
  if (fresh != kResolving) start_call_on(fresh, next);
}

void Traffic::release_if_done(std::uint32_t conn) {
  const Conn& c = conns_[conn];
  if (!c.live) return;
  const TcpState client = c.end[0].state();
  if ((client == TcpState::TimeWait || client == TcpState::Closed) && c.end[1].state() == TcpState::Closed &&
      c.end[0].established_at_ps() >= 0) {
    release(conn);
  }
}

void Traffic::count(const Conn& c, dataplane::TcpSummary& tcp, std::uint64_t& bulk_retransmissions) {
  const transport::TcpCounters* ends[] = {&c.end[0].counters(), &c.end[1].counters()};
  if (c.generator == kNone) {
    for (const auto* e : ends) bulk_retransmissions += e->retransmissions;
    return;
  }
  ++tcp.connections;
  for (const auto* e : ends) {
    tcp.handshake_segments += e->handshake_segments;
    tcp.data_segments += e->data_segments;
    tcp.pure_acks += e->pure_acks;
    tcp.fin_segments += e->fin_segments;
    tcp.retransmissions += e->retransmissions;
    tcp.fast_retransmits += e->fast_retransmits;
    tcp.timeouts += e->timeouts;
    tcp.delayed_acks += e->delayed_acks;
  }
}

void Traffic::release(std::uint32_t conn) {
  Conn& c = conns_[conn];
  count(c, tcp_, bulk_retransmissions_);
  c.timer[0].cancel(sim_);
  c.timer[1].cancel(sim_);
  if (c.keep != kNone) generators_[c.generator].kept_conn[c.keep] = kNone;
  if (c.bulk != kNone) bulks_[c.bulk].conn = kNone;
  c.live = false;
  free_conns_.push_back(conn);
}

void Traffic::end_chain(std::uint32_t chain, bool completed) {
  const Chain ch = chains_[chain];
  free_chains_.push_back(chain);
  const auto& g = generators_[ch.generator];
  if (completed) {
    ++chains_completed_;
    chain_latency_.record(sim_.now().ps() - ch.start_ps);
  }
  if (g.spec.rate_per_second) return;  // open loop: arrivals drive new chains
  const std::uint32_t generator = ch.generator, client = ch.client, slot = ch.slot;
  sim_.schedule_in(g.spec.think_time,
                   [this, generator, client, slot] { start_chain(generator, client, slot); });
}

void Traffic::start_lookup(std::uint32_t call, std::uint32_t keep) {
  const Chain& ch = chains_[calls_[call].chain];
  std::uint32_t id;
  if (!free_lookups_.empty()) {
    id = free_lookups_.back();
    free_lookups_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(lookups_.size());
    lookups_.emplace_back();
  }
  Lookup& l = lookups_[id];
  l = Lookup{};
  l.call = call;
  l.keep = keep;
  l.names = generators_[ch.generator].names[ch.client];
  l.live = true;
  l.start_ps = sim_.now().ps();
  // The resolver's socket: an ephemeral port of its own (the kernel draws one per socket).
  l.port = static_cast<std::uint16_t>(kEphemeralFirst + lookup_port_++ % kEphemeralCount);
  send_lookup_round(id);
}

void Traffic::send_lookup_round(std::uint32_t lookup) {
  Lookup& l = lookups_[lookup];
  l.round = ++lookup_rounds_;
  l.answered = 0;
  l.retry_pending = false;
  l.round_ps = sim_.now().ps();
  ++l.attempt;
  const Chain& ch = chains_[calls_[l.call].chain];
  const HostRef client = generators_[ch.generator].clients[ch.client];
  const net::FiveTuple tuple{net::Protocol::Udp, network_.address_of(client), l.port, nameserver_, 53};
  const std::uint32_t bytes = names_[l.names][l.candidate].query_bytes;
  const std::uint32_t round = l.round;  // l is not used after a send (a drop is reported from inside it)
  const double race = network_.profile().dns.conntrack_race;
  for (std::uint32_t type = 0; type < 2; ++type) {
    ++dns_.queries;
    // NodeLocal DNSCache's queries are not tracked (its raw-table NOTRACK rules): no insert to race.
    if (type == 1 && race > 0 && !node_local_ && race_random_.bernoulli(race)) {
      // The AAAA query lost the conntrack insert race to the A query at the client's node: the
      // kernel dropped it on its way out, a few microseconds of path that are not simulated.
      ++dns_.race_drops;
      lookup_lost(lookup, round);
      continue;
    }
    network_.send(client, tuple, bytes, kDnsQuery, lookup * 2 + type, false, round);
  }
}

// A cache's key for a query: the host keeping it (a CoreDNS pod, or a node's NodeLocal DNSCache), the
// name and the query type.
std::uint64_t Traffic::cache_key(HostRef at, const Candidate& c, std::uint32_t type) {
  return (std::uint64_t{at.index} << 32) | (std::uint64_t{c.id} << 1) | type;
}

const Traffic::Candidate* Traffic::awaited_candidate(std::uint32_t tag, std::uint32_t round) const {
  const std::uint32_t id = tag / 2;
  if (id >= lookups_.size() || !lookups_[id].live || lookups_[id].round != round) return nullptr;
  return &names_[lookups_[id].names][lookups_[id].candidate];
}

// At a CoreDNS pod: the answer after its time (and upstream's, for a name outside the cluster domain
// that this replica has not kept in its cache). Queries are served side by side: CoreDNS answers
// each in a goroutine of its own; the replica's CPU limit is not modelled.
void Traffic::coredns_answer(const Packet& p, HostRef at) {
  const Candidate* awaited = awaited_candidate(p.tag, p.tag_generation);
  if (awaited == nullptr) return;  // given up
  const Candidate& cand = *awaited;
  const std::uint32_t type = p.tag % 2;
  const std::int64_t now = sim_.now().ps();
  const auto& settings = network_.profile().dns;
  std::int64_t serve = settings.coredns_serve.ps();
  if (cand.upstream) {
    const std::uint64_t key = cache_key(at, cand, type);
    const auto kept = dns_cache_.find(key);
    if (kept != dns_cache_.end() && kept->second > now) {
      ++dns_.cache_hits;
    } else {
      ++dns_.upstream;
      serve += settings.upstream.ps();
      dns_cache_[key] = now + serve + settings.cache_ttl.ps();
    }
  }
  if (!cand.exists) ++dns_.nxdomain;
  const std::uint8_t kind = p.kind == kDnsForward ? kDnsForwardAnswer : kDnsAnswer;
  sim_.schedule_in(sim::ps(serve), [this, at, reply = p.tuple.reversed(), size = cand.answer_bytes[type], tag = p.tag,
                                    round = p.tag_generation, kind] {
    network_.send(at, reply, size, kind, tag, false, round);
  });
}

// NodeLocal DNSCache (kubernetes cluster/addons/dns/nodelocaldns): CoreDNS on every node with the
// cache plugin. Cluster-domain names: `cache {success 9984 30  denial 9984 5}`, misses forwarded to
// CoreDNS (its forward plugin's force_tcp connection, kept open, stands as datagrams on the same path);
// other names: `cache 30`, misses straight upstream (the node's resolv.conf). It answers each query
// in corednsServe, as CoreDNS does.
void Traffic::node_cache_answer(const Packet& p, HostRef at) {
  const Candidate* awaited = awaited_candidate(p.tag, p.tag_generation);
  if (awaited == nullptr) return;  // given up
  const Candidate& cand = *awaited;
  const std::uint64_t key = cache_key(at, cand, p.tag % 2);
  const std::int64_t now = sim_.now().ps();
  const auto& settings = network_.profile().dns;
  std::int64_t serve = settings.coredns_serve.ps();
  const auto kept = node_cache_.find(key);
  if (kept != node_cache_.end() && kept->second > now) {
    ++dns_.node_cache_hits;
    if (!cand.exists) ++dns_.nxdomain;
  } else {
    ++dns_.node_cache_misses;
    if (!cand.upstream) {
      // To CoreDNS through kube-dns, from the node's own address (kube-proxy DNATs it to a replica).
      const HostRef node = at;
      const net::FiveTuple forward{net::Protocol::Udp, network_.address_of(node), kNodeCacheForwardPort, dns_ip_, 53};
      sim_.schedule_in(sim::ps(serve), [this, node, forward, size = cand.query_bytes, tag = p.tag, round = p.tag_generation] {
        network_.send(node, forward, size, kDnsForward, tag, false, round);
      });
      return;
    }
    ++dns_.upstream;
    if (!cand.exists) ++dns_.nxdomain;
    serve += settings.upstream.ps();
    node_cache_[key] = now + serve + settings.cache_ttl.ps();
  }
  sim_.schedule_in(sim::ps(serve), [this, at, tag = p.tag, round = p.tag_generation] { node_cache_reply(at, tag, round); });
}

void Traffic::node_cache_forwarded(const Packet& p, HostRef at) {
  const Candidate* awaited = awaited_candidate(p.tag, p.tag_generation);
  if (awaited == nullptr) return;  // given up
  const Candidate& cand = *awaited;
  const std::uint32_t type = p.tag % 2;
  const auto& settings = network_.profile().dns;
  node_cache_[cache_key(at, cand, type)] = sim_.now().ps() + (cand.exists && type == 0 ? settings.cache_ttl : settings.node_local_denial_ttl).ps();
  node_cache_reply(at, p.tag, p.tag_generation);
}

void Traffic::node_cache_reply(HostRef node, std::uint32_t tag, std::uint32_t round) {
  const std::uint32_t id = tag / 2;
  if (id >= lookups_.size() || !lookups_[id].live || lookups_[id].round != round) return;
  const Lookup& l = lookups_[id];
  const Chain& ch = chains_[calls_[l.call].chain];
  const HostRef client = generators_[ch.generator].clients[ch.client];
  const Candidate& cand = names_[l.names][l.candidate];
  const net::FiveTuple reply{net::Protocol::Udp, nameserver_, 53, network_.address_of(client), l.port};
  network_.send(node, reply, cand.answer_bytes[tag % 2], kDnsAnswer, tag, false, round);
}

void Traffic::lookup_answered(const Packet& p) {
  const std::uint32_t id = p.tag / 2;
  if (id >= lookups_.size()) return;
  Lookup& l = lookups_[id];
  if (!l.live || l.round != p.tag_generation) return;  // an answer to a round already over
  l.answered = static_cast<std::uint8_t>(l.answered | (1u << (p.tag % 2)));
  if (l.answered != 3) return;  // glibc waits for both
  const auto& list = names_[l.names];
  if (list[l.candidate].exists) {
    finish_lookup(id, true);
  } else if (l.candidate + 1 < list.size()) {
    ++l.candidate;
    l.attempt = 0;
    send_lookup_round(id);
  } else {
    finish_lookup(id, false);
  }
}

// A query or its answer was lost: the resolver sends the round again when its timeout expires after
// the round was sent, up to its attempts; then getaddrinfo fails.
void Traffic::lookup_lost(std::uint32_t id, std::uint32_t round) {
  if (id >= lookups_.size()) return;
  Lookup& l = lookups_[id];
  if (!l.live || l.round != round || l.retry_pending) return;
  l.retry_pending = true;
  const auto& settings = network_.profile().dns;
  sim_.schedule_at(sim::ps(l.round_ps + settings.resolver_timeout.ps()), [this, id, round = l.round] {
    Lookup& lk = lookups_[id];
    if (!lk.live || lk.round != round) return;
    if (lk.attempt < network_.profile().dns.resolver_attempts) {
      ++dns_.resent;
      send_lookup_round(id);
    } else {
      finish_lookup(id, false);
    }
  });
}

void Traffic::finish_lookup(std::uint32_t lookup, bool found) {
  const Lookup l = lookups_[lookup];
  lookups_[lookup].live = false;
  free_lookups_.push_back(lookup);
  const std::int64_t now = sim_.now().ps();
  const Chain ch = chains_[calls_[l.call].chain];
  if (!found) {
    ++dns_.lookups_failed;
    fail_call(l.call);
    if (l.keep != kNone) {
      auto& g = generators_[ch.generator];
      g.kept_conn[l.keep] = kNone;
      serve_pool_waiting(ch.generator, ch.client, l.keep % kept_size(g));
    }
    return;
  }
  ++dns_.lookups;
  lookup_latency_.record(now - l.start_ps);
  calls_[l.call].lookup_ps = now - l.start_ps;
  const std::uint32_t conn = l.keep != kNone ? open_kept(ch.generator, ch.client, l.keep, l.call)
                                             : open_per_call(calls_[l.call].chain, l.call);
  start_call_on(conn, l.call);
}

void Traffic::send_ping(std::uint32_t ping) {
  Ping& p = pings_[ping];
  const auto tag = static_cast<std::uint32_t>(ping_sent_ps_.size());
  ping_sent_ps_.push_back(sim_.now().ps());
  network_.send(p.from, p.tuple, p.size, kEchoRequest, tag);
  if (++p.sent < p.count) sim_.schedule_in(p.interval, [this, ping] { send_ping(ping); });
}

void Traffic::send_bulk(std::uint32_t bulk) {
  Bulk& b = bulks_[bulk];
  const std::int64_t now = sim_.now().ps();
  if (b.spec.transport == scenario::Transport::Udp) {
    network_.send(b.from, b.tuple, b.spec.packet_size, kBulk, bulk);
    if (now + b.gap.ps() < b.end_ps) sim_.schedule_in(b.gap, [this, bulk] { send_bulk(bulk); });
    return;
  }
  if (b.conn == kNone) {
    if (now >= b.end_ps) return;  // over (its connection failed)
    // The stream's connection; it closes when the time is up (its FIN follows what was written).
    b.conn = open_conn(b.from, b.tuple, b.spec.no_delay);
    conns_[b.conn].bulk = bulk;
    sim_.schedule_at(sim::ps(b.end_ps), [this, bulk, conn = b.conn, generation = conns_[b.conn].generation] {
      Conn& c = conns_[conn];
      if (!c.live || c.generation != generation) return;
      c.end[0].close(sim_.now().ps());
      after_event(conn, 0);
      (void)bulk;
    });
  }
  Conn& c = conns_[b.conn];
  if (b.spec.rate) {
    c.end[0].write(now, b.spec.packet_size);  // an application writing at its rate
    if (now + b.gap.ps() < b.end_ps) sim_.schedule_in(b.gap, [this, bulk] { send_bulk(bulk); });
  } else {
    top_up_bulk(b.conn);
  }
  pump(b.conn, 0);
}

void Traffic::top_up_bulk(std::uint32_t conn) {
  Conn& c = conns_[conn];
  const Bulk& b = bulks_[c.bulk];
  const std::int64_t now = sim_.now().ps();
  const TcpState state = c.end[0].state();
  if (b.spec.rate || now >= b.end_ps || (state != TcpState::Established && state != TcpState::SynSent)) return;
  // As fast as TCP goes: the application keeps the socket's send buffer (unacknowledged and unsent
  // bytes) full.
  const std::uint64_t queued = c.end[0].written() - c.end[0].acknowledged();
  if (queued < tcp_config_.send_buffer) c.end[0].write(now, tcp_config_.send_buffer - queued);
}

void Traffic::delivered(PacketId, const Packet& p, HostRef at) {
  last_activity_ps_ = sim_.now().ps();
  switch (p.kind) {
    case kToServer:
      on_segment(p.tag, 1, p, at);
      break;
    case kToClient:
      on_segment(p.tag, 0, p, at);
      break;
    case kEchoRequest:
      network_.send(at, p.tuple.reversed(), p.size, kEchoReply, p.tag);
      break;
    case kEchoReply:
      ping_latency_.record(sim_.now().ps() - ping_sent_ps_[p.tag]);
      break;
    case kBulk:
      bulk_bytes_ += p.size;
      break;
    case kDnsQuery:
      if (at.kind == HostRef::Kind::Node) {
        node_cache_answer(p, at);  // NodeLocal DNSCache took it on the pod's node
      } else {
        coredns_answer(p, at);
      }
      break;
    case kDnsForward:
      coredns_answer(p, at);
      break;
    case kDnsForwardAnswer:
      node_cache_forwarded(p, at);
      break;
    case kDnsAnswer:
      lookup_answered(p);
      break;
    case kRequest: {
      const auto& g = generators_[chains_[calls_[p.tag].chain].generator];
      const net::FiveTuple reply = p.tuple.reversed();
      const std::uint32_t tag = p.tag;
      const std::uint32_t size = g.spec.response_size + kUdpHeaders;
      if (g.spec.server_time == sim::Time::zero()) {
        network_.send(at, reply, size, kResponse, tag);
      } else {
        sim_.schedule_in(g.spec.server_time,
                         [this, at, reply, size, tag] { network_.send(at, reply, size, kResponse, tag); });
      }
      break;
    }
    case kResponse: {
      const Call call = calls_[p.tag];
      free_calls_.push_back(p.tag);
      call_latency_.record(sim_.now().ps() - call.start_ps);
      ++calls_completed_;
      Chain& ch = chains_[call.chain];
      if (++ch.calls_done < generators_[ch.generator].spec.chain_depth) {
        issue_call(call.chain);
      } else {
        end_chain(call.chain, true);
      }
      break;
    }
    default:
      break;
  }
}

void Traffic::dropped(PacketId, const Packet& p, dataplane::DropReason reason) {
  last_activity_ps_ = sim_.now().ps();
  if (p.kind == kToServer || p.kind == kToClient) {
    // A lost segment is TCP's to repair. A path that cannot carry it at all answers with an error the
    // sending kernel sees (ICMP unreachable, kube-proxy's REJECT): the connection is aborted, later
    // (the drop is reported from inside a send). Policy engines drop silently (Calico's and NPM's DROP,
    // Cilium's drop), as does kube-proxy a Local traffic policy's packet on a node without endpoints:
    // the SYN is retransmitted until its retries run out.
    using dataplane::DropReason;
    if (reason == DropReason::QueueFull || reason == DropReason::ConntrackFull ||
        reason == DropReason::NatPortsExhausted || reason == DropReason::SnatPortsExhausted ||
        reason == DropReason::TtlExpired || reason == DropReason::PolicyDenied || reason == DropReason::NoLocalEndpoint)
      return;
    sim_.schedule_in(sim::Time::zero(), [this, conn = p.tag, generation = p.tag_generation] {
      const Conn& c = conns_[conn];
      if (c.live && c.generation == generation) abort_conn(conn);
    });
    return;
  }
  if (p.kind == kDnsQuery || p.kind == kDnsAnswer || p.kind == kDnsForward || p.kind == kDnsForwardAnswer) {
    lookup_lost(p.tag / 2, p.tag_generation);
    return;
  }
  if (p.kind != kRequest && p.kind != kResponse) return;
  const std::uint32_t chain = calls_[p.tag].chain;
  free_calls_.push_back(p.tag);
  ++calls_failed_;
  end_chain(chain, false);
}

std::vector<dataplane::KeptConnection> Traffic::kept_connections() const {
  std::vector<dataplane::KeptConnection> out;
  for (std::uint32_t i = 0; i < generators_.size(); ++i) {
    const auto& g = generators_[i];
    if (g.spec.connection != scenario::ConnectionMode::KeepAlive) continue;
    for (std::size_t k = 0; k < g.kept_reached.size(); ++k) {
      if (g.kept_reached[k] == kNoServer || g.clients[k / g.spec.concurrency].kind != HostRef::Kind::Pod) continue;
      out.push_back({i, g.clients[k / g.spec.concurrency].index, static_cast<std::uint32_t>(k % g.spec.concurrency),
                     g.kept_reached[k]});
    }
  }
  return out;
}

void Traffic::add_to(dataplane::Results& r) const {
  r.call_latency = dataplane::summarize(call_latency_);
  r.chain_latency = dataplane::summarize(chain_latency_);
  r.ping_latency = dataplane::summarize(ping_latency_);
  r.calls_started += calls_started_;
  r.calls_completed += calls_completed_;
  r.calls_failed += calls_failed_;
  r.calls_cut_off += calls_started_ - calls_completed_ - calls_failed_;
  r.chains_completed += chains_completed_;
  // The connections still open count too.
  dataplane::TcpSummary tcp = tcp_;
  std::uint64_t bulk_retransmissions = bulk_retransmissions_;
  for (const Conn& c : conns_) {
    if (c.live) count(c, tcp, bulk_retransmissions);
  }
  r.tcp = tcp;
  r.dns = dns_;
  r.dns.latency = dataplane::summarize(lookup_latency_);
  r.bulk_retransmissions += bulk_retransmissions;
  r.bulk_bytes_delivered += bulk_bytes_;
}

}  // namespace cnisim::workload
