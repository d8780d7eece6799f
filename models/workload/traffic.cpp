#include "models/workload/traffic.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "models/dataplane/endpoint_ref.hpp"
#include "models/scenario/labels.hpp"

namespace cnisim::workload {

using dataplane::HostRef;
using dataplane::Packet;
using dataplane::PacketId;

namespace {

constexpr std::uint16_t kEphemeralFirst = 32768;  // Linux net.ipv4.ip_local_port_range default start
constexpr std::uint16_t kEphemeralCount = 28232;  // ... up to 60999
constexpr std::uint32_t kNoServer = ~std::uint32_t{0};

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
    : network_(network), sim_(network.simulator()) {
  const auto& c = network.cluster();
  const TrafficSpec& spec = scenario.traffic;
  const sim::RandomStreams streams(seed);
  TrafficErrors errors(scenario);
  const auto no_pod = [&](const std::string& path, const std::map<std::string, std::string>& labels) {
    errors.add(path, "no pod has the labels " + scenario::labels_text(labels),
               "labels of a workload's pods; the workloads here give " + scenario::label_sets(c.spec()),
               "`cnisim get pods -A --show-labels` lists the pods; labels come from the workloads");
  };
  for (std::size_t i = 0; i < spec.chatty.size(); ++i) {
    const auto& s = spec.chatty[i];
    const std::string path = "traffic.chatty[" + std::to_string(i) + "]";
    Generator g{s, pods_with(c, s.clients), {}, {}, 0, streams.stream("chatty", i), 0, {}, {}, {}, {}};
    if (g.clients.empty()) no_pod(path + ".clients", s.clients);
    if (!s.service.empty()) {
      if (const auto svc = errors.resolve(c, "svc/" + s.service, path + ".service")) {
        g.service_ip = svc->ip;
        g.service_port = svc->port;
      }
    } else {
      g.servers = pods_with(c, s.servers);
      if (g.servers.empty()) no_pod(path + ".servers", s.servers);
    }
    g.next_port.assign(g.clients.size(), 0);
    if (!s.new_connection_per_call) {
      g.kept_open.assign(g.clients.size() * s.concurrency, 0);
      g.kept_server.assign(g.clients.size() * s.concurrency, kNoServer);
      g.kept_reached.assign(g.clients.size() * s.concurrency, kNoServer);
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
    Bulk b{*from->host, {}, sim::serialization_time(s.packet_size, s.rate), s.duration.ps(), s.packet_size};
    b.tuple = net::FiveTuple{net::Protocol::Udp, from->ip, static_cast<std::uint16_t>(kEphemeralFirst + i),
                             to->ip, to->port ? to->port : s.port};
    bulks_.push_back(b);
  }
  errors.throw_if_any();
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
  const Chain& ch = chains_[chain];
  auto& g = generators_[ch.generator];
  const HostRef client = g.clients[ch.client];
  net::FiveTuple tuple;
  tuple.protocol = net::Protocol::Tcp;
  tuple.src = network_.address_of(client);
  // A new connection per call draws its server per call; a kept-alive connection draws it once, when
  // it opens, and keeps it. Calls to a Service go to its address; the node's conntrack DNATs the
  // connection once, on its first packet.
  bool opens = true;
  std::size_t server = 0;
  const bool direct = !g.servers.empty();
  if (g.spec.new_connection_per_call) {
    tuple.src_port = static_cast<std::uint16_t>(kEphemeralFirst + g.next_port[ch.client]);
    g.next_port[ch.client] = static_cast<std::uint16_t>((g.next_port[ch.client] + 1) % kEphemeralCount);
    if (direct) server = g.random.uniform_below(g.servers.size());
  } else {
    tuple.src_port = static_cast<std::uint16_t>(kEphemeralFirst + ch.slot % kEphemeralCount);  // kept alive
    const std::size_t k = std::size_t{ch.client} * g.spec.concurrency + ch.slot;
    opens = g.kept_open[k] == 0;
    g.kept_open[k] = 1;
    if (direct) {
      if (g.kept_server[k] == kNoServer) g.kept_server[k] = static_cast<std::uint32_t>(g.random.uniform_below(g.servers.size()));
      server = g.kept_server[k];
    }
  }
  if (direct) {
    tuple.dst = network_.address_of(g.servers[server]);
    tuple.dst_port = g.spec.port;
  } else {
    tuple.dst = g.service_ip;
    tuple.dst_port = g.service_port;
  }
  const std::uint32_t call = allocate_call();
  calls_[call].chain = chain;
  calls_[call].start_ps = sim_.now().ps();
  ++calls_started_;
  network_.send(client, tuple, g.spec.request_size, kRequest, call, false, opens);
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

void Traffic::send_ping(std::uint32_t ping) {
  Ping& p = pings_[ping];
  const auto tag = static_cast<std::uint32_t>(ping_sent_ps_.size());
  ping_sent_ps_.push_back(sim_.now().ps());
  network_.send(p.from, p.tuple, p.size, kEchoRequest, tag);
  if (++p.sent < p.count) sim_.schedule_in(p.interval, [this, ping] { send_ping(ping); });
}

void Traffic::send_bulk(std::uint32_t bulk) {
  const Bulk& b = bulks_[bulk];
  network_.send(b.from, b.tuple, b.size, kBulk, bulk);
  if (sim_.now().ps() + b.gap.ps() < b.end_ps) sim_.schedule_in(b.gap, [this, bulk] { send_bulk(bulk); });
}

void Traffic::delivered(PacketId, const Packet& p, HostRef at) {
  last_activity_ps_ = sim_.now().ps();
  switch (p.kind) {
    case kEchoRequest:
      network_.send(at, p.tuple.reversed(), p.size, kEchoReply, p.tag);
      break;
    case kEchoReply:
      ping_latency_.record(sim_.now().ps() - ping_sent_ps_[p.tag]);
      break;
    case kBulk:
      bulk_bytes_ += p.size;
      break;
    case kRequest: {
      Call& call = calls_[p.tag];
      call.request_state = p;
      const Chain& ch = chains_[call.chain];
      auto& g = generators_[ch.generator];
      if (!g.spec.new_connection_per_call && at.kind == HostRef::Kind::Pod) {
        auto& reached = g.kept_reached[std::size_t{ch.client} * g.spec.concurrency + ch.slot];
        if (reached == kNoServer) reached = at.index;
      }
      const net::FiveTuple reply = p.tuple.reversed();
      const std::uint32_t tag = p.tag;
      const std::uint32_t size = g.spec.response_size;
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
      const auto& g = generators_[ch.generator];
      if (g.spec.new_connection_per_call) {
        network_.close_connections(call.request_state);
        network_.close_connections(p);
      }
      if (++ch.calls_done < g.spec.chain_depth) {
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

void Traffic::dropped(PacketId, const Packet& p, dataplane::DropReason) {
  last_activity_ps_ = sim_.now().ps();
  if (p.kind != kRequest && p.kind != kResponse) return;
  const std::uint32_t chain = calls_[p.tag].chain;
  if (generators_[chains_[chain].generator].spec.new_connection_per_call) {
    // The client gives the call up and closes its connection (what the packet and the request made).
    network_.close_connections(p);
    if (p.kind == kResponse) network_.close_connections(calls_[p.tag].request_state);
  }
  free_calls_.push_back(p.tag);
  ++calls_failed_;
  end_chain(chain, false);
}

std::vector<dataplane::KeptConnection> Traffic::kept_connections() const {
  std::vector<dataplane::KeptConnection> out;
  for (std::uint32_t i = 0; i < generators_.size(); ++i) {
    const auto& g = generators_[i];
    for (std::size_t k = 0; k < g.kept_reached.size(); ++k) {
      if (g.kept_reached[k] == kNoServer) continue;
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
  r.bulk_bytes_delivered += bulk_bytes_;
}

}  // namespace cnisim::workload
