// One contract over every congestion control, then each one's own analytic shape.
#include <catch2/catch.hpp>

#include <cmath>

#include "models/transport/congestion.hpp"

using namespace cnisim::transport;

namespace {

constexpr std::int64_t kMs = 1'000'000'000;

// A whole window acknowledged once per round trip, an ACK per segment.
void ack_round(CongestionControl& cc, Window& w, std::int64_t& now, std::int64_t rtt) {
  const std::uint32_t flight = w.cwnd;
  for (std::uint32_t i = 0; i < flight; ++i) cc.on_ack(w, 1, now + rtt * i / flight, rtt);
  now += rtt;
}

}  // namespace

TEMPLATE_TEST_CASE("Every congestion control keeps the window contract", "[transport][contract]", NewReno, Cubic) {
  CongestionControl cc{TestType{}};
  Window w;
  w.cwnd = 10;
  std::int64_t now = 0;
  const std::int64_t rtt = 10 * kMs;
  SECTION("slow start doubles the window each round trip up to ssthresh") {
    for (int round = 0; round < 5; ++round) {
      const auto before = w.cwnd;
      ack_round(cc, w, now, rtt);
      REQUIRE(w.cwnd == 2 * before);
    }
    // 320 segments ACKed: 80 of them take the window to the threshold, the other 240 grow it by
    // congestion avoidance's rule, which is slower than one segment per ACK.
    w.ssthresh = 400;
    ack_round(cc, w, now, rtt);
    REQUIRE(w.cwnd >= 400);
    REQUIRE(w.cwnd < 400 + 240 / 2);
  }
  SECTION("a loss lowers the threshold below the window, to at least two segments") {
    for (std::uint32_t cwnd : {1u, 2u, 3u, 10u, 100u, 1000u}) {
      w.cwnd = cwnd;
      const auto ssthresh = cc.ssthresh_after_loss(w);
      REQUIRE(ssthresh >= 2);
      if (cwnd >= 4) REQUIRE(ssthresh < cwnd);
    }
  }
  SECTION("congestion avoidance grows the window without a loss, and never by more than slow start") {
    w.cwnd = 50;
    w.ssthresh = 50;
    for (int round = 0; round < 200; ++round) {
      const auto before = w.cwnd;
      ack_round(cc, w, now, rtt);
      REQUIRE(w.cwnd >= before);
      REQUIRE(w.cwnd <= 2 * before);
    }
    REQUIRE(w.cwnd > 50);
  }
  SECTION("after a timeout the control starts over as a fresh one would") {
    w.cwnd = 80;
    w.ssthresh = cc.ssthresh_after_loss(w);
    cc.on_timeout();
    Window fresh_w;
    fresh_w.cwnd = 1;
    fresh_w.ssthresh = w.ssthresh;
    w.cwnd = 1;
    CongestionControl fresh{TestType{}};
    std::int64_t t1 = now, t2 = now;
    for (int round = 0; round < 30; ++round) {
      ack_round(cc, w, t1, rtt);
      ack_round(fresh, fresh_w, t2, rtt);
      REQUIRE(w.cwnd == fresh_w.cwnd);
    }
  }
  REQUIRE_FALSE(cc.name().empty());
}

TEST_CASE("NewReno adds one segment per round trip in congestion avoidance", "[transport]") {
  CongestionControl cc{NewReno{}};
  Window w;
  w.cwnd = 40;
  w.ssthresh = 40;
  std::int64_t now = 0;
  for (int round = 0; round < 100; ++round) {
    const auto before = w.cwnd;
    ack_round(cc, w, now, 10 * kMs);
    REQUIRE(w.cwnd == before + 1);
  }
  w.cwnd = 41;
  REQUIRE(cc.ssthresh_after_loss(w) == 20);
}

TEST_CASE("CUBIC returns to the window of its last loss after K seconds and keeps 70 percent at the loss", "[transport]") {
  // RFC 9438: K = cbrt(W_max (1 - beta) / C). With W_max = 200, beta = 0.7 and C = 0.4, K = 5.31 s.
  CongestionControl cc{Cubic{}};
  Window w;
  w.cwnd = 200;
  w.ssthresh = cc.ssthresh_after_loss(w);
  REQUIRE(w.ssthresh == 140);
  w.cwnd = w.ssthresh;
  const double k = std::cbrt(200 * 0.3 / 0.4);
  const std::int64_t rtt = 100 * kMs;  // long enough that the cubic curve, not Reno friendliness, rules
  std::int64_t now = 0;
  std::uint32_t at_half_k = 0;
  while (now < static_cast<std::int64_t>(k * 1e12)) {
    ack_round(cc, w, now, rtt);
    if (at_half_k == 0 && now >= static_cast<std::int64_t>(k * 0.5e12)) at_half_k = w.cwnd;
  }
  // Concave towards W_max: most of the way back in the first half, then a plateau near it.
  REQUIRE(at_half_k > 140 + (200 - 140) * 3 / 4);
  REQUIRE(w.cwnd >= 190);
  REQUIRE(w.cwnd <= 210);
  // Convex past it: probing grows faster again.
  const auto at_k = w.cwnd;
  for (int round = 0; round < 30; ++round) ack_round(cc, w, now, rtt);
  REQUIRE(w.cwnd > at_k + 10);
}

TEST_CASE("CUBIC's fast convergence lowers the remembered maximum after a loss below it", "[transport]") {
  Cubic cubic;
  Window w;
  w.cwnd = 100;
  (void)cubic.ssthresh_after_loss(w);
  REQUIRE(cubic.last_max_cwnd() == Approx(100));
  w.cwnd = 80;
  (void)cubic.ssthresh_after_loss(w);
  REQUIRE(cubic.last_max_cwnd() == Approx(80 * (1 + 717.0 / 1024) / 2));
}
