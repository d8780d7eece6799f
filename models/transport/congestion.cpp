#include "models/transport/congestion.hpp"

#include <algorithm>
#include <cmath>

namespace cnisim::transport {

std::uint32_t slow_start(Window& w, std::uint32_t acked) {
  const std::uint32_t cwnd = std::min(w.cwnd + acked, w.ssthresh);
  acked -= cwnd - w.cwnd;
  w.cwnd = cwnd;
  return acked;
}

void additive_increase(Window& w, std::uint32_t per, std::uint32_t acked) {
  per = std::max<std::uint32_t>(per, 1);
  if (w.cwnd_cnt >= per) {
    w.cwnd_cnt = 0;
    ++w.cwnd;
  }
  w.cwnd_cnt += acked;
  if (w.cwnd_cnt >= per) {
    const std::uint32_t delta = w.cwnd_cnt / per;
    w.cwnd_cnt -= delta * per;
    w.cwnd += delta;
  }
}

void NewReno::on_ack(Window& w, std::uint32_t acked, std::int64_t, std::int64_t) {
  if (w.in_slow_start()) {
    acked = slow_start(w, acked);
    if (acked == 0) return;
  }
  additive_increase(w, w.cwnd, acked);
}

std::uint32_t NewReno::ssthresh_after_loss(const Window& w) { return std::max<std::uint32_t>(w.cwnd >> 1, 2); }

void Cubic::on_ack(Window& w, std::uint32_t acked, std::int64_t now_ps, std::int64_t min_rtt_ps) {
  if (w.in_slow_start()) {
    acked = slow_start(w, acked);
    if (acked == 0) return;
  }
  const double cwnd = w.cwnd;
  if (epoch_start_ps_ < 0) {
    epoch_start_ps_ = now_ps;
    ack_cnt_ = acked;
    reno_cwnd_ = cwnd;
    if (last_max_cwnd_ <= cwnd) {
      k_seconds_ = 0;
      origin_ = cwnd;
    } else {
      k_seconds_ = std::cbrt((last_max_cwnd_ - cwnd) / c_);
      origin_ = last_max_cwnd_;
    }
  } else {
    ack_cnt_ += acked;
  }
  // Linux looks one minimum RTT ahead: the window it aims for is where the curve is when this ACK's
  // data is acknowledged.
  const double t = static_cast<double>(now_ps - epoch_start_ps_ + std::max<std::int64_t>(min_rtt_ps, 0)) * 1e-12;
  const double offset = t - k_seconds_;
  const double target = origin_ + c_ * offset * offset * offset;
  double cnt = target > cwnd ? cwnd / (target - cwnd) : 100.0 * cwnd;
  if (last_max_cwnd_ == 0 && cnt > 20) cnt = 20;  // no loss yet: at least 5% growth per RTT
  // TCP friendliness: Reno with CUBIC's beta grows by 3(1-beta)/(1+beta) segments per RTT.
  const double reno_per = cwnd * (1.0 + beta_) / (3.0 * (1.0 - beta_));
  while (ack_cnt_ > reno_per) {
    ack_cnt_ -= static_cast<std::uint32_t>(reno_per);
    reno_cwnd_ += 1;
  }
  if (reno_cwnd_ > cwnd) cnt = std::min(cnt, cwnd / (reno_cwnd_ - cwnd));
  cnt = std::max(cnt, 2.0);
  additive_increase(w, static_cast<std::uint32_t>(cnt), acked);
}

std::uint32_t Cubic::ssthresh_after_loss(const Window& w) {
  epoch_start_ps_ = -1;
  const double cwnd = w.cwnd;
  // Fast convergence: a flow that lost before reaching its last maximum releases bandwidth.
  last_max_cwnd_ = cwnd < last_max_cwnd_ ? cwnd * (1.0 + beta_) / 2.0 : cwnd;
  return std::max<std::uint32_t>(static_cast<std::uint32_t>(cwnd * beta_), 2);
}

void Cubic::on_timeout() {
  last_max_cwnd_ = 0;
  origin_ = 0;
  k_seconds_ = 0;
  epoch_start_ps_ = -1;
  ack_cnt_ = 0;
  reno_cwnd_ = 0;
}

void Cubic::on_idle_restart(std::int64_t idle_ps) {
  if (epoch_start_ps_ >= 0 && idle_ps > 0) epoch_start_ps_ += idle_ps;
}

CongestionControl::CongestionControl(const TcpConfig& config)
    : impl_(config.congestion == CongestionKind::NewReno ? std::variant<NewReno, Cubic>(NewReno{})
                                                         : std::variant<NewReno, Cubic>(Cubic{config.cubic_beta, config.cubic_c})) {}

}  // namespace cnisim::transport
