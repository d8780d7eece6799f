#include "models/emulation/facts.hpp"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "models/dataplane/trace.hpp"
#include "models/emulation/emulator.hpp"
#include "models/emulation/ping.hpp"
#include "models/emulation/process.hpp"

namespace cnisim::emulation {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using dataplane::HostRef;

constexpr int kWaitMs = 2000;

asio::ip::address_v4 to_asio(net::Ipv4 ip) { return asio::ip::address_v4(ip.value); }
net::Ipv4 from_asio(const asio::ip::address& a) { return net::Ipv4(a.to_v4().to_uint()); }


bool wait_readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return false;
  }
}

std::vector<std::string> conntrack_lines(const std::string& ns_path, net::Ipv4 client, net::Ipv4 target) {
  std::vector<std::string> lines;
  std::istringstream in(read_file_in_netns(ns_path, "/proc/thread-self/net/nf_conntrack"));
  const std::string needle = "src=" + client.to_string() + " dst=" + target.to_string() + " ";
  for (std::string line; std::getline(in, line) && lines.size() < 4;) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

}  // namespace

net::Ipv4 address_of(const cluster::Cluster& c, HostRef h) {
  switch (h.kind) {
    case HostRef::Kind::Pod: return c.pods()[h.index].ip;
    case HostRef::Kind::Node: return c.nodes()[h.index].ip;
    case HostRef::Kind::External: return c.externals()[h.index].ip;
  }
  return {};
}

std::string name_of(const cluster::Cluster& c, HostRef h) {
  switch (h.kind) {
    case HostRef::Kind::Pod: return "pod " + c.pod_namespace(h.index) + "/" + c.pod_name(h.index);
    case HostRef::Kind::Node: return "node " + c.nodes()[h.index].name;
    case HostRef::Kind::External: return c.externals()[h.index].name;
  }
  return "?";
}

std::string path_of(const Emulation& e, HostRef h) {
  switch (h.kind) {
    case HostRef::Kind::Pod: return e.path_of_pod(h.index);
    case HostRef::Kind::Node: return e.path_of_node(h.index);
    case HostRef::Kind::External: return e.path_of_external(h.index);
  }
  return {};
}

std::vector<ProbePair> choose_pairs(const cluster::Cluster& c) {
  std::vector<ProbePair> pairs;
  std::vector<cluster::PodIndex> pods;
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
    if (!c.host_network(p)) pods.push_back(p);
  }
  if (pods.empty()) return pairs;
  // The client: a pod that has a neighbour on its node, if there is one.
  cluster::PodIndex client = pods.front();
  std::optional<cluster::PodIndex> same, other;
  for (auto a : pods) {
    for (auto b : pods) {
      if (a != b && c.pods()[a].node == c.pods()[b].node) {
        client = a, same = b;
        break;
      }
    }
    if (same) break;
  }
  for (auto b : pods) {
    if (c.pods()[b].node != c.pods()[client].node) {
      other = b;
      break;
    }
  }
  auto pod = [](cluster::PodIndex p) { return HostRef{HostRef::Kind::Pod, p}; };
  auto label = [&](HostRef a, HostRef b) { return name_of(c, a) + " -> " + name_of(c, b); };
  const HostRef from = pod(client);
  if (same) pairs.push_back({"pod to pod, same node", from, pod(*same), {}, label(from, pod(*same))});
  if (other) pairs.push_back({"pod to pod, across nodes", from, pod(*other), {}, label(from, pod(*other))});
  for (std::uint32_t e = 0; e < c.externals().size(); ++e) {
    const HostRef ext{HostRef::Kind::External, e};
    const auto kind = c.devices()[c.externals()[e].device].kind;
    if (kind == scenario::DeviceKind::VirtualAppliance) continue;  // on the way, not an end
    const bool vm = kind == scenario::DeviceKind::ExternalVm;
    pairs.push_back({vm ? "pod to VM" : "pod to internet host", from, ext, {}, label(from, ext)});
    if (vm) pairs.push_back({"VM to pod", ext, from, {}, label(ext, from)});
  }
  // The Service: the first with endpoints outside kube-system (seed-walkthrough: nginx).
  for (cluster::ServiceIndex s = 0; s < c.services().size(); ++s) {
    if (c.services()[s].endpoints.empty() || c.service_spec(s).ports.empty()) continue;
    if (c.service_spec(s).namespace_ == "kube-system") continue;
    pairs.push_back({"pod to Service", from, std::nullopt, s,
                     name_of(c, from) + " -> Service " + c.service_spec(s).namespace_ + "/" + c.service_spec(s).name});
    break;
  }
  return pairs;
}

Facts simulate_pair(const cluster::Cluster& c, const scenario::CostProfile& profile, const ProbePair& pair) {
  net::FiveTuple tuple{net::Protocol::Udp, address_of(c, pair.from), 40000, {}, kProbePort};
  if (pair.service) {
    const auto& rule = *std::find_if(c.service_dnat().rules.begin(), c.service_dnat().rules.end(),
                                     [&](const auto& r) { return r.service == *pair.service; });
    tuple.protocol = rule.protocol == cluster::Protocol::Udp ? net::Protocol::Udp : net::Protocol::Tcp;
    tuple.dst = rule.clusterIP;
    tuple.dst_port = rule.port;
  } else {
    tuple.dst = address_of(c, *pair.to);
  }
  const dataplane::Exchange x = dataplane::exchange(c, profile, pair.from, tuple, 64);
  Facts f;
  f.reached = x.reached;
  f.answered = x.answered && x.reply_arrived.src == tuple.dst;
  if (x.request_drop) f.note = "request dropped: " + std::string(dataplane::to_string(*x.request_drop));
  if (x.reply_drop) f.note = "reply dropped: " + std::string(dataplane::to_string(*x.reply_drop));
  if (x.reached) {
    f.sourceSeen = x.request_arrived.src;
    f.ttl = tuple.protocol == net::Protocol::Udp ? x.request_ttl : -1;
    f.answeredBy = name_of(c, x.reached_at);
    f.answeredAt = x.request_arrived.dst;
    f.snat = x.request_arrived.src != tuple.src;
  }
  return f;
}

Facts observe_pair(const Emulation& e, const ProbePair& pair) {
  const auto& c = e.cluster();
  Facts f;
  asio::io_context io;
  const net::Ipv4 self = address_of(c, pair.from);
  const std::string client_path = path_of(e, pair.from);
  net::Ipv4 target_ip;
  if (pair.to) target_ip = address_of(c, *pair.to);
  for (const auto& rule : c.service_dnat().rules) {
    if (pair.service && rule.service == *pair.service) {
      target_ip = rule.clusterIP;
      break;
    }
  }
  // The namespace whose conntrack the client's traffic goes through first (its node; a VM: none).
  std::optional<std::string> node_path;
  if (pair.from.kind == HostRef::Kind::Pod) node_path = e.path_of_node(c.pods()[pair.from.index].node);
  if (!pair.service) {
    // UDP: the server reads the TTL of the datagram (IP_RECVTTL) and who sent it, and answers.
    const HostRef to = *pair.to;
    udp::socket server(io, udp::v4(), socket_in_netns(path_of(e, to), AF_INET, SOCK_DGRAM));
    server.set_option(asio::socket_base::reuse_address(true));
    server.bind(udp::endpoint(udp::v4(), kProbePort));
    const int on = 1;
    ::setsockopt(server.native_handle(), IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
    udp::socket client(io, udp::v4(), socket_in_netns(client_path, AF_INET, SOCK_DGRAM));
    const udp::endpoint target(to_asio(address_of(c, to)), kProbePort);
    boost::system::error_code sent;
    client.send_to(asio::buffer("cnisim probe", 12), target, 0, sent);
    if (sent) {
      // The sender's own routes refuse it (a blackhole: its subnet has no route there).
      f.note = "the sender could not send it: " + sent.message();
      return f;
    }
    if (!wait_readable(server.native_handle(), kWaitMs)) {
      f.note = "no datagram arrived within " + std::to_string(kWaitMs) + " ms";
      return f;
    }
    char data[64];
    char control[CMSG_SPACE(sizeof(int)) * 2];
    sockaddr_in peer{};
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof peer;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(server.native_handle(), &msg, 0) < 0) throw std::runtime_error("recvmsg failed");
    for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
      if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL) {
        int ttl = 0;
        std::memcpy(&ttl, CMSG_DATA(cm), sizeof ttl);
        f.ttl = ttl;
      }
    }
    f.reached = true;
    f.sourceSeen = net::Ipv4(ntohl(peer.sin_addr.s_addr));
    f.answeredBy = name_of(c, to);
    f.answeredAt = address_of(c, to);
    f.snat = f.sourceSeen != self;
    const udp::endpoint back(asio::ip::address_v4(ntohl(peer.sin_addr.s_addr)), ntohs(peer.sin_port));
    server.send_to(asio::buffer("cnisim reply", 12), back);
    if (wait_readable(client.native_handle(), kWaitMs)) {
      udp::endpoint from;
      client.receive_from(asio::buffer(data), from);
      f.answered = from == target;
    } else {
      f.note = "no reply within " + std::to_string(kWaitMs) + " ms";
    }
  } else {
    // TCP to the Service: every endpoint pod listens on the target port; the one that accepts is the
    // DNAT target. The client's connection stays to the ClusterIP (the reply is un-DNATed).
    const auto svc = *pair.service;
    const auto& rule = *std::find_if(c.service_dnat().rules.begin(), c.service_dnat().rules.end(),
                                     [&](const auto& r) { return r.service == svc; });
    std::vector<std::pair<cluster::PodIndex, std::unique_ptr<tcp::acceptor>>> servers;
    for (auto p : c.services()[svc].endpoints) {
      auto a = std::make_unique<tcp::acceptor>(io);
      a->assign(tcp::v4(), socket_in_netns(e.path_of_pod(p), AF_INET, SOCK_STREAM));
      a->set_option(asio::socket_base::reuse_address(true));
      a->bind(tcp::endpoint(tcp::v4(), rule.targetPort));
      a->listen();
      servers.emplace_back(p, std::move(a));
    }
    tcp::socket client(io);
    client.assign(tcp::v4(), socket_in_netns(client_path, AF_INET, SOCK_STREAM));
    const tcp::endpoint target(to_asio(rule.clusterIP), rule.port);
    boost::system::error_code ec;
    client.async_connect(target, [&](const boost::system::error_code& err) { ec = err; });
    io.run_for(std::chrono::milliseconds(kWaitMs));
    if (!io.stopped() || ec) {
      f.note = ec ? "connect: " + ec.message() : "connect timed out";
      return f;
    }
    io.restart();
    for (auto& [p, acceptor] : servers) {
      acceptor->non_blocking(true);
      boost::system::error_code aerr;
      tcp::endpoint peer;
      tcp::socket conn = acceptor->accept(peer, aerr);
      if (aerr) continue;
      f.reached = true;
      f.sourceSeen = from_asio(peer.address());
      f.answeredBy = name_of(c, HostRef{HostRef::Kind::Pod, p});
      f.answeredAt = c.pods()[p].ip;
      f.snat = f.sourceSeen != self;
      asio::write(conn, asio::buffer("ok", 2));
      char buf[2];
      client.non_blocking(false);
      if (wait_readable(client.native_handle(), kWaitMs)) {
        asio::read(client, asio::buffer(buf));
        f.answered = client.remote_endpoint() == target;
      }
      break;
    }
    if (!f.reached) f.note = "connected, but no endpoint pod accepted";
  }
  if (node_path) f.conntrack = conntrack_lines(*node_path, self, target_ip);
  return f;
}

PairResult compare_pair(const Emulation& e, const scenario::CostProfile& profile, const ProbePair& pair) {
  PairResult r{pair, simulate_pair(e.cluster(), profile, pair), observe_pair(e, pair), {}};
  const auto& s = r.simulated;
  const auto& o = r.observed;
  auto differ = [&](const std::string& what, const std::string& sim, const std::string& kernel) {
    if (sim != kernel) r.differences.push_back(what + ": model " + sim + ", kernel " + kernel);
  };
  differ("reached", s.reached ? "yes" : "no", o.reached ? "yes" : "no");
  differ("answered", s.answered ? "yes" : "no", o.answered ? "yes" : "no");
  if (s.reached && o.reached) {
    differ("source seen", s.sourceSeen.to_string(), o.sourceSeen.to_string());
    differ("SNAT", s.snat ? "yes" : "no", o.snat ? "yes" : "no");
    if (o.ttl >= 0) differ("TTL at arrival", std::to_string(s.ttl), std::to_string(o.ttl));
    if (pair.service) {
      const auto& eps = e.cluster().services()[*pair.service].endpoints;
      auto is_endpoint = [&](net::Ipv4 ip) {
        return std::any_of(eps.begin(), eps.end(), [&](auto p) { return e.cluster().pods()[p].ip == ip; });
      };
      differ("DNAT to an endpoint of the Service", is_endpoint(s.answeredAt) ? "yes" : "no",
             is_endpoint(o.answeredAt) ? "yes" : "no");
    } else {
      differ("received by", s.answeredBy, o.answeredBy);
    }
  }
  return r;
}

namespace json = boost::json;

json::object to_json(const Facts& f, bool service) {
  auto text_or_null = [&](const std::string& text) { return f.reached ? json::value(text) : json::value(nullptr); };
  json::object o;
  o["reached"] = f.reached;
  o["answered"] = f.answered;
  o["sourceSeen"] = text_or_null(f.sourceSeen.to_string());
  o["snat"] = f.snat;
  o["ttlAtArrival"] = f.reached && f.ttl >= 0 ? json::value(f.ttl) : json::value(nullptr);
  o["receivedBy"] = text_or_null(f.answeredBy);
  o["receivedAt"] = text_or_null(f.answeredAt.to_string());
  o["dnatTarget"] = service ? text_or_null(f.answeredAt.to_string()) : json::value(nullptr);
  o["note"] = f.note;
  return o;
}

json::object to_json(const PairResult& r) {
  const bool service = r.pair.service.has_value();
  json::object o;
  o["kind"] = r.pair.kind;
  o["description"] = r.pair.description;
  o["agree"] = r.differences.empty();
  json::array differences;
  for (const auto& d : r.differences) differences.push_back(json::string(d));
  o["differences"] = std::move(differences);
  o["simulated"] = to_json(r.simulated, service);
  o["observed"] = to_json(r.observed, service);
  json::array conntrack;
  for (const auto& line : r.observed.conntrack) conntrack.push_back(json::string(line));
  o["observedConntrack"] = std::move(conntrack);
  return o;
}

json::object emulation_json(const cluster::Cluster& c, const EmulationPlan& plan, const std::vector<std::string>& not_emulated_lines,
                            const std::vector<PairResult>& pairs, const PingRun* pings) {
  json::object o;
  o["plugin"] = std::string(cluster::to_string(c.plugin_kind()));
  o["namespaces"] = plan.namespaces.size();
  json::array not_emulated, choices, pair_rows;
  for (const auto& line : not_emulated_lines) not_emulated.push_back(json::string(line));
  for (const auto& line : plan.emulationChoices) choices.push_back(json::string(line));
  std::size_t agreeing = 0;
  for (const auto& r : pairs) {
    agreeing += r.differences.empty() ? 1 : 0;
    pair_rows.push_back(to_json(r));
  }
  o["notEmulated"] = std::move(not_emulated);
  o["emulationChoices"] = std::move(choices);
  o["pairsAgreeing"] = agreeing;
  o["pairsDisagreeing"] = pairs.size() - agreeing;
  o["pairs"] = std::move(pair_rows);
  if (pings) {
    json::array entries;
    for (const auto& e : pings->entries) {
      entries.push_back(json::object{{"entry", e.path}, {"description", e.description}, {"sent", e.sent}, {"answered", e.answered}});
    }
    o["ping"] = std::move(entries);
  } else {
    o["ping"] = nullptr;
  }
  return o;
}

}  // namespace cnisim::emulation
