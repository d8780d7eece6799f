#pragma once
// Congestion controls behind one interface, as Linux's tcp_congestion_ops: the connection owns the
// window (cwnd and ssthresh in segments, as Linux counts them) and calls the control on each ACK
// that acknowledges new data, on a loss found by duplicate ACKs, on a retransmission timeout and
// when it starts sending after an idle period. Dispatch is a std::variant: no virtual call per ACK.
#include <cstdint>
#include <string_view>
#include <variant>

#include "models/transport/tcp_config.hpp"

namespace cnisim::transport {

inline constexpr std::uint32_t kInfiniteSsthresh = 0x7fffffff;  // TCP_INFINITE_SSTHRESH

struct Window {
  std::uint32_t cwnd = 10;
  std::uint32_t ssthresh = kInfiniteSsthresh;
  std::uint32_t cwnd_cnt = 0;  // ACKed segments counted towards the next increase in congestion avoidance
  bool in_slow_start() const { return cwnd < ssthresh; }
};

// Linux's tcp_slow_start: cwnd grows by the ACKed segments up to ssthresh; returns what is left over.
std::uint32_t slow_start(Window& w, std::uint32_t acked);
// Linux's tcp_cong_avoid_ai: one segment more per `per` ACKed segments.
void additive_increase(Window& w, std::uint32_t per, std::uint32_t acked);

// NewReno's window rules (RFC 5681/6582; Linux's tcp_reno_cong_avoid and tcp_reno_ssthresh).
class NewReno {
 public:
  static constexpr std::string_view kName = "newreno";
  void on_ack(Window& w, std::uint32_t acked, std::int64_t now_ps, std::int64_t min_rtt_ps);
  std::uint32_t ssthresh_after_loss(const Window& w);
  void on_timeout() {}
  void on_idle_restart(std::int64_t) {}
};

// CUBIC (RFC 9438 as net/ipv4/tcp_cubic.c runs it, without HyStart): the window follows
// W(t) = C (t - K)^3 + W_max from the last loss, never slower than Reno would grow ("TCP friendliness").
class Cubic {
 public:
  explicit Cubic(double beta = 717.0 / 1024.0, double c = 0.4) : beta_(beta), c_(c) {}
  static constexpr std::string_view kName = "cubic";
  void on_ack(Window& w, std::uint32_t acked, std::int64_t now_ps, std::int64_t min_rtt_ps);
  std::uint32_t ssthresh_after_loss(const Window& w);
  void on_timeout();  // Linux's bictcp_reset on entering the Loss state
  void on_idle_restart(std::int64_t idle_ps);  // CA_EVENT_TX_START: the epoch slides by the idle time
  double last_max_cwnd() const { return last_max_cwnd_; }

 private:
  double beta_, c_;
  double last_max_cwnd_ = 0;
  double origin_ = 0;
  double k_seconds_ = 0;
  std::int64_t epoch_start_ps_ = -1;  // -1: no epoch
  std::uint32_t ack_cnt_ = 0;
  double reno_cwnd_ = 0;  // the window Reno would have in this epoch
};

class CongestionControl {
 public:
  explicit CongestionControl(const TcpConfig& config);
  explicit CongestionControl(NewReno n) : impl_(n) {}
  explicit CongestionControl(Cubic c) : impl_(c) {}
  void on_ack(Window& w, std::uint32_t acked, std::int64_t now_ps, std::int64_t min_rtt_ps) {
    std::visit([&](auto& cc) { cc.on_ack(w, acked, now_ps, min_rtt_ps); }, impl_);
  }
  std::uint32_t ssthresh_after_loss(const Window& w) {
    return std::visit([&](auto& cc) { return cc.ssthresh_after_loss(w); }, impl_);
  }
  void on_timeout() { std::visit([](auto& cc) { cc.on_timeout(); }, impl_); }
  void on_idle_restart(std::int64_t idle_ps) { std::visit([&](auto& cc) { cc.on_idle_restart(idle_ps); }, impl_); }
  std::string_view name() const { return std::visit([](const auto& cc) { return cc.kName; }, impl_); }

 private:
  std::variant<NewReno, Cubic> impl_;
};

}  // namespace cnisim::transport
