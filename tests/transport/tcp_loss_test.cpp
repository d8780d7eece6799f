// Losses: fast retransmit, the retransmission timer, Mathis et al.'s law, and random drops against
// the plain reference that a byte stream arrives whole and in order.
#include <catch2/catch.hpp>

#include <cmath>

#include "tests/transport/tcp_pipe.hpp"

using namespace cnisim;
using namespace cnisim::transport;
using namespace cnisim::transport::testing;

namespace {

struct Transfer {
  std::int64_t done_ps = -1;  // from the handshake's end
  TcpCounters sender;
};

// A connection that sends `bytes` at once; when the receiver has them all.
Transfer transfer(std::uint64_t bytes, PipeConfig config, TcpConfig tcp = {}) {
  sim::Simulator sim;
  TcpPipe pipe(sim, tcp, std::move(config));
  Transfer out;
  pipe.on_event = [&](int side) {
    if (side == 1 && out.done_ps < 0 && pipe.b().delivered() == bytes) out.done_ps = sim.now().ps();
  };
  pipe.b().listen();
  pipe.a().connect(0);
  pipe.a().write(0, bytes);
  pipe.pump(0);
  sim.run_until(sim::seconds(30));
  REQUIRE(out.done_ps > 0);
  out.done_ps -= pipe.a().established_at_ps();
  out.sender = pipe.a().counters();
  return out;
}

}  // namespace

TEST_CASE("One drop is repaired by fast retransmit within about a round trip when three duplicate ACKs can come", "[transport]") {
  PipeConfig config = path(sim::gbps(10), sim::us(50));
  const std::int64_t rtt = 2 * config.delay.ps();
  const std::uint64_t bytes = 30 * TcpConfig{}.mss();
  const Transfer clean = transfer(bytes, config);
  config.drop_data_a_to_b = {2};  // the third segment of the first flight of ten
  const Transfer lossy = transfer(bytes, config);
  CHECK(lossy.sender.fast_retransmits == 1);
  CHECK(lossy.sender.timeouts == 0);
  CHECK(lossy.sender.retransmissions == 1);
  INFO("clean " << clean.done_ps * 1e-6 << " us, one drop " << lossy.done_ps * 1e-6 << " us");
  CHECK(lossy.done_ps > clean.done_ps);
  CHECK(lossy.done_ps - clean.done_ps < 2 * rtt);
}

TEST_CASE("One drop is repaired by the retransmission timer when too few segments follow it", "[transport]") {
  PipeConfig config = path(sim::gbps(10), sim::us(50));
  const std::uint64_t bytes = 3 * TcpConfig{}.mss();
  const Transfer clean = transfer(bytes, config);
  config.drop_data_a_to_b = {1};  // the middle one of three: one duplicate ACK only
  const Transfer lossy = transfer(bytes, config);
  CHECK(lossy.sender.fast_retransmits == 0);
  CHECK(lossy.sender.timeouts == 1);
  // The RTO after one RTT sample (the handshake's): SRTT + max(4 RTTVAR, 200 ms), Linux's floor.
  const std::int64_t rto_floor = TcpConfig{}.rto_min_ps;
  INFO("clean " << clean.done_ps * 1e-6 << " us, one drop " << lossy.done_ps * 1e-6 << " us");
  CHECK(lossy.done_ps - clean.done_ps >= rto_floor);
  CHECK(lossy.done_ps - clean.done_ps < rto_floor + 4 * 2 * config.delay.ps());
}

TEST_CASE("A lost SYN is sent again after the initial one-second timeout", "[transport]") {
  sim::Simulator sim;
  PipeConfig config;
  TcpPipe pipe(sim, TcpConfig{}, config);
  pipe.b().listen();
  pipe.a().connect(0);
  // Lose the SYN by handing it to no one: take it out of the outbox.
  REQUIRE(pipe.a().outbox().size() == 1);
  pipe.a().outbox().clear();
  pipe.pump(0);
  sim.run_until(sim::seconds(2));
  CHECK(pipe.a().established());
  CHECK(pipe.a().counters().timeouts == 1);
  CHECK(pipe.a().established_at_ps() == TcpConfig{}.rto_initial_ps + 2 * config.delay.ps() +
                                             2 * sim::serialization_time(52, config.rate).ps());
}

TEST_CASE("With random drops at probability p NewReno's goodput follows Mathis et al. within 20 percent", "[transport]") {
  // Mathis, Semke, Mahdavi, Ott (1997): throughput = MSS / RTT * C / sqrt(p), C = sqrt(3/2), the
  // window growing one segment per round trip (Linux counts ACKed segments, so delayed ACKs do not
  // slow it). The path is fast enough that the window, not the wire, limits.
  const double p = GENERATE(0.002, 0.0005);
  PipeConfig config = path(sim::gbps(100), sim::us(500));
  config.drop_probability = p;
  config.seed = 7;
  TcpConfig tcp;
  tcp.congestion = CongestionKind::NewReno;
  sim::Simulator sim;
  TcpPipe pipe(sim, tcp, config);
  pipe.b().listen();
  pipe.a().connect(0);
  pipe.a().write(0, std::uint64_t{1} << 40);  // more than it can send in the time
  pipe.pump(0);
  const sim::Time warmup = sim::seconds(2), span = sim::seconds(20);
  sim.run_until(warmup);
  const std::uint64_t from = pipe.b().delivered();
  sim.run_until(warmup + span);
  const double goodput = static_cast<double>(pipe.b().delivered() - from) / 20.0;  // bytes/s
  const double rtt = 2 * 500e-6;
  const double mathis = tcp.mss() / rtt * std::sqrt(1.5) / std::sqrt(p);
  INFO("p " << p << ": goodput " << goodput * 8e-6 << " Mb/s, Mathis " << mathis * 8e-6 << " Mb/s, timeouts "
            << pipe.a().counters().timeouts << ", fast retransmits " << pipe.a().counters().fast_retransmits);
  CHECK(std::abs(goodput - mathis) / mathis < 0.20);
}

TEST_CASE("Under random drops both byte streams arrive whole and the connection still closes", "[transport]") {
  // The reference is plain: what one side wrote, the other has, in order, once both closed.
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    sim::RandomStream random(seed * 7919);
    PipeConfig config = path(sim::gbps(1 + random.uniform_below(40)), sim::us(1 + static_cast<std::int64_t>(random.uniform_below(200))));
    config.drop_probability = 0.05 * random.uniform01();
    config.queue_packets = 4 + random.uniform_below(60);
    config.seed = seed;
    TcpConfig tcp;
    tcp.congestion = random.bernoulli(0.5) ? CongestionKind::Cubic : CongestionKind::NewReno;
    sim::Simulator sim;
    TcpPipe pipe(sim, tcp, config, random.bernoulli(0.5), random.bernoulli(0.5));
    std::uint64_t sent_a = 0, sent_b = 0;
    const int writes = 1 + static_cast<int>(random.uniform_below(20));
    pipe.b().listen();
    pipe.a().connect(0);
    for (int i = 0; i < writes; ++i) {
      const std::uint64_t n = 1 + random.uniform_below(random.bernoulli(0.3) ? 200000 : 3000);
      const sim::Time at = sim::us(static_cast<std::int64_t>(random.uniform_below(20000)));
      const bool from_a = random.bernoulli(0.6);
      (from_a ? sent_a : sent_b) += n;
      sim.schedule_at(at, [&, n, from_a] {
        const int side = from_a ? 0 : 1;
        TcpConnection& c = from_a ? pipe.a() : pipe.b();
        c.write(sim.now().ps(), n);
        pipe.pump(side);
      });
    }
    sim.schedule_at(sim::ms(30), [&] {
      pipe.a().close(sim.now().ps());
      pipe.pump(0);
    });
    pipe.on_event = [&](int side) {
      if (side == 1 && pipe.b().peer_closed() && pipe.b().state() == TcpState::CloseWait) pipe.b().close(sim.now().ps());
    };
    pipe.pump(0);
    sim.run_until(sim::seconds(600));
    INFO("seed " << seed << ", drop p " << config.drop_probability << ", queue " << config.queue_packets);
    REQUIRE(pipe.b().delivered() == sent_a);
    REQUIRE(pipe.a().delivered() == sent_b);
    REQUIRE(pipe.a().state() == TcpState::Closed);
    REQUIRE(pipe.b().state() == TcpState::Closed);
    REQUIRE(sim.pending() == 0);
  }
}
