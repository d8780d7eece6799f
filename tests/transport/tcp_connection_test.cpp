// TCP endpoints over an idle or lossy pipe, against the figures the protocol implies.
#include <catch2/catch.hpp>

#include <cmath>

#include "tests/transport/tcp_pipe.hpp"

using namespace cnisim;
using namespace cnisim::transport;
using namespace cnisim::transport::testing;

namespace {

std::int64_t ser(std::uint32_t bytes, sim::DataRate rate) { return sim::serialization_time(bytes, rate).ps(); }

// A client that sends a request of `request` bytes and a server that answers each whole request
// with `response` bytes; the time the client has the whole response.
struct RequestResponse {
  std::uint32_t request = 100, response = 1000;
  std::uint64_t requests_seen = 0;
  std::uint64_t responses_expected = 0;
  std::int64_t done_ps = -1;
  void attach(TcpPipe& pipe, sim::Simulator& sim) {
    pipe.on_event = [this, &pipe, &sim](int side) {
      if (side == 1) {
        while (pipe.b().delivered() >= (requests_seen + 1) * request) {
          ++requests_seen;
          pipe.b().write(sim.now().ps(), response);
        }
      } else if (done_ps < 0 && pipe.a().delivered() >= responses_expected * response) {
        done_ps = sim.now().ps();
      }
    };
  }
  std::int64_t call(TcpPipe& pipe, sim::Simulator& sim) {
    done_ps = -1;
    ++responses_expected;
    const std::int64_t start = sim.now().ps();
    pipe.a().write(start, request);
    pipe.pump(0);
    sim.run_until(sim.now() + sim::seconds(5));
    REQUIRE(done_ps >= 0);
    return done_ps - start;
  }
};

}  // namespace

TEST_CASE("On an idle path a new connection's first response comes one SYN round trip after a kept-alive one's", "[transport]") {
  // Exact in integer picoseconds: the SYN and the SYN-ACK each cross the path once more; the client's
  // handshake ACK goes on the wire ahead of the request, and the server, in quick-ACK mode, ACKs the
  // request on its own before it answers (Linux does both), which hold the request and the response
  // back by one 52-byte serialization each.
  const PipeConfig config = path(sim::gbps(10), sim::us(10));
  sim::Simulator sim;
  TcpPipe pipe(sim, TcpConfig{}, config);
  RequestResponse app;
  app.attach(pipe, sim);
  pipe.b().listen();
  pipe.a().connect(0);
  const std::int64_t fresh = app.call(pipe, sim);
  const std::int64_t kept = app.call(pipe, sim);
  const std::int64_t d = config.delay.ps();
  const std::int64_t syn = ser(52, config.rate);
  REQUIRE(fresh - kept == 2 * (d + syn) + 2 * syn);
  // And the kept-alive call is one crossing each way at the wire's speed.
  REQUIRE(kept == 2 * d + ser(152, config.rate) + ser(1052, config.rate));
  // Packets: SYN, handshake ACK, request, ACK of the first response; SYN-ACK, quick ACK, response.
  CHECK(pipe.a().counters().handshake_segments == 2);
  CHECK(pipe.b().counters().handshake_segments == 1);
  CHECK(pipe.a().counters().data_segments == 2);
  CHECK(pipe.b().counters().data_segments == 2);
  CHECK(pipe.a().counters().retransmissions + pipe.b().counters().retransmissions == 0);
}

TEST_CASE("A bulk transfer fills a 12.5 Gb/s path after slow start and takes the analytic time", "[transport]") {
  const PipeConfig config = path(sim::DataRate::from_bps(12'500'000'000), sim::us(100));
  sim::Simulator sim;
  TcpConfig tcp;
  TcpPipe pipe(sim, tcp, config);
  const std::uint64_t segments = 20000;
  const std::uint64_t bytes = segments * tcp.mss();
  std::int64_t done = -1;
  pipe.on_event = [&](int side) {
    if (side == 1 && done < 0 && pipe.b().delivered() == bytes) done = sim.now().ps();
  };
  pipe.b().listen();
  pipe.a().connect(0);
  pipe.a().write(0, bytes);
  pipe.pump(0);
  sim.run_until(sim::ms(10));
  const std::uint64_t wire_at_10ms = pipe.wire_bytes_delivered(1);
  sim.run_until(sim::ms(15));
  const std::uint64_t wire_at_15ms = pipe.wire_bytes_delivered(1);
  sim.run_until(sim::seconds(2));
  REQUIRE(done > 0);
  REQUIRE(pipe.b().delivered() == bytes);
  // Goodput with headers counted, over 5 ms after slow start: at least 95% of the line rate.
  const double goodput = static_cast<double>(wire_at_15ms - wire_at_10ms) * 8 / 5e-3;
  CHECK(goodput >= 0.95 * 12.5e9);
  // Slow start: the window doubles each round trip R from 10 segments until a round's burst keeps
  // the wire busy for a whole R (round k); the rest goes at the line rate, then one more crossing.
  const std::int64_t s = ser(1500, config.rate);
  const std::int64_t r = 2 * config.delay.ps() + s + ser(52, config.rate);
  std::uint64_t k = 0;
  while ((10ull << k) * static_cast<std::uint64_t>(s) < static_cast<std::uint64_t>(r)) ++k;
  const std::uint64_t in_slow_start = 10 * ((1ull << k) - 1);
  const double analytic = static_cast<double>(k) * static_cast<double>(r) +
                          static_cast<double>(segments - in_slow_start) * static_cast<double>(s) +
                          static_cast<double>(config.delay.ps());
  const double measured = static_cast<double>(done - pipe.a().established_at_ps());
  INFO("measured " << measured * 1e-6 << " us, analytic " << analytic * 1e-6 << " us, k = " << k);
  CHECK(std::abs(measured - analytic) / analytic < 0.02);
  // Without slow start the figure would be off by k round trips: the check above can tell.
  CHECK(std::abs(measured - static_cast<double>(segments * s)) / measured > 0.02);
  CHECK(pipe.a().counters().retransmissions == 0);
}

TEST_CASE("A write-write-read exchange stalls by the delayed-ACK timer under Nagle and not with noDelay", "[transport]") {
  const PipeConfig config = path(sim::gbps(10), sim::us(20));
  const auto exchange = [&](bool no_delay) {
    sim::Simulator sim;
    TcpPipe pipe(sim, TcpConfig{}, config, no_delay, no_delay);
    RequestResponse app;
    app.request = 200;
    app.response = 100;
    app.attach(pipe, sim);
    pipe.b().listen();
    pipe.a().connect(0);
    (void)app.call(pipe, sim);  // a first call puts both ends into ping-pong mode
    REQUIRE(pipe.b().in_pingpong());
    // The request in two writes of 100 bytes.
    app.done_ps = -1;
    ++app.responses_expected;
    const std::int64_t start = sim.now().ps();
    pipe.a().write(start, 100);
    pipe.a().write(start, 100);
    pipe.pump(0);
    sim.run_until(sim.now() + sim::seconds(5));
    REQUIRE(app.done_ps > 0);
    return std::pair{app.done_ps - start, pipe.b().counters().delayed_acks};
  };
  const auto [nagle, nagle_delayed] = exchange(false);
  const auto [no_delay, no_delay_delayed] = exchange(true);
  const std::int64_t ato = TcpConfig{}.ato_min_ps;
  INFO("Nagle " << nagle * 1e-6 << " us, noDelay " << no_delay * 1e-6 << " us");
  CHECK(nagle >= ato);
  CHECK(nagle < ato + 5 * config.delay.ps());  // and the exchange's own crossings
  CHECK(no_delay < 4 * config.delay.ps());
  CHECK(nagle_delayed == 1);
  CHECK(no_delay_delayed == 0);
}

TEST_CASE("A connection closes with FINs and the closing side waits in TIME_WAIT for 60 seconds", "[transport]") {
  sim::Simulator sim;
  TcpPipe pipe(sim, TcpConfig{}, PipeConfig{});
  RequestResponse app;
  app.attach(pipe, sim);
  pipe.b().listen();
  pipe.a().connect(0);
  (void)app.call(pipe, sim);
  auto server_close = pipe.on_event;
  pipe.on_event = [&](int side) {
    server_close(side);
    if (side == 1 && pipe.b().peer_closed() && pipe.b().state() == TcpState::CloseWait) pipe.b().close(sim.now().ps());
  };
  const std::int64_t closed_at = sim.now().ps();
  pipe.a().close(closed_at);
  pipe.pump(0);
  sim.run_until(sim.now() + sim::seconds(1));
  CHECK(pipe.a().state() == TcpState::TimeWait);
  CHECK(pipe.b().state() == TcpState::Closed);
  sim.run_until(sim::Time::from_ps(closed_at) + sim::seconds(60) - sim::ms(1));
  CHECK(pipe.a().state() == TcpState::TimeWait);
  sim.run_until(sim::Time::from_ps(closed_at) + sim::seconds(61));
  CHECK(pipe.a().state() == TcpState::Closed);
  CHECK(pipe.a().next_timer_ps() == TcpConnection::kNoTimer);
  CHECK(to_string(TcpState::TimeWait) == "TIME-WAIT");
}

TEST_CASE("With GSO a sender builds segments of many MSS within its window and the stream still arrives whole", "[transport]") {
  const PipeConfig config = path(sim::DataRate::from_bps(12'500'000'000), sim::us(100));
  const auto bulk = [&](bool gso) {
    sim::Simulator sim;
    TcpConfig tcp;
    tcp.gso = gso;
    TcpPipe pipe(sim, tcp, config);
    const std::uint64_t bytes = 20000ull * tcp.mss();
    std::int64_t done = -1;
    std::uint32_t largest = 0, first = 0;
    pipe.b().listen();
    pipe.a().connect(0);
    pipe.a().write(0, bytes);
    pipe.on_event = [&](int side) {
      if (side == 1 && done < 0 && pipe.b().delivered() == bytes) done = sim.now().ps();
      for (const auto& s : pipe.a().outbox()) {
        if (first == 0 && s.len > 0) first = s.len;
        largest = std::max(largest, s.len);
      }
    };
    pipe.pump(0);
    sim.run_until(sim::seconds(2));
    REQUIRE(done > 0);
    return std::tuple{done - pipe.a().established_at_ps(), pipe.a().counters().data_segments, largest, first};
  };
  const auto [plain_time, plain_segments, plain_largest, plain_first] = bulk(false);
  const auto [gso_time, gso_segments, gso_largest, gso_first] = bulk(true);
  const TcpConfig tcp;
  CHECK(plain_largest == tcp.mss());
  CHECK(plain_segments == 20000);
  // 45 MSS (65,160 bytes) fit 64 KiB with the headers; the first flight is the initial window's 10.
  CHECK(gso_largest == 45 * tcp.mss());
  CHECK(gso_first == 10 * tcp.mss());
  CHECK(gso_segments < 20000 / 10);
  // The same bytes on the same wire: about the same time (the window still grows per MSS).
  INFO("plain " << plain_time * 1e-6 << " us, GSO " << gso_time * 1e-6 << " us");
  CHECK(static_cast<double>(gso_time) == Approx(static_cast<double>(plain_time)).epsilon(0.05));
}
