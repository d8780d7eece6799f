#include "models/net/conntrack.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <map>
#include <set>

#include "models/net/endpoint_picker.hpp"

using namespace cnisim::net;

namespace {
const Ipv4 kPod = Ipv4::parse("10.244.1.5");
const Ipv4 kNode = Ipv4::parse("10.224.0.4");
const Ipv4 kInternet = Ipv4::parse("20.50.60.70");
const Endpoint kService{Ipv4::parse("10.0.0.10"), 53};
const Endpoint kBackend{Ipv4::parse("10.244.2.9"), 5353};

FiveTuple tcp(Ipv4 src, std::uint16_t sport, Ipv4 dst, std::uint16_t dport) {
  return FiveTuple{Protocol::Tcp, src, sport, dst, dport};
}
}  // namespace

TEST_CASE("a connection without NAT passes packets unchanged both ways") {
  ConntrackTable ct;
  const FiveTuple out = tcp(kPod, 40000, kInternet, 443);
  const Tracked first = ct.track(out, NatAction{});
  CHECK(first.created);
  CHECK(first.tuple == out);
  CHECK(first.direction == Direction::Original);
  const auto reply = ct.lookup(out.reversed());
  REQUIRE(reply);
  CHECK(reply->tuple == out.reversed());
  CHECK(reply->direction == Direction::Reply);
  CHECK(reply->connection == first.connection);
  CHECK_FALSE(ct.track(out, NatAction{}).created);
}

TEST_CASE("masquerade rewrites the source and replies are mapped back to the pod") {
  ConntrackTable ct;
  const FiveTuple out = tcp(kPod, 40000, kInternet, 443);
  const Tracked first = ct.track(out, NatAction{std::nullopt, kNode});
  CHECK(first.tuple == tcp(kNode, 40000, kInternet, 443));  // the source port is kept when free
  // The internet answers the node; conntrack sends the reply to the pod.
  const auto reply = ct.lookup(tcp(kInternet, 443, kNode, 40000));
  REQUIRE(reply);
  CHECK(reply->tuple == tcp(kInternet, 443, kPod, 40000));
  CHECK(reply->direction == Direction::Reply);
  CHECK(ct.connection(first.connection).snat);
  // A later packet of the same flow is translated the same way and creates nothing.
  CHECK(ct.track(out, NatAction{std::nullopt, kNode}).tuple == first.tuple);
  CHECK(ct.counters().created == 1u);
  CHECK_FALSE(ct.lookup(tcp(kInternet, 443, kNode, 40001)));
}

TEST_CASE("DNAT to a Service endpoint is undone on the reply, so the client sees the Service address") {
  ConntrackTable ct;
  const FiveTuple query{Protocol::Udp, kPod, 33333, kService.ip, kService.port};
  const Tracked first = ct.track(query, NatAction{kBackend, std::nullopt});
  CHECK(first.tuple == FiveTuple{Protocol::Udp, kPod, 33333, kBackend.ip, kBackend.port});
  const auto answer = ct.lookup(FiveTuple{Protocol::Udp, kBackend.ip, kBackend.port, kPod, 33333});
  REQUIRE(answer);
  CHECK(answer->tuple == FiveTuple{Protocol::Udp, kService.ip, kService.port, kPod, 33333});
}

TEST_CASE("DNAT and SNAT together translate both addresses and both are undone on the reply") {
  ConntrackTable ct;
  const FiveTuple query{Protocol::Tcp, kPod, 50000, kService.ip, kService.port};
  const Tracked first = ct.track(query, NatAction{kBackend, kNode});
  CHECK(first.tuple == FiveTuple{Protocol::Tcp, kNode, 50000, kBackend.ip, kBackend.port});
  const auto answer = ct.lookup(first.tuple.reversed());
  REQUIRE(answer);
  CHECK(answer->tuple == query.reversed());
}

TEST_CASE("two pods using the same source port to one destination get different SNAT ports") {
  ConntrackTable ct;
  const Tracked a = ct.track(tcp(kPod, 40000, kInternet, 443), NatAction{std::nullopt, kNode});
  const Tracked b = ct.track(tcp(Ipv4::parse("10.244.1.6"), 40000, kInternet, 443), NatAction{std::nullopt, kNode});
  CHECK(a.tuple.src_port == 40000);
  CHECK(b.tuple.src_port != 40000);
  CHECK(b.tuple.src == kNode);
  CHECK(ct.counters().snat_port_remapped == 1u);
  CHECK(ct.lookup(b.tuple.reversed())->tuple.dst == Ipv4::parse("10.244.1.6"));
  CHECK(ct.lookup(a.tuple.reversed())->tuple.dst == kPod);
}

TEST_CASE("SNAT port exhaustion is a clear error and frees up when a connection closes") {
  ConntrackTable ct(PortRange{61000, 61003});
  std::vector<ConnectionId> ids;
  for (std::uint16_t i = 0; i < 4; ++i) {
    // All pods use the same source port, so every connection needs a port of the range.
    ids.push_back(ct.track(tcp(kPod + i, 61000, kInternet, 443), NatAction{std::nullopt, kNode}).connection);
  }
  CHECK(ct.snat_ports_in_use(kNode, Protocol::Tcp, Endpoint{kInternet, 443}) == 4u);
  const FiveTuple fifth = tcp(kPod + 4, 61000, kInternet, 443);
  REQUIRE_THROWS_WITH(ct.track(fifth, NatAction{std::nullopt, kNode}),
                      "SNAT port exhaustion: all 4 ports (61000-61003) of 10.224.0.4 towards TCP 20.50.60.70:443 "
                      "are in use (needed 1, available 0); close idle connections, spread load over more "
                      "destinations or add SNAT addresses");
  CHECK_THROWS_AS(ct.track(fifth, NatAction{std::nullopt, kNode}), PortExhaustedError);
  CHECK(ct.size() == 4u);
  CHECK(ct.counters().snat_exhausted == 2u);
  // Another destination has its own ports.
  CHECK(ct.track(tcp(kPod + 4, 61000, kInternet, 80), NatAction{std::nullopt, kNode}).tuple.src_port == 61000);
  ct.remove(ids[2]);
  const Tracked retry = ct.track(fifth, NatAction{std::nullopt, kNode});
  CHECK(retry.tuple.src_port == 61002);
  CHECK(ct.lookup(retry.tuple.reversed())->tuple.dst == kPod + 4);
}

TEST_CASE("a given port range takes every source port into it, and an expired holder gives its port up") {
  ConntrackConfig config;
  config.tcp_syn_sent_ps = config.tcp_established_ps = config.tcp_time_wait_ps = config.tcp_close_ps = 10;
  ConntrackTable ct(PortRange{61000, 61001, true}, config);
  const auto a = ct.create(tcp(kPod, 40000, kInternet, 443), NatAction{std::nullopt, kNode}, 0);
  const auto b = ct.create(tcp(kPod + 1, 40000, kInternet, 443), NatAction{std::nullopt, kNode}, 0);
  CHECK(a.tuple.src_port == 61000);  // 40000 is outside the range: remapped although free
  CHECK(b.tuple.src_port == 61001);
  const FiveTuple third = tcp(kPod + 2, 40000, kInternet, 443);
  CHECK_THROWS_AS(ct.create(third, NatAction{std::nullopt, kNode}, 5), PortExhaustedError);
  // A reset moves the first to CLOSE, which expires 10 ps after it; the other expires at 10.
  ct.lookup(tcp(kPod, 40000, kInternet, 443), 8, 0x04);
  CHECK_THROWS_AS(ct.create(third, NatAction{std::nullopt, kNode}, 9), PortExhaustedError);
  const auto c = ct.create(third, NatAction{std::nullopt, kNode}, 11);
  CHECK(c.tuple.src_port == 61001);  // the holder that expired at 10 was reaped; the reset one holds until 18
  CHECK(ct.counters().expired == 1u);
  CHECK_THROWS_AS(ct.create(tcp(kPod + 3, 40000, kInternet, 443), NatAction{std::nullopt, kNode}, 12), PortExhaustedError);
  CHECK(ct.create(tcp(kPod + 3, 40000, kInternet, 443), NatAction{std::nullopt, kNode}, 18).tuple.src_port == 61000);
}

TEST_CASE("creating a connection twice or reading a removed one is refused") {
  ConntrackTable ct;
  const FiveTuple out = tcp(kPod, 40000, kInternet, 443);
  const auto id = ct.create(out, NatAction{}).connection;
  REQUIRE_THROWS_WITH(ct.create(out, NatAction{}),
                      "connection TCP 10.244.1.5:40000 -> 20.50.60.70:443 is already tracked; use lookup() or track()");
  ct.remove(id);
  REQUIRE_THROWS_WITH(ct.connection(id), "connection 0 is not tracked");
  CHECK_FALSE(ct.lookup(out));
  REQUIRE_THROWS_AS(ConntrackTable(PortRange{2000, 1000}), std::invalid_argument);
}

TEST_CASE("fifty thousand concurrent masqueraded flows each map back to their own pod") {
  ConntrackTable ct;
  constexpr int kFlows = 50'000;
  const Endpoint dest{kInternet, 443};
  std::vector<FiveTuple> sent;
  std::set<std::uint16_t> ports;
  for (int i = 0; i < kFlows; ++i) {
    // 500 pods, 100 flows each, all from ports 33000-33099: most flows need another port.
    const FiveTuple flow = tcp(Ipv4::parse("10.244.0.0") + static_cast<std::uint32_t>(i / 100),
                               static_cast<std::uint16_t>(33000 + i % 100), dest.ip, dest.port);
    const Tracked t = ct.track(flow, NatAction{std::nullopt, kNode});
    REQUIRE(t.tuple.src == kNode);
    ports.insert(t.tuple.src_port);
    sent.push_back(t.tuple);
  }
  CHECK(ct.size() == static_cast<std::size_t>(kFlows));
  CHECK(ports.size() == static_cast<std::size_t>(kFlows));  // collision-free
  CHECK(ct.snat_ports_in_use(kNode, Protocol::Tcp, dest) == static_cast<std::uint32_t>(kFlows));
  for (int i = 0; i < kFlows; ++i) {
    const auto back = ct.lookup(sent[static_cast<std::size_t>(i)].reversed());
    REQUIRE(back);
    REQUIRE(back->tuple.dst == Ipv4::parse("10.244.0.0") + static_cast<std::uint32_t>(i / 100));
    REQUIRE(back->tuple.dst_port == 33000 + i % 100);
  }
  for (int i = 0; i < kFlows; i += 2) ct.remove(ct.lookup(sent[static_cast<std::size_t>(i)].reversed())->connection);
  CHECK(ct.size() == static_cast<std::size_t>(kFlows / 2));
  CHECK(ct.snat_ports_in_use(kNode, Protocol::Tcp, dest) == static_cast<std::uint32_t>(kFlows / 2));
}

TEST_CASE("round-robin picks every endpoint in turn") {
  const std::vector<Endpoint> eps{{Ipv4(10, 244, 1, 2), 80}, {Ipv4(10, 244, 2, 2), 80}, {Ipv4(10, 244, 3, 2), 80}};
  EndpointPicker rr(eps, PickPolicy::RoundRobin);
  for (int round = 0; round < 3; ++round) {
    for (const Endpoint& e : eps) CHECK(rr.pick() == e);
  }
  CHECK_FALSE(EndpointPicker({}, PickPolicy::RoundRobin).pick());
}

TEST_CASE("random picks are reproducible for a seed and spread over all endpoints") {
  std::vector<Endpoint> eps;
  for (std::uint32_t i = 0; i < 4; ++i) eps.push_back(Endpoint{Ipv4(10, 244, 0, 10) + i, 8080});
  EndpointPicker a(eps, PickPolicy::Random, 42);
  EndpointPicker b(eps, PickPolicy::Random, 42);
  EndpointPicker c(eps, PickPolicy::Random, 43);
  std::map<Endpoint, int> counts;
  int same_as_other_seed = 0;
  for (int i = 0; i < 40'000; ++i) {
    const Endpoint e = *a.pick();
    REQUIRE(e == *b.pick());
    same_as_other_seed += e == *c.pick();
    ++counts[e];
  }
  REQUIRE(counts.size() == 4u);
  for (const auto& [e, n] : counts) CHECK(std::abs(n - 10'000) < 500);  // ~5 sigma
  CHECK(same_as_other_seed < 12'000);                                   // another seed, another sequence
  CHECK(a.pick(0) == eps.front());                                      // a caller-supplied draw
  CHECK(a.pick(~std::uint64_t{0}) == eps.back());
}

namespace {
// Linux's defaults (the cost profile's conntrack block), in ps.
ConntrackConfig linux_timeouts(std::size_t max_entries = std::numeric_limits<std::size_t>::max()) {
  constexpr std::int64_t s = 1000000000000;
  ConntrackConfig c;
  c.tcp_syn_sent_ps = 120 * s;
  c.tcp_syn_recv_ps = 60 * s;
  c.tcp_established_ps = 432000 * s;
  c.tcp_fin_wait_ps = 120 * s;
  c.tcp_close_wait_ps = 60 * s;
  c.tcp_last_ack_ps = 30 * s;
  c.tcp_time_wait_ps = 120 * s;
  c.tcp_close_ps = 10 * s;
  c.udp_ps = 30 * s;
  c.udp_stream_ps = 120 * s;
  c.udp_stream_after_ps = 2 * s;
  c.icmp_ps = 30 * s;
  c.generic_ps = 600 * s;
  c.max_entries = max_entries;
  return c;
}
constexpr std::int64_t kSecond = 1000000000000;
}  // namespace

TEST_CASE("a TCP entry is SYN_SENT until its reply then ESTABLISHED and assured") {
  ConntrackTable ct({}, linux_timeouts());
  const FiveTuple out = tcp(kPod, 40000, kInternet, 443);
  const Tracked first = ct.create(out, NatAction{}, 0);
  CHECK(ct.connection(first.connection).state == ConnState::TcpSynSent);
  CHECK_FALSE(ct.connection(first.connection).assured);
  CHECK(ct.connection(first.connection).expires_ps == 120 * kSecond);
  REQUIRE(ct.lookup(out.reversed(), 5 * kSecond));
  CHECK(ct.connection(first.connection).state == ConnState::TcpEstablished);
  CHECK(ct.connection(first.connection).assured);
  CHECK(ct.connection(first.connection).expires_ps == (5 + 432000) * kSecond);
}

TEST_CASE("an entry expires its state's timeout after its last packet and is then not found") {
  ConntrackTable ct({}, linux_timeouts());
  const FiveTuple query{Protocol::Udp, kPod, 33333, kService.ip, kService.port};
  ct.create(query, NatAction{kBackend, std::nullopt}, 0);
  REQUIRE(ct.lookup(query, 29 * kSecond));  // refreshed: 30 s from here
  REQUIRE(ct.lookup(query, 58 * kSecond));
  CHECK_FALSE(ct.lookup(query, 88 * kSecond + 1));
  CHECK(ct.size() == 0u);
  CHECK(ct.counters().expired == 1u);
}

TEST_CASE("a replied UDP flow still active after two seconds becomes a stream with the longer timeout") {
  ConntrackTable ct({}, linux_timeouts());
  const FiveTuple flow{Protocol::Udp, kPod, 5001, kInternet, 5001};
  const auto id = ct.create(flow, NatAction{}, 0).connection;
  ct.lookup(flow.reversed(), kSecond);
  CHECK(ct.connection(id).state == ConnState::Udp);
  CHECK(ct.connection(id).expires_ps == 31 * kSecond);
  ct.lookup(flow, 3 * kSecond);
  CHECK(ct.connection(id).state == ConnState::UdpStream);
  CHECK(ct.connection(id).assured);
  CHECK(ct.connection(id).expires_ps == 123 * kSecond);
}

TEST_CASE("a closed TCP connection stays in TIME_WAIT for its timeout and a new SYN on its tuple starts afresh") {
  ConntrackTable ct({}, linux_timeouts());
  const FiveTuple out = tcp(kPod, 40000, kService.ip, 80);
  const Tracked first = ct.create(out, NatAction{kBackend, std::nullopt}, 0);
  ct.lookup(FiveTuple{Protocol::Tcp, kBackend.ip, kBackend.port, kPod, 40000}, 1);
  REQUIRE(ct.close(first.connection, first.generation, 2));
  CHECK(ct.connection(first.connection).state == ConnState::TcpTimeWait);
  CHECK(ct.connection(first.connection).expires_ps == 2 + 120 * kSecond);
  CHECK(ct.lookup(out, 3));  // a late packet of the closed connection is still translated
  CHECK_FALSE(ct.lookup(out, 4, /*SYN*/ 0x02));
  CHECK(ct.counters().reopened == 1u);
  const Tracked second = ct.create(out, NatAction{Endpoint{kBackend.ip, 8080}, std::nullopt}, 4);
  CHECK(second.tuple.dst_port == 8080);
  CHECK_FALSE(ct.close(first.connection, first.generation, 5));  // the old generation is gone
}

TEST_CASE("a steady stream of short connections keeps the table the same size") {
  // 1000 connections per simulated second, each closed at once: about 120,000 are in TIME_WAIT at any
  // time. The sweep examines 4 slots per new entry, so expired entries linger at most one sweep round:
  // the table stays between the live count and 4/3 of it, from the first TIME_WAIT expiry on.
  ConntrackTable ct({}, linux_timeouts());
  for (std::int64_t i = 0; i < 900000; ++i) {
    const std::int64_t now = i * kSecond / 1000;
    const FiveTuple out = tcp(Ipv4(kPod.value + static_cast<std::uint32_t>(i % 50)),
                              static_cast<std::uint16_t>(1024 + (i / 50) % 60000), kInternet, 443);
    const Tracked t = ct.track(out, NatAction{}, now);
    ct.lookup(t.tuple.reversed(), now);
    ct.close(t.connection, t.generation, now);
    if (i >= 240000 && i % 60000 == 0) {
      CHECK(ct.size() >= 120000u);
      CHECK(ct.size() <= 160000u + 100);
    }
  }
  CHECK(ct.counters().peak_size <= 160000u + 100);
  CHECK(ct.counters().expired > 700000u);
}

TEST_CASE("at the limit an unassured entry is dropped early and else the new connection is refused") {
  ConntrackTable ct({}, linux_timeouts(4));
  std::vector<Tracked> open;
  for (std::uint16_t p = 0; p < 4; ++p) open.push_back(ct.create(tcp(kPod, static_cast<std::uint16_t>(40000 + p), kInternet, 443), {}, 0));
  // None replied: the fifth drops one of them early.
  ct.create(tcp(kPod, 40004, kInternet, 443), {}, 1);
  CHECK(ct.size() == 4u);
  CHECK(ct.counters().early_dropped == 1u);
  // All assured now: the next is refused.
  for (std::uint16_t p = 0; p <= 4; ++p) ct.lookup(tcp(kInternet, 443, kPod, static_cast<std::uint16_t>(40000 + p)), 2);
  REQUIRE_THROWS_AS(ct.create(tcp(kPod, 40010, kInternet, 443), {}, 3), ConntrackFullError);
  CHECK(ct.counters().table_full == 1u);
  CHECK(ct.size() == 4u);
  // Once they expire, there is room again.
  CHECK(ct.create(tcp(kPod, 40011, kInternet, 443), {}, 3 + 432000 * kSecond).created);
}

TEST_CASE("A TCP entry follows the flags of a handshake and a FIN exchange through Linux's states and timeouts") {
  ConntrackTable ct({}, linux_timeouts());
  const FiveTuple out = tcp(kPod, 40000, kService.ip, 80);
  const FiveTuple back{Protocol::Tcp, kBackend.ip, kBackend.port, kPod, 40000};
  constexpr std::uint8_t kSyn = 0x02, kAck = 0x10, kFin = 0x01, kRst = 0x04;
  const Tracked t = ct.create(out, NatAction{kBackend, std::nullopt}, 0);
  const auto state = [&] { return ct.connection(t.connection).state; };
  const auto expires = [&] { return ct.connection(t.connection).expires_ps; };
  CHECK(state() == ConnState::TcpSynSent);
  REQUIRE(ct.lookup(back, 1, kSyn | kAck));
  CHECK(state() == ConnState::TcpSynRecv);
  CHECK(expires() == 1 + 60 * kSecond);
  CHECK_FALSE(ct.connection(t.connection).assured);
  REQUIRE(ct.lookup(out, 2, kAck));
  CHECK(state() == ConnState::TcpEstablished);
  CHECK(ct.connection(t.connection).assured);
  REQUIRE(ct.lookup(back, 3, kAck));  // data both ways keeps it established
  CHECK(state() == ConnState::TcpEstablished);
  REQUIRE(ct.lookup(out, 4, kFin | kAck));  // the client closes
  CHECK(state() == ConnState::TcpFinWait);
  CHECK(expires() == 4 + 120 * kSecond);
  REQUIRE(ct.lookup(out, 5, kAck));  // the closing side's own ACKs change nothing
  CHECK(state() == ConnState::TcpFinWait);
  REQUIRE(ct.lookup(back, 6, kAck));  // the server ACKs the FIN
  CHECK(state() == ConnState::TcpCloseWait);
  CHECK(expires() == 6 + 60 * kSecond);
  REQUIRE(ct.lookup(back, 7, kFin | kAck));  // and closes its side
  CHECK(state() == ConnState::TcpLastAck);
  CHECK(expires() == 7 + 30 * kSecond);
  REQUIRE(ct.lookup(out, 8, kAck));  // the last ACK
  CHECK(state() == ConnState::TcpTimeWait);
  CHECK(expires() == 8 + 120 * kSecond);
  CHECK(to_string(ConnState::TcpLastAck) == "LAST_ACK");
  SECTION("a reset closes the entry for ten seconds and a new SYN then starts afresh") {
    REQUIRE(ct.lookup(back, 9, kRst));
    CHECK(state() == ConnState::TcpClose);
    CHECK(expires() == 9 + 10 * kSecond);
    CHECK_FALSE(ct.lookup(out, 10, kSyn));
  }
}

TEST_CASE("A FIN piggybacked on the answer to the first FIN goes straight to LAST_ACK") {
  ConntrackTable ct({}, linux_timeouts());
  const FiveTuple out = tcp(kPod, 40001, kService.ip, 80);
  const FiveTuple back{Protocol::Tcp, kBackend.ip, kBackend.port, kPod, 40001};
  const Tracked t = ct.create(out, NatAction{kBackend, std::nullopt}, 0);
  REQUIRE(ct.lookup(back, 1, 0x12));
  REQUIRE(ct.lookup(out, 2, 0x10));
  REQUIRE(ct.lookup(out, 3, 0x11));
  REQUIRE(ct.lookup(back, 4, 0x11));
  CHECK(ct.connection(t.connection).state == ConnState::TcpLastAck);
  REQUIRE(ct.lookup(out, 5, 0x10));
  CHECK(ct.connection(t.connection).state == ConnState::TcpTimeWait);
}
