#pragma once
// Two TCP endpoints joined by a duplex link, for tests of the transport alone: each direction has a
// rate (serialization at the sender), a propagation delay, a drop-tail queue of a given length, a
// random drop probability and an optional list of data transmissions to drop. The application's
// behaviour is a callback run after every event at an endpoint.
#include <cstdint>
#include <deque>
#include <functional>
#include <set>

#include "models/transport/tcp_connection.hpp"
#include "models/transport/timer_slot.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"

namespace cnisim::transport::testing {

struct PipeConfig {
  sim::DataRate rate = sim::gbps(10);
  sim::Time delay = sim::us(10);           // one way
  std::size_t queue_packets = 100000;      // drop-tail limit per direction
  double drop_probability = 0;             // each packet, both directions
  std::set<std::uint64_t> drop_data_a_to_b;  // 0-based indices of segments with payload sent by a
  std::uint64_t seed = 1;
};

// A lossless path of this rate and one-way delay.
inline PipeConfig path(sim::DataRate rate, sim::Time delay) {
  PipeConfig c;
  c.rate = rate;
  c.delay = delay;
  return c;
}

class TcpPipe {
 public:
  TcpPipe(sim::Simulator& sim, const TcpConfig& config, PipeConfig pipe, bool no_delay_a = false,
          bool no_delay_b = false)
      : sim_(sim), pipe_(std::move(pipe)), config_(config), ends_{End{TcpConnection(config_, 1000, no_delay_a)},
                                                                 End{TcpConnection(config_, 4000000000u, no_delay_b)}} {
    ends_[0].random = sim::RandomStream(pipe_.seed);
    ends_[1].random = sim::RandomStream(pipe_.seed + 1);
  }

  TcpConnection& a() { return ends_[0].tcp; }
  TcpConnection& b() { return ends_[1].tcp; }
  // Called after every arrival or timer at side 0 (a) or 1 (b), once the endpoint is done with it.
  std::function<void(int side)> on_event;

  // Send what the endpoint has queued and keep its timer; call after any application call.
  void pump(int side) {
    End& e = ends_[side];
    for (const Segment& s : e.tcp.outbox()) transmit(side, s);
    e.tcp.outbox().clear();
    e.timer.update(sim_, e.tcp.next_timer_ps(), [this, side] { timer_fired(side); });
  }

  std::uint64_t dropped(int side) const { return ends_[side].drops; }
  std::uint64_t packets(int side) const { return ends_[side].packets; }
  std::uint64_t wire_bytes_delivered(int to_side) const { return ends_[to_side].bytes_in; }
  std::size_t max_queue(int side) const { return ends_[side].max_queue; }

 private:
  struct End {
    TcpConnection tcp;
    TimerSlot timer{};
    sim::RandomStream random{1};
    std::int64_t busy_until = 0;
    std::deque<std::int64_t> departures{};  // of packets still queued or on the wire at the sender
    std::uint64_t data_sent = 0, drops = 0, packets = 0, bytes_in = 0;
    std::size_t max_queue = 0;
  };

  void transmit(int side, const Segment& s) {
    End& e = ends_[side];
    const std::int64_t now = sim_.now().ps();
    ++e.packets;
    if (s.len > 0) {
      const std::uint64_t index = e.data_sent++;
      if (side == 0 && pipe_.drop_data_a_to_b.count(index) != 0) {
        ++e.drops;
        return;
      }
    }
    if (pipe_.drop_probability > 0 && e.random.bernoulli(pipe_.drop_probability)) {
      ++e.drops;
      return;
    }
    while (!e.departures.empty() && e.departures.front() <= now) e.departures.pop_front();
    if (e.departures.size() >= pipe_.queue_packets) {
      ++e.drops;
      return;
    }
    const std::int64_t start = std::max(now, e.busy_until);
    e.busy_until = start + sim::serialization_time(s.wire_bytes(), pipe_.rate).ps();
    e.departures.push_back(e.busy_until);
    e.max_queue = std::max(e.max_queue, e.departures.size());
    const int other = 1 - side;
    sim_.schedule_at(sim::Time::from_ps(e.busy_until + pipe_.delay.ps()), [this, other, s] { arrive(other, s); });
  }

  void arrive(int side, const Segment& s) {
    End& e = ends_[side];
    e.bytes_in += s.wire_bytes();
    e.tcp.receive(sim_.now().ps(), s);
    if (on_event) on_event(side);
    pump(side);
  }

  void timer_fired(int side) {
    End& e = ends_[side];
    e.timer.fired();
    e.tcp.on_timer(sim_.now().ps());
    if (on_event) on_event(side);
    pump(side);
  }

  sim::Simulator& sim_;
  PipeConfig pipe_;
  TcpConfig config_;  // the connections point at it
  End ends_[2];
};

}  // namespace cnisim::transport::testing
