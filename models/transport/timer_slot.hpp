#pragma once
// One engine event for a connection's timer (Linux multiplexes its TCP timers the same way): the
// event is moved only when the connection's deadline comes earlier than the pending event; an event
// that fires before the deadline (the deadline moved later) just re-arms. So a connection never has
// more than one pending event, and most deadline changes (each ACK pushes the RTO later) cost none.
#include <cstdint>
#include <utility>

#include "models/transport/tcp_connection.hpp"
#include "sim/simulator.hpp"

namespace cnisim::transport {

class TimerSlot {
 public:
  // Makes sure an event runs `fire` no later than `deadline_ps` (TcpConnection::kNoTimer: none needed;
  // a pending event is left to fire and find nothing to do).
  template <class F>
  void update(sim::Simulator& sim, std::int64_t deadline_ps, F&& fire) {
    if (deadline_ps == TcpConnection::kNoTimer) return;
    if (pending_ && scheduled_ps_ <= deadline_ps) return;
    if (pending_) sim.cancel(id_);
    pending_ = true;
    scheduled_ps_ = deadline_ps;
    id_ = sim.schedule_at(sim::Time::from_ps(deadline_ps), std::forward<F>(fire));
  }
  // The event ran: call first thing in `fire`.
  void fired() { pending_ = false; }
  void cancel(sim::Simulator& sim) {
    if (pending_) sim.cancel(id_);
    pending_ = false;
  }
  bool pending() const { return pending_; }

 private:
  sim::EventId id_{};
  std::int64_t scheduled_ps_ = 0;
  bool pending_ = false;
};

}  // namespace cnisim::transport
