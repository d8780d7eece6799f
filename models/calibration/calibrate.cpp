#include "models/calibration/calibrate.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "models/emulation/netns.hpp"
#include "models/emulation/process.hpp"
#include "models/emulation/traffic.hpp"

namespace cnisim::calibration {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;
using emulation::netns_path;
using emulation::run_checked;

constexpr std::size_t kSmall = 100;     // bytes of request and response in every experiment but one
constexpr std::size_t kLarge = 16000;   // the loopback experiment's second size, for the per-byte cost
constexpr int kRuleCounts[] = {0, 100, 1000, 5000};  // iptables rules walked per packet
constexpr int kManyRoutes = 5000, kFewRoutes = 10;
constexpr int kServiceMapSize = 5000;   // nftables verdict-map elements
// Connections per TCP variant, used in turn: the emulation's calls, too, go over several kept-alive
// connections (one per client slot and server), so that a call rarely finds its socket in cache.
constexpr std::size_t kConnections = 4;
constexpr std::uint16_t kFirstUdpPort = 20000, kLastUdpPort = 60000;  // client ports of new UDP flows

// The namespaces of one calibration run and the commands that configure them.
class Rig {
 public:
  std::string create(const std::string& suffix) { return set_.create("cal-" + suffix); }
  static std::string path(const std::string& full) { return netns_path(full); }
  void ip(const std::string& ns, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    run_checked({"ip", "-batch", "-"}, text, path(ns));
  }
  // The same, reporting failure instead of throwing (a device type this kernel may lack).
  bool try_ip(const std::string& ns, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return emulation::run_command({"ip", "-batch", "-"}, text, path(ns)).ok();
  }
  void iptables(const std::string& ns, const std::string& rules) { run_checked({"iptables-restore"}, rules, path(ns)); }
  void nft(const std::string& ns, const std::string& rules) { run_checked({"nft", "-f", "-"}, rules, path(ns)); }
  void sysctl(const std::string& ns, const std::string& key, const std::string& value) {
    emulation::write_sysctl(path(ns), key, value);
  }
  std::vector<std::string> remove_all() { return set_.remove_all(); }

 private:
  emulation::NamespaceSet set_;
};

// A - R - B: two veth pairs and IP forwarding in R (10.210.1.0/24 and 10.210.2.0/24), R's kernel
// table holding `routes` routes in all (the two connected ones and /24s via B).
struct Routed {
  std::string a, r, b;
};
Routed routed(Rig& rig, const std::string& tag, int routes) {
  Routed t{rig.create(tag + "a"), rig.create(tag + "r"), rig.create(tag + "b")};
  std::vector<std::string> r = {"link set lo up",
                                "link add to-a type veth peer name eth0 netns " + t.a,
                                "link add to-b type veth peer name eth0 netns " + t.b,
                                "addr add 10.210.1.1/24 dev to-a",
                                "addr add 10.210.2.1/24 dev to-b",
                                "link set to-a up",
                                "link set to-b up"};
  for (int k = 0; k < routes - 2; ++k) {
    r.push_back("route add 10." + std::to_string(64 + k / 256) + "." + std::to_string(k % 256) +
                ".0/24 via 10.210.2.2 dev to-b");
  }
  rig.ip(t.r, r);
  rig.ip(t.a, {"link set lo up", "addr add 10.210.1.2/24 dev eth0", "link set eth0 up",
               "route add default via 10.210.1.1"});
  rig.ip(t.b, {"link set lo up", "addr add 10.210.2.2/24 dev eth0", "link set eth0 up",
               "route add default via 10.210.2.1"});
  for (const auto& ns : {t.a, t.r, t.b}) {
    rig.sysctl(ns, "ipv4/conf/all/rp_filter", "0");
    rig.sysctl(ns, "ipv4/conf/default/rp_filter", "0");
  }
  rig.sysctl(t.r, "ipv4/ip_forward", "1");
  return t;
}
const net::Ipv4 kRoutedServer{(10u << 24) | (210u << 16) | (2u << 8) | 2u};

// A - R1 - R2 - B: two routers joined by a veth pair (the "wire", 10.<net>.9.0/24), A in
// 10.<net>.1.0/24 behind R1 and B in 10.<net>.2.0/24 behind R2. tunnel: how R1 and R2 carry A's and B's
// packets over the wire: "" routed as they are; "vxlan" in a VXLAN device (VNI 1, port 4789) whose far
// end is the other router, with a gateway address on it; "ipip" in an IPIP device. Returns nullopt when
// this kernel cannot create the tunnel (no vxlan or ipip module).
std::optional<Routed> two_routers(Rig& rig, const std::string& tag, int net, const std::string& tunnel) {
  const std::string n = "10." + std::to_string(net) + ".";
  Routed t{rig.create(tag + "a"), rig.create(tag + "r"), rig.create(tag + "b")};
  const std::string r2 = rig.create(tag + "s");
  rig.ip(t.r, {"link set lo up", "link add to-a type veth peer name eth0 netns " + t.a,
               "link add wire type veth peer name wire netns " + r2, "addr add " + n + "1.1/24 dev to-a",
               "addr add " + n + "9.1/24 dev wire", "link set to-a up", "link set wire up"});
  rig.ip(r2, {"link set lo up", "link add to-b type veth peer name eth0 netns " + t.b, "addr add " + n + "2.1/24 dev to-b",
              "addr add " + n + "9.2/24 dev wire", "link set to-b up", "link set wire up"});
  rig.ip(t.a, {"link set lo up", "addr add " + n + "1.2/24 dev eth0", "link set eth0 up", "route add default via " + n + "1.1"});
  rig.ip(t.b, {"link set lo up", "addr add " + n + "2.2/24 dev eth0", "link set eth0 up", "route add default via " + n + "2.1"});
  for (const auto& ns : {t.a, t.r, r2, t.b}) {
    rig.sysctl(ns, "ipv4/conf/all/rp_filter", "0");
    rig.sysctl(ns, "ipv4/conf/default/rp_filter", "0");
  }
  rig.sysctl(t.r, "ipv4/ip_forward", "1");
  rig.sysctl(r2, "ipv4/ip_forward", "1");
  const auto join = [&](const std::string& ns, const std::string& self, const std::string& peer, const std::string& far) {
    if (tunnel.empty()) return rig.try_ip(ns, {"route add " + n + far + ".0/24 via " + n + "9." + peer});
    if (tunnel == "vxlan") {
      return rig.try_ip(ns, {"link add tun type vxlan id 1 dstport 4789 local " + n + "9." + self + " remote " + n + "9." +
                                 peer + " dev wire",
                             "addr add " + n + "100." + self + "/24 dev tun", "link set tun up",
                             "route add " + n + far + ".0/24 via " + n + "100." + peer + " dev tun"});
    }
    return rig.try_ip(ns, {"link add tun type ipip local " + n + "9." + self + " remote " + n + "9." + peer + " dev wire",
                           "link set tun up", "route add " + n + far + ".0/24 dev tun"});
  };
  if (!join(t.r, "1", "2", "2") || !join(r2, "2", "1", "1")) return std::nullopt;
  for (const auto& ns : {t.r, r2}) {
    if (!tunnel.empty()) rig.sysctl(ns, "ipv4/conf/tun/rp_filter", "0");
  }
  return t;
}

// A and B on a Linux bridge in M (10.220.0.0/24), with or without bridge-nf-call-iptables.
Routed bridged(Rig& rig, const std::string& tag, bool netfilter) {
  Routed t{rig.create(tag + "a"), rig.create(tag + "m"), rig.create(tag + "b")};
  rig.ip(t.r, {"link set lo up", "link add br0 type bridge", "link add port-a type veth peer name eth0 netns " + t.a,
               "link add port-b type veth peer name eth0 netns " + t.b, "link set port-a master br0", "link set port-b master br0",
               "link set br0 up", "link set port-a up", "link set port-b up"});
  rig.ip(t.a, {"link set lo up", "addr add 10.220.0.2/24 dev eth0", "link set eth0 up"});
  rig.ip(t.b, {"link set lo up", "addr add 10.220.0.3/24 dev eth0", "link set eth0 up"});
  rig.sysctl(t.r, "bridge/bridge-nf-call-iptables", netfilter ? "1" : "0");
  return t;
}
// A on a bridge in M whose own address is A's gateway; M routes to B over a plain veth pair: the way a
// kubenet pod reaches anything off its bridge (up through the bridge into the node's stack, and back
// down), with bridge-nf-call-iptables=1.
Routed bridge_to_host(Rig& rig, const std::string& tag) {
  Routed t{rig.create(tag + "a"), rig.create(tag + "m"), rig.create(tag + "b")};
  rig.ip(t.r, {"link set lo up", "link add br0 type bridge", "link add port-a type veth peer name eth0 netns " + t.a,
               "link add to-b type veth peer name eth0 netns " + t.b, "link set port-a master br0",
               "addr add 10.210.1.1/24 dev br0", "addr add 10.210.2.1/24 dev to-b", "link set br0 up",
               "link set port-a up", "link set to-b up"});
  rig.ip(t.a, {"link set lo up", "addr add 10.210.1.2/24 dev eth0", "link set eth0 up", "route add default via 10.210.1.1"});
  rig.ip(t.b, {"link set lo up", "addr add 10.210.2.2/24 dev eth0", "link set eth0 up", "route add default via 10.210.2.1"});
  for (const auto& ns : {t.a, t.r, t.b}) {
    rig.sysctl(ns, "ipv4/conf/all/rp_filter", "0");
    rig.sysctl(ns, "ipv4/conf/default/rp_filter", "0");
  }
  rig.sysctl(t.r, "ipv4/ip_forward", "1");
  rig.sysctl(t.r, "bridge/bridge-nf-call-iptables", "1");
  return t;
}
const net::Ipv4 kBridgedServer{(10u << 24) | (220u << 16) | 3u};
const net::Ipv4 kVethServer{(10u << 24) | (230u << 16) | 3u};
const net::Ipv4 kLoopback{0x7f000001u};

std::string kube_services_rules(const std::string& chain, int count) {
  // Shaped as kube-proxy writes KUBE-SERVICES: a ClusterIP, a comment, a port, a jump; none matches.
  std::string rules;
  for (int k = 0; k < count; ++k) {
    const std::string ip = "10.0." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1);
    rules += "-A " + chain + " -d " + ip + "/32 -p tcp -m comment --comment \"default/svc-" + std::to_string(k) +
             ":http cluster IP\" -m tcp --dport 80 -j KUBE-SVC-CAL\n";
  }
  return rules + "-A " + chain + " -j ACCEPT\n";
}

// One thing sampled: a connection (or UDP flows) from a client namespace to a server.
struct Variant {
  // TcpNewConnection: each exchange on a connection of its own (socket made untimed; connect, the call,
  // then close, untimed, and a pause for the server to see the close before the next one is timed).
  // ConnectPart: not sampled itself; each round it takes the median time of the connect() of the
  // variant `source` (a TcpNewConnection), from the start of connect() to the socket being writable.
  enum class Kind { Tcp, UdpSameFlows, UdpNewFlows, TcpNewConnection, ConnectPart };
  std::string name;
  Kind kind = Kind::Tcp;
  std::string client_ns, server_ns;
  net::Ipv4 server;
  std::uint16_t port = 0;
  std::size_t size = kSmall;
  std::size_t source = 0;  // ConnectPart: the TcpNewConnection variant it reads
  // run time
  double connect_median = 0;  // TcpNewConnection: the last round's median connect() time, ns

  bool udp() const { return kind == Kind::UdpSameFlows || kind == Kind::UdpNewFlows; }
  std::vector<std::unique_ptr<tcp::socket>> tcp_sockets;  // kConnections, used in turn
  std::vector<std::unique_ptr<udp::socket>> udp_sockets;
  std::vector<std::uint16_t> ports;  // UdpSameFlows: the client ports of its known flows
  std::vector<char> request, response;
};

struct Sampler {
  std::vector<Variant> variants;
  std::vector<std::vector<double>> round_medians;  // [round][variant], ns
  std::uint64_t samples_per_variant = 0;
  std::uint16_t next_udp_port = kFirstUdpPort;
  std::string error;
  bool done = false;
};

udp::endpoint endpoint_of(const Variant& v) { return udp::endpoint(asio::ip::address_v4(v.server.value), v.port); }

awaitable<void> accept_calls(std::shared_ptr<tcp::acceptor> acceptor, std::size_t size) {
  try {
    for (;;) {
      tcp::socket s = co_await acceptor->async_accept(use_awaitable);
      s.set_option(tcp::no_delay(true));
      asio::co_spawn(acceptor->get_executor(), emulation::serve_calls(std::move(s), size, size, {}), asio::detached);
    }
  } catch (const std::exception&) {
  }
}

awaitable<void> serve_datagrams(std::shared_ptr<udp::socket> socket, std::size_t size) {
  std::vector<char> buffer(size);
  udp::endpoint from;
  try {
    for (;;) {
      const auto n = co_await socket->async_receive_from(asio::buffer(buffer), from, use_awaitable);
      co_await socket->async_send_to(asio::buffer(buffer.data(), n), from, use_awaitable);
    }
  } catch (const std::exception&) {
  }
}

// count fresh UDP sockets in the client's namespace, connected, each bound to the variant's own ports
// (flows conntrack already knows) or, for new flows, to the next port never used.
std::vector<std::unique_ptr<udp::socket>> udp_flows(asio::io_context& io, Sampler& s, Variant& v, std::size_t count) {
  std::vector<std::unique_ptr<udp::socket>> out;
  const bool known = v.kind == Variant::Kind::UdpSameFlows && v.ports.size() == count;
  for (int fd : emulation::sockets_in_netns(Rig::path(v.client_ns), count, AF_INET, SOCK_DGRAM)) {
    auto socket = std::make_unique<udp::socket>(io);
    socket->assign(udp::v4(), fd);
    if (!known && s.next_udp_port >= kLastUdpPort) throw std::runtime_error("out of client ports for new UDP flows");
    const std::uint16_t port = known ? v.ports[out.size()] : s.next_udp_port++;
    if (v.kind == Variant::Kind::UdpSameFlows && !known) v.ports.push_back(port);
    socket->bind(udp::endpoint(udp::v4(), port));
    socket->connect(endpoint_of(v));
    out.push_back(std::move(socket));
  }
  return out;
}

awaitable<void> udp_exchange(udp::socket& socket, Variant& v) {
  co_await socket.async_send(asio::buffer(v.request), use_awaitable);
  co_await socket.async_receive(asio::buffer(v.response), use_awaitable);
}

double ns_since(Clock::time_point t0) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
}

// A TCP connection from the variant's client namespace to its server, with TCP_NODELAY. The socket is
// made first; `connect_from`, when given, is when connect() was started.
awaitable<std::unique_ptr<tcp::socket>> connect_variant(asio::io_context& io, const Variant& v,
                                                        Clock::time_point* connect_from = nullptr) {
  auto socket = std::make_unique<tcp::socket>(io);
  socket->assign(tcp::v4(), emulation::socket_in_netns(Rig::path(v.client_ns), AF_INET, SOCK_STREAM));
  if (connect_from) *connect_from = Clock::now();
  co_await socket->async_connect(tcp::endpoint(asio::ip::address_v4(v.server.value), v.port), use_awaitable);
  socket->set_option(tcp::no_delay(true));
  co_return socket;
}

// M timed exchanges on one variant; their median in ns.
awaitable<double> sample(asio::io_context& io, Sampler& s, Variant& v, std::size_t m) {
  std::vector<double> times;
  times.reserve(m);
  // UDP: fresh sockets either way (untimed), on known flows' ports or on new ones, so that the two
  // variants differ only in what conntrack finds.
  if (v.udp()) v.udp_sockets = udp_flows(io, s, v, m);
  std::vector<double> connects;
  for (std::size_t i = 0; i < m; ++i) {
    if (v.kind == Variant::Kind::TcpNewConnection) {
      Clock::time_point t0;
      auto socket = co_await connect_variant(io, v, &t0);
      connects.push_back(ns_since(t0));
      co_await emulation::call_once(*socket, v.request, v.response);
      times.push_back(ns_since(t0));
      socket.reset();
      asio::steady_timer pause(io, std::chrono::microseconds(50));
      co_await pause.async_wait(use_awaitable);
      continue;
    }
    const auto t0 = Clock::now();
    if (v.kind == Variant::Kind::Tcp) {
      co_await emulation::call_once(*v.tcp_sockets[i % v.tcp_sockets.size()], v.request, v.response);
    } else {
      co_await udp_exchange(*v.udp_sockets[i % v.udp_sockets.size()], v);
    }
    times.push_back(ns_since(t0));
  }
  if (v.udp()) v.udp_sockets.clear();
  if (!connects.empty()) v.connect_median = median(std::move(connects));
  co_return median(std::move(times));
}

awaitable<void> connect_and_warm(asio::io_context& io, Sampler& s, Variant& v, std::size_t m) {
  v.request.assign(v.size, 'q');
  v.response.resize(v.size);
  if (v.kind == Variant::Kind::Tcp) {
    for (std::size_t k = 0; k < kConnections; ++k) {
      auto socket = co_await connect_variant(io, v);
      for (int i = 0; i < 20; ++i) co_await emulation::call_once(*socket, v.request, v.response);
      v.tcp_sockets.push_back(std::move(socket));
    }
  } else if (v.kind == Variant::Kind::UdpSameFlows) {
    // As many flows as the new-flow variant makes per round; conntrack learns them here.
    v.udp_sockets = udp_flows(io, s, v, m);
    for (auto& socket : v.udp_sockets) co_await udp_exchange(*socket, v);
    v.udp_sockets.clear();
  } else if (v.kind == Variant::Kind::UdpNewFlows) {
    auto first = udp_flows(io, s, v, 1);  // resolves the neighbours before anything is timed
    co_await udp_exchange(*first.front(), v);
  } else if (v.kind == Variant::Kind::TcpNewConnection) {
    co_await sample(io, s, v, 20);  // warms the accept path; not kept
  }
}

struct Plan {
  std::vector<std::pair<std::string, Combination>> quantities;  // key, combination (for the stop rule)
  std::vector<double> floors;
};

awaitable<void> run_rounds(asio::io_context& io, Sampler& s, const CalibrationOptions& o, const Plan& plan,
                           Clock::time_point end, Clock::time_point earliest_stop) {
  try {
    for (auto& v : s.variants) co_await connect_and_warm(io, s, v, o.per_variant);
    for (std::size_t round = 0;; ++round) {
      if (Clock::now() >= end || (o.stop && o.stop->load())) break;
      if (s.next_udp_port + o.per_variant >= kLastUdpPort) break;
      std::vector<double> medians(s.variants.size());
      for (std::size_t k = 0; k < s.variants.size(); ++k) {
        const std::size_t i = round % 2 == 0 ? k : s.variants.size() - 1 - k;  // A,B,C then C,B,A
        if (s.variants[i].kind == Variant::Kind::ConnectPart) continue;
        medians[i] = co_await sample(io, s, s.variants[i], o.per_variant);
      }
      for (std::size_t i = 0; i < s.variants.size(); ++i) {
        if (s.variants[i].kind == Variant::Kind::ConnectPart) medians[i] = s.variants[s.variants[i].source].connect_median;
      }
      s.round_medians.push_back(std::move(medians));
      s.samples_per_variant += o.per_variant;
      if (round % 10 == 9 && Clock::now() >= earliest_stop) {
        bool all_good = true;
        for (std::size_t q = 0; q < plan.quantities.size() && all_good; ++q) {
          all_good = !estimate(s.round_medians, plan.quantities[q].second, plan.floors[q], 0.25).noisy;
        }
        if (all_good) break;
      }
    }
  } catch (const std::exception& e) {
    s.error = e.what();
  }
  s.done = true;
  io.stop();
}

std::string first_line_of(const std::string& path, const std::string& key) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown";
}

}  // namespace

const Quantity* Calibration::find(const std::string& key) const {
  for (const auto& q : quantities) {
    if (q.key == key) return &q;
  }
  return nullptr;
}

Calibration calibrate(const CalibrationOptions& o) {
  Calibration result;
  {
    utsname u{};
    ::uname(&u);
    result.kernel = std::string(u.sysname) + " " + u.release;
    result.cpu = first_line_of("/proc/cpuinfo", "model name");
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    result.date = date;
    const auto v = emulation::run_command({"iptables", "-V"});
    result.iptables = v.ok() ? v.out.substr(0, v.out.find('\n')) : "iptables not found";
  }
  const bool have_nft = emulation::run_command({"nft", "--version"}).ok();
  auto progress = [&](const std::string& line) {
    if (o.progress) o.progress(line);
  };

  Rig rig;
  Sampler s;
  auto add = [&](std::string name, Variant::Kind kind, const std::string& client, const std::string& server,
                 net::Ipv4 ip, std::uint16_t port, std::size_t size = kSmall) {
    Variant v;
    v.name = std::move(name);
    v.kind = kind;
    v.client_ns = client;
    v.server_ns = server;
    v.server = ip;
    v.port = port;
    v.size = size;
    s.variants.push_back(std::move(v));
    return s.variants.size() - 1;
  };
  using K = Variant::Kind;
  progress("building the experiments' namespaces");

  // E0: loopback in one namespace, two sizes.
  const auto lo = rig.create("lo");
  rig.ip(lo, {"link set lo up"});
  const auto v_lo = add("loopback 100 B", K::Tcp, lo, lo, kLoopback, 5000);
  const auto v_lo_large = add("loopback 16000 B", K::Tcp, lo, lo, kLoopback, 5010, kLarge);
  // E0': loopback, a new connection per exchange, and the connect() part of it.
  const auto v_lo_new = add("loopback 100 B, new connection", K::TcpNewConnection, lo, lo, kLoopback, 5000);
  const auto v_lo_connect = add("loopback connect()", K::ConnectPart, lo, lo, kLoopback, 5000);
  s.variants[v_lo_connect].source = v_lo_new;
  // E1: one veth pair.
  const auto va = rig.create("va"), vb = rig.create("vb");
  rig.ip(va, {"link set lo up", "link add eth0 type veth peer name eth0 netns " + vb, "addr add 10.230.0.2/24 dev eth0",
              "link set eth0 up"});
  rig.ip(vb, {"link set lo up", "addr add 10.230.0.3/24 dev eth0", "link set eth0 up"});
  const auto v_veth = add("one veth pair", K::Tcp, va, vb, kVethServer, 5000);
  // E2: forwarding through a router namespace; and the same with 5000 routes.
  const auto fwd = routed(rig, "f", kFewRoutes);
  const auto v_fwd = add("routed, 10 routes", K::Tcp, fwd.a, fwd.b, kRoutedServer, 5000);
  const auto many = routed(rig, "g", kManyRoutes);
  const auto v_routes = add("routed, 5000 routes", K::Tcp, many.a, many.b, kRoutedServer, 5000);
  // E3: a bridge, without and with br_netfilter.
  const auto br0 = bridged(rig, "b0", false);
  const auto v_br_plain = add("bridge, nf-call off", K::Tcp, br0.a, br0.b, kBridgedServer, 5000);
  const auto br1 = bridged(rig, "b1", true);
  const auto v_br_nf = add("bridge, nf-call-iptables=1", K::Tcp, br1.a, br1.b, kBridgedServer, 5000);
  const auto br2 = bridge_to_host(rig, "b2");
  const auto v_br_host = add("bridge to host, then routed", K::Tcp, br2.a, br2.b, kRoutedServer, 5000);
  // Conntrack (a nat table makes the router track; NOTRACK for port 5002), masquerade (port 5003),
  // and new UDP flows versus known ones.
  const auto ct = routed(rig, "c", kFewRoutes);
  rig.iptables(ct.r,
               "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
               "-A PREROUTING -p tcp -m tcp --dport 5002 -j NOTRACK\n-A PREROUTING -p tcp -m tcp --sport 5002 -j NOTRACK\n"
               "COMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
               "-A POSTROUTING -o to-b -p tcp -m tcp --dport 5003 -j MASQUERADE\nCOMMIT\n");
  const auto v_tracked = add("conntrack, established", K::Tcp, ct.a, ct.b, kRoutedServer, 5001);
  const auto v_untracked = add("conntrack, NOTRACK", K::Tcp, ct.a, ct.b, kRoutedServer, 5002);
  const auto v_masq = add("conntrack + MASQUERADE", K::Tcp, ct.a, ct.b, kRoutedServer, 5003);
  const auto v_udp_same = add("UDP, known flows", K::UdpSameFlows, ct.a, ct.b, kRoutedServer, 6001);
  const auto v_udp_new = add("UDP, a new flow each", K::UdpNewFlows, ct.a, ct.b, kRoutedServer, 6001);
  // A router with the tables a node has (what emulate renders from the model: ip-masq's mark in mangle,
  // kube-proxy's nat chains, filter), so conntrack and every hook a node's packets pass is in place.
  const auto node = routed(rig, "k", kFewRoutes);
  rig.iptables(node.r,
               "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -i to-b -j MARK --set-xmark 0x4000/0x4000\nCOMMIT\n"
               "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
               ":KUBE-SERVICES - [0:0]\n:CNISIM-MASQ - [0:0]\n-A PREROUTING -j KUBE-SERVICES\n-A OUTPUT -j KUBE-SERVICES\n"
               "-A POSTROUTING -o to-b -j CNISIM-MASQ\n-A CNISIM-MASQ -m mark --mark 0x4000/0x4000 -j RETURN\nCOMMIT\n"
               "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n");
  const auto v_node = add("routed, a node's tables", K::Tcp, node.a, node.b, kRoutedServer, 5000);
  // iptables: a chain of N kube-proxy-shaped rules that every packet of port 5100+i walks, both ways.
  const auto ipt = routed(rig, "i", kFewRoutes);
  {
    std::string t = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:KUBE-SVC-CAL - [0:0]\n";
    std::string rules;
    for (std::size_t i = 0; i < std::size(kRuleCounts); ++i) {
      const std::string chain = "CAL-" + std::to_string(kRuleCounts[i]);
      const std::string port = std::to_string(5100 + i);
      t += ":" + chain + " - [0:0]\n";
      rules += "-A FORWARD -p tcp -m tcp --dport " + port + " -j " + chain + "\n";
      rules += "-A FORWARD -p tcp -m tcp --sport " + port + " -j " + chain + "\n";
      rules += kube_services_rules(chain, kRuleCounts[i]);
    }
    rig.iptables(ipt.r, t + rules + "COMMIT\n");
  }
  std::vector<std::size_t> v_rules;
  for (std::size_t i = 0; i < std::size(kRuleCounts); ++i) {
    v_rules.push_back(add(std::to_string(kRuleCounts[i]) + " iptables rules", K::Tcp, ipt.a, ipt.b, kRoutedServer,
                          static_cast<std::uint16_t>(5100 + i)));
  }
  // nftables: a verdict map of 5000 Services looked up by requests to port 5201 (5202: not).
  std::size_t v_map = 0, v_nomap = 0;
  if (have_nft) {
    const auto nf = routed(rig, "n", kFewRoutes);
    std::string elements;
    for (int k = 0; k < kServiceMapSize; ++k) {
      elements += "10.0." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1) + " . 80 : goto svc, ";
    }
    elements += "10.210.2.2 . 5201 : accept";
    rig.nft(nf.r, "table ip cnisim {\n  chain svc { }\n  map services { type ipv4_addr . inet_service : verdict; elements = { " +
                      elements + " } }\n  chain forward { type filter hook forward priority 0; policy accept;\n"
                                 "    tcp dport 5201 ip daddr . tcp dport vmap @services\n  }\n}\n");
    v_map = add("nft verdict map", K::Tcp, nf.a, nf.b, kRoutedServer, 5201);
    v_nomap = add("nft, no lookup", K::Tcp, nf.a, nf.b, kRoutedServer, 5202);
  } else {
    result.notes.push_back("nft not found (Debian package nftables): the verdict-map lookup was not measured");
  }

  // Tunnels (a bring-your-own CNI's VXLAN or IPIP between nodes): two routers, plain and tunnelled.
  std::optional<std::size_t> v_two, v_vxlan, v_ipip;
  if (const auto plain = two_routers(rig, "t", 214, "")) {
    v_two = add("two routers", K::Tcp, plain->a, plain->b, net::Ipv4{(10u << 24) | (214u << 16) | (2u << 8) | 2u}, 5000);
    if (const auto vx = two_routers(rig, "x", 215, "vxlan")) {
      v_vxlan = add("two routers, VXLAN between", K::Tcp, vx->a, vx->b, net::Ipv4{(10u << 24) | (215u << 16) | (2u << 8) | 2u}, 5000);
    } else {
      result.notes.push_back("this kernel could not create a VXLAN device: the vxlan cost was not measured");
    }
    if (const auto ii = two_routers(rig, "y", 216, "ipip")) {
      v_ipip = add("two routers, IPIP between", K::Tcp, ii->a, ii->b, net::Ipv4{(10u << 24) | (216u << 16) | (2u << 8) | 2u}, 5000);
    } else {
      result.notes.push_back("this kernel could not create an IPIP device: the ipip cost was not measured");
    }
  }

  // The quantities, as combinations of the variants' per-round medians (ns of a round trip).
  struct Def {
    std::string key, name, experiment, unit;
    Combination c;
    double floor;
  };
  std::vector<Def> defs;
  const double dS = static_cast<double>(kLarge - kSmall);
  const double S1 = static_cast<double>(kSmall);
  // Per byte (ps/B): a round trip copies each message out and in, request and response: 4 x size.
  defs.push_back({"perByte", "socket per byte (each end)", "E0 loopback 16000 B minus 100 B, / (4 x 15900 B)", "ps/B",
                  {{{v_lo_large, 1000 / (4 * dS)}, {v_lo, -1000 / (4 * dS)}}, 0}, 2});
  // A round trip is 4 socket ends (send and receive, both ways).
  defs.push_back({"socket", "socket send or receive (fixed)", "E0 loopback round trip / 4, less the per-byte part", "ns",
                  {{{v_lo, 0.25 + S1 / (4 * dS)}, {v_lo_large, -S1 / (4 * dS)}}, 0}, 30});
  // Opening a connection beyond its segments' costs. On loopback the handshake's three segments pass
  // their six socket ends within connect(); the model charges each the fixed socket cost.
  defs.push_back({"connect", "connect(), beyond the handshake's segments", "E0' connect() on loopback - 6 x socket",
                  "ns", {{{v_lo_connect, 1}, {v_lo, -6 * (0.25 + S1 / (4 * dS))}, {v_lo_large, 6 * S1 / (4 * dS)}}, 0}, 50});
  defs.push_back({"accept", "accept() and the new socket's setup (server)",
                  "E0' new-connection exchange - E0 loopback exchange - E0' connect()", "ns",
                  {{{v_lo_new, 1}, {v_lo, -1}, {v_lo_connect, -1}}, 0}, 50});
  defs.push_back({"veth", "veth pair crossing (one way)", "(E1 one veth pair - E0 loopback) / 2", "ns",
                  {{{v_veth, 0.5}, {v_lo, -0.5}}, 0}, 30});
  defs.push_back({"forward", "IP forward in a router namespace", "(E2 routed - E1) / 2 - one veth crossing", "ns",
                  {{{v_fwd, 0.5}, {v_veth, -1}, {v_lo, 0.5}}, 0}, 30});
  // The node's forward: with its tables' hooks, less the conntrack lookup charged apart.
  defs.push_back({"nodeForward", "IP forward through a node's tables", "(routed with a node's mangle, nat and filter "
                  "tables - E1) / 2 - one veth crossing - the conntrack lookup", "ns",
                  {{{v_node, 0.5}, {v_veth, -1}, {v_lo, 0.5}, {v_tracked, -0.5}, {v_untracked, 0.5}}, 0}, 30});
  defs.push_back({"bridgePlain", "bridge port to port, nf-call off", "(E3 bridge - E1) / 2 - one veth crossing", "ns",
                  {{{v_br_plain, 0.5}, {v_veth, -1}, {v_lo, 0.5}}, 0}, 30});
  defs.push_back({"bridgePorts", "bridge port to port, br_netfilter on",
                  "(E3 bridge nf-call-iptables=1 - E1) / 2 - one veth crossing", "ns",
                  {{{v_br_nf, 0.5}, {v_veth, -1}, {v_lo, 0.5}}, 0}, 30});
  // Up through the bridge into the stack one way, down out of it the other: the kubenet pod's path to
  // everything but a pod on its own bridge.
  defs.push_back({"bridge", "bridge to or from the host, br_netfilter on",
                  "(A on a bridge, routed to B - E2 routed) / 2: a crossing up one way, down the other", "ns",
                  {{{v_br_host, 0.5}, {v_fwd, -0.5}}, 0}, 30});
  defs.push_back({"routes", "route lookup, 5000 minus 10 routes", "(routed with 5000 routes - with 10) / 2", "ns",
                  {{{v_routes, 0.5}, {v_fwd, -0.5}}, 0}, 30});
  defs.push_back({"conntrackLookup", "conntrack lookup (established)", "(tracked - NOTRACK flow through the router) / 2", "ns",
                  {{{v_tracked, 0.5}, {v_untracked, -0.5}}, 0}, 30});
  defs.push_back({"natRewrite", "masquerade rewrite per packet", "(masqueraded - tracked flow) / 2", "ns",
                  {{{v_masq, 0.5}, {v_tracked, -0.5}}, 0}, 30});
  defs.push_back({"conntrackCreate", "conntrack create (new flow)", "UDP: a new source port per exchange - known flows", "ns",
                  {{{v_udp_new, 1}, {v_udp_same, -1}}, 0}, 50});
  {
    std::vector<double> x;
    for (int n : kRuleCounts) x.push_back(n);
    const auto c = slope_coefficients(x);
    Combination comb;
    for (std::size_t i = 0; i < c.size(); ++i) comb.terms.push_back({v_rules[i], c[i] / 2});
    defs.push_back({"iptablesPerRule", "iptables rule walked", "least-squares slope over 0/100/1000/5000 rules, / 2 (both ways)",
                    "ns", comb, 2});
  }
  // A tunnelled round trip adds, each way, an encapsulation and a decapsulation and two passes of the
  // outer packet through a stack (out of the sender, into the receiver), which the model charges as node
  // stack passes: one device's work = (tunnelled - plain) / 4 - one IP forward.
  for (const auto& [variant, key, name] : {std::tuple{v_vxlan, "vxlan", "VXLAN encapsulation or decapsulation"},
                                           std::tuple{v_ipip, "ipip", "IPIP encapsulation or decapsulation"}}) {
    if (!variant || !v_two) continue;
    defs.push_back({key, name, std::string("(two routers with ") + (std::string(key) == "vxlan" ? "VXLAN" : "IPIP") +
                                   " between - without) / 4 - one IP forward (E2)", "ns",
                    {{{*variant, 0.25}, {*v_two, -0.25}, {v_fwd, -0.5}, {v_veth, 1}, {v_lo, -0.5}}, 0}, 30});
  }
  if (have_nft) {
    defs.push_back({"serviceMapLookup", "nftables verdict-map lookup", "request through a 5000-element vmap - none (one way)",
                    "ns", {{{v_map, 1}, {v_nomap, -1}}, 0}, 30});
  }
  Plan plan;
  for (const auto& d : defs) {
    plan.quantities.push_back({d.key, d.c});
    plan.floors.push_back(d.floor);
  }

  // Servers, then the sampling, all on this thread (pinned, 1 ns timer slack).
  asio::io_context io;
  std::map<std::pair<std::string, std::uint16_t>, bool> serving;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::vector<std::shared_ptr<udp::socket>> udp_servers;
  for (const auto& v : s.variants) {
    const bool tcp = !v.udp();
    if (serving[{v.server_ns + (tcp ? "/tcp" : "/udp"), v.port}]) continue;
    serving[{v.server_ns + (tcp ? "/tcp" : "/udp"), v.port}] = true;
    if (tcp) {
      auto a = std::make_shared<tcp::acceptor>(io);
      a->assign(tcp::v4(), emulation::socket_in_netns(Rig::path(v.server_ns), AF_INET, SOCK_STREAM));
      a->set_option(asio::socket_base::reuse_address(true));
      a->bind(tcp::endpoint(tcp::v4(), v.port));
      a->listen();
      asio::co_spawn(io, accept_calls(a, v.size), asio::detached);
      acceptors.push_back(a);
    } else {
      auto u = std::make_shared<udp::socket>(io);
      u->assign(udp::v4(), emulation::socket_in_netns(Rig::path(v.server_ns), AF_INET, SOCK_DGRAM));
      u->bind(udp::endpoint(udp::v4(), v.port));
      asio::co_spawn(io, serve_datagrams(u, v.size), asio::detached);
      udp_servers.push_back(u);
    }
  }
  progress("sampling " + std::to_string(s.variants.size()) + " variants in interleaved rounds of " +
           std::to_string(o.per_variant) + " exchanges each, for up to " + std::to_string(o.budget.count() / 1000) + " s");
  {
    const emulation::MeasurementThread pinned;
    for (const auto& p : pinned.problems()) result.notes.push_back(p);
    const auto start = Clock::now();
    asio::co_spawn(io, run_rounds(io, s, o, plan, start + o.budget, start + o.budget / 3), asio::detached);
    io.run_until(start + o.budget + std::chrono::seconds(5));  // a stuck exchange cannot hold the run
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  for (auto& v : s.variants) {
    v.tcp_sockets.clear();
    v.udp_sockets.clear();
  }
  acceptors.clear();
  udp_servers.clear();
  const auto errors = rig.remove_all();
  if (!s.done) throw std::runtime_error("an exchange got no answer within the time cap; the experiments' paths are broken");
  if (!s.error.empty()) throw std::runtime_error("calibration failed: " + s.error);
  if (s.round_medians.size() < 3) throw std::runtime_error("too few rounds to measure anything (stopped early?)");
  for (const auto& e : errors) result.notes.push_back("could not remove namespace " + e);

  result.rounds = s.round_medians.size();
  for (const auto& d : defs) {
    Quantity q;
    q.key = d.key;
    q.name = d.name;
    q.experiment = d.experiment;
    q.unit = d.unit;
    q.estimate = estimate(s.round_medians, d.c, d.floor, 0.25);
    q.samples = s.samples_per_variant;
    result.quantities.push_back(std::move(q));
  }
  Quantity ipvs;
  ipvs.key = "ipvs";
  ipvs.name = "IPVS service lookup";
  ipvs.unit = "ns";
  ipvs.measurable = false;
  ipvs.note = "not measurable here: this kernel has no IP_VS";
  result.quantities.push_back(ipvs);
  return result;
}

std::string table_text(const Calibration& c) {
  std::string out = "Measured on " + c.kernel + ", " + c.cpu + ", " + c.date + " (" + c.iptables + "): " +
                    std::to_string(c.rounds) + " rounds in " + std::to_string(static_cast<int>(std::lround(c.seconds))) + " s\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %-46s %10s %8s %9s %9s  %s\n", "cost", "value", "N", "spread", "95% +-", "");
  out += line;
  for (const auto& q : c.quantities) {
    if (!q.measurable) {
      std::snprintf(line, sizeof line, "  %-46s %10s  %s\n", q.name.c_str(), "-", q.note.c_str());
    } else {
      std::snprintf(line, sizeof line, "  %-46s %7.1f %-4s %8llu %9.1f %9.1f  %s\n", q.name.c_str(), q.estimate.value,
                    q.unit.c_str(), static_cast<unsigned long long>(q.samples), q.estimate.spread, q.estimate.ci95,
                    q.estimate.noisy ? "NOISY" : "");
    }
    out += line;
  }
  out += "  (value: median over rounds of the differential; spread: its interquartile range over rounds; 95% +-: the\n"
         "  interval of the median, 1.58 x IQR / sqrt(rounds); NOISY: that interval is above max(floor, 25% of the value))\n";
  for (const auto& n : c.notes) out += "  note: " + n + "\n";
  return out;
}

}  // namespace cnisim::calibration
