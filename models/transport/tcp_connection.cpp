#include "models/transport/tcp_connection.hpp"

#include <algorithm>

#include "sim/check.hpp"

namespace cnisim::transport {

std::string_view to_string(TcpState state) {
  switch (state) {
    case TcpState::Closed: return "CLOSED";
    case TcpState::Listen: return "LISTEN";
    case TcpState::SynSent: return "SYN-SENT";
    case TcpState::SynReceived: return "SYN-RECV";
    case TcpState::Established: return "ESTAB";
    case TcpState::FinWait1: return "FIN-WAIT-1";
    case TcpState::FinWait2: return "FIN-WAIT-2";
    case TcpState::CloseWait: return "CLOSE-WAIT";
    case TcpState::Closing: return "CLOSING";
    case TcpState::LastAck: return "LAST-ACK";
    case TcpState::TimeWait: return "TIME-WAIT";
  }
  return "?";
}

TcpConnection::TcpConnection(const TcpConfig& config, std::uint32_t initial_sequence, bool no_delay)
    : config_(&config),
      cc_(config),
      no_delay_(no_delay),
      iss_(initial_sequence),
      snd_una_(initial_sequence),
      snd_nxt_(initial_sequence),
      snd_max_(initial_sequence),
      snd_sml_(initial_sequence),
      recover_(initial_sequence),
      rto_ps_(config.rto_initial_ps) {
  window_.cwnd = config.initial_cwnd;
}

std::uint32_t TcpConnection::stream_end() const { return data_end() + (close_requested_ ? 1 : 0); }

std::uint32_t TcpConnection::receive_window() const { return config_->receive_window; }

std::uint64_t TcpConnection::acknowledged() const { return acked_; }

std::uint64_t TcpConnection::unsent() const {
  const std::uint32_t end = data_end();
  const std::uint32_t sent = seq_before(snd_max_, iss_ + 1) ? iss_ + 1 : snd_max_;
  return seq_before(sent, end) ? end - sent : 0;
}

std::int64_t TcpConnection::next_timer_ps() const {
  return std::min({rto_deadline_ps_, delack_deadline_ps_, time_wait_deadline_ps_});
}

void TcpConnection::connect(std::int64_t now_ps) {
  CNISIM_CHECK(state_ == TcpState::Closed);
  state_ = TcpState::SynSent;
  send_segment(now_ps, iss_, 0, kSyn, false);
  snd_nxt_ = iss_ + 1;
}

void TcpConnection::listen() {
  CNISIM_CHECK(state_ == TcpState::Closed);
  state_ = TcpState::Listen;
}

void TcpConnection::write(std::int64_t now_ps, std::uint64_t bytes) {
  CNISIM_CHECK(!close_requested_);
  // Linux's tcp_slow_start_after_idle_check: a connection idle for more than an RTO restarts from
  // (at most) its initial window, halving cwnd once per RTO of idleness (tcp_cwnd_restart).
  if (config_->slow_start_after_idle && rtx_.empty() && last_send_ps_ >= 0 && established() &&
      now_ps - last_send_ps_ > rto_ps_) {
    std::int64_t idle = now_ps - last_send_ps_;
    const std::uint32_t restart = std::min(config_->initial_cwnd, window_.cwnd);
    // tcp_current_ssthresh: remember three quarters of the window as the slow-start threshold.
    window_.ssthresh = std::max(window_.ssthresh, (window_.cwnd >> 1) + (window_.cwnd >> 2));
    std::uint32_t cwnd = window_.cwnd;
    while ((idle -= rto_ps_) > 0 && cwnd > restart) cwnd >>= 1;
    window_.cwnd = std::max(cwnd, restart);
    window_.cwnd_cnt = 0;
  }
  written_ += bytes;
  if (established()) output(now_ps);
}

void TcpConnection::close(std::int64_t now_ps) {
  if (close_requested_) return;
  close_requested_ = true;
  if (state_ == TcpState::Established) state_ = TcpState::FinWait1;
  else if (state_ == TcpState::CloseWait) state_ = TcpState::LastAck;
  if (state_ == TcpState::FinWait1 || state_ == TcpState::LastAck) output(now_ps);
}

void TcpConnection::count_sent(const Segment& s, bool handshake) {
  ++counters_.segments_sent;
  if (s.has(kSyn) || handshake) {
    ++counters_.handshake_segments;
  } else if (s.len > 0) {
    ++counters_.data_segments;
  } else if (s.has(kFin)) {
    ++counters_.fin_segments;
  } else {
    ++counters_.pure_acks;
  }
  if (s.retransmission) {
    ++counters_.retransmissions;
  } else {
    counters_.payload_bytes_sent += s.len;
  }
}

void TcpConnection::send_segment(std::int64_t now_ps, std::uint32_t seq, std::uint32_t len, std::uint8_t flags,
                                 bool retransmission, bool handshake) {
  Segment s;
  s.seq = seq;
  s.len = len;
  s.flags = flags;
  s.retransmission = retransmission;
  s.window = receive_window();
  if ((flags & kAck) != 0) {
    s.ack = rcv_nxt_;
    ack_sent(rcv_nxt_ != rcv_wup_);
  }
  count_sent(s, handshake);
  const std::uint32_t seq_len = s.seq_len();
  if (seq_len > 0) {
    if (len > 0) {
      // CA_EVENT_TX_START: sending from an empty flight after idling.
      if (rtx_.empty() && last_send_ps_ >= 0) cc_.on_idle_restart(now_ps - last_send_ps_);
      last_send_ps_ = now_ps;
      if (len < config_->mss()) snd_sml_ = seq + len;  // tcp_minshall_update
      // tcp_event_data_sent: answering within ato of the last data received means ping-pong traffic.
      if (ato_ps_ > 0 && now_ps - last_receive_ps_ < ato_ps_ && pingpong_ < 255) ++pingpong_;
    }
    const std::uint32_t mss = config_->mss();
    rtx_.push_back(Sent{seq, len, static_cast<std::uint8_t>(flags & (kSyn | kFin)), now_ps, retransmission,
                        std::max<std::uint32_t>(1, (len + mss - 1) / mss)});
    if (seq_after(seq + seq_len, snd_max_)) snd_max_ = seq + seq_len;
    if (rto_deadline_ps_ == kNoTimer) arm_rto(now_ps);
  }
  outbox_.push_back(s);
}

void TcpConnection::send_ack(std::int64_t now_ps) { send_segment(now_ps, snd_nxt_, 0, kAck, false); }

void TcpConnection::ack_sent(bool acks_new_data) {
  // tcp_event_ack_sent / tcp_dec_quickack_mode.
  if (acks_new_data && quick_ > 0) {
    if (--quick_ == 0) ato_ps_ = config_->ato_min_ps;
  }
  ack_pending_ = false;
  ack_now_ = false;
  delack_deadline_ps_ = kNoTimer;
  rcv_wup_ = rcv_nxt_;
}

void TcpConnection::arm_rto(std::int64_t now_ps) { rto_deadline_ps_ = now_ps + rto_ps_; }

bool TcpConnection::cwnd_limited() const {
  if (is_cwnd_limited_) return true;
  return window_.in_slow_start() && window_.cwnd < 2 * max_packets_out_;
}

void TcpConnection::output(std::int64_t now_ps) {
  const bool can_send_data = state_ == TcpState::Established || state_ == TcpState::CloseWait ||
                             state_ == TcpState::FinWait1 || state_ == TcpState::LastAck;
  if (!can_send_data) return;
  const std::uint32_t mss = config_->mss();
  const std::uint32_t end = data_end();
  while (true) {
    const bool retransmitting = seq_before(snd_nxt_, snd_max_);
    if (seq_before(snd_nxt_, end)) {
      if (packets_out() >= window_.cwnd) break;
      // One MSS, or with GSO as many as the window's quota and the GSO size allow (tcp_tso_segs).
      const std::uint32_t quota = std::min(config_->max_segment_payload(), (window_.cwnd - packets_out()) * mss);
      const std::uint32_t len = std::min(quota, end - snd_nxt_);
      if (!rtx_.empty() && seq_after(snd_nxt_ + len, snd_una_ + snd_wnd_)) break;  // the peer's window
      const bool last = snd_nxt_ + len == end;
      const bool with_fin = last && close_requested_;
      // Nagle with Minshall's rule (tcp_nagle_check): a partial segment waits while a small one sent
      // earlier is unacknowledged. Retransmissions and FIN segments do not wait.
      if (!retransmitting && !no_delay_ && len < mss && !with_fin && !rtx_.empty() &&
          seq_after(snd_sml_, snd_una_) && !seq_after(snd_sml_, snd_nxt_))
        break;
      std::uint8_t flags = kAck;
      if (last) flags |= kPsh;
      if (with_fin) flags |= kFin;
      send_segment(now_ps, snd_nxt_, len, flags, retransmitting);
      snd_nxt_ += len + (with_fin ? 1 : 0);
      continue;
    }
    if (close_requested_ && snd_nxt_ == end) {
      // The FIN alone; Linux lets it past a full congestion window (tcp_cwnd_test).
      send_segment(now_ps, snd_nxt_, 0, kAck | kFin, retransmitting);
      snd_nxt_ += 1;
    }
    break;
  }
  // Written data left unsent waits for an ACK.
  if (seq_before(snd_nxt_, end)) {
    if (held_since_ps_ < 0) held_since_ps_ = now_ps;
  } else if (held_since_ps_ >= 0) {
    held_ps_ += now_ps - held_since_ps_;
    held_since_ps_ = -1;
  }
  // tcp_cwnd_validate: remember how much of the window this flight used.
  const bool blocked = packets_out() >= window_.cwnd;
  if (!seq_before(snd_una_, cwnd_usage_seq_) || blocked || packets_out() > max_packets_out_) {
    max_packets_out_ = packets_out();
    cwnd_usage_seq_ = snd_nxt_;
    is_cwnd_limited_ = blocked;
  }
}

void TcpConnection::rtt_sample(std::int64_t rtt_ps) {
  // RFC 6298 section 2, with Linux's floor on the variance term (tcp_set_rto: rttvar >= tcp_rto_min).
  if (srtt_ps_ == 0) {
    srtt_ps_ = rtt_ps;
    rttvar_ps_ = rtt_ps / 2;
    min_rtt_ps_ = rtt_ps;
  } else {
    const std::int64_t err = srtt_ps_ > rtt_ps ? srtt_ps_ - rtt_ps : rtt_ps - srtt_ps_;
    rttvar_ps_ = (3 * rttvar_ps_ + err) / 4;
    srtt_ps_ = (7 * srtt_ps_ + rtt_ps) / 8;
    min_rtt_ps_ = std::min(min_rtt_ps_, rtt_ps);
  }
  rto_ps_ = std::min(srtt_ps_ + std::max(4 * rttvar_ps_, config_->rto_min_ps), config_->rto_max_ps);
  backoff_ = 0;  // RFC 6298: the backoff ends with a valid measurement
}

void TcpConnection::retransmit_head(std::int64_t now_ps) {
  CNISIM_CHECK(!rtx_.empty());
  Sent& head = rtx_.front();
  head.sent_ps = now_ps;
  head.retransmitted = true;
  Segment s;
  s.seq = head.seq;
  s.len = head.len;
  s.flags = static_cast<std::uint8_t>(head.flags | ((head.flags & kSyn) != 0 && state_ == TcpState::SynSent ? 0 : kAck));
  s.window = receive_window();
  s.retransmission = true;
  if ((s.flags & kAck) != 0) {
    s.ack = rcv_nxt_;
    ack_sent(rcv_nxt_ != rcv_wup_);
  }
  count_sent(s, false);
  outbox_.push_back(s);
}

void TcpConnection::process_ack(std::int64_t now_ps, const Segment& s) {
  const std::uint32_t prior_wnd = snd_wnd_;
  snd_wnd_ = s.window;
  if (seq_after(s.ack, snd_max_)) return;  // acknowledges what was never sent
  if (seq_after(s.ack, snd_una_)) {
    std::uint32_t acked_packets = 0;
    bool retransmitted = false;
    std::int64_t oldest_sent = -1;
    while (!rtx_.empty()) {
      Sent& head = rtx_.front();
      const std::uint32_t head_end = head.seq + head.len + ((head.flags & (kSyn | kFin)) != 0 ? 1 : 0);
      if (seq_after(head_end, s.ack)) {
        if (seq_after(s.ack, head.seq) && head.len > 0) {  // part of it (boundaries moved by a go-back)
          const std::uint32_t part = s.ack - head.seq;
          head.len -= part;
          head.seq = s.ack;
          const std::uint32_t mss = config_->mss();
          const std::uint32_t left = std::max<std::uint32_t>(1, (head.len + mss - 1) / mss);
          acked_packets += head.pcount - left;
          rtx_.trim_front(left);
        }
        break;
      }
      acked_packets += head.pcount;
      retransmitted = retransmitted || head.retransmitted;
      if (oldest_sent < 0) oldest_sent = head.sent_ps;
      rtx_.pop_front();
    }
    // Payload acknowledged: everything between the old and the new snd_una except SYN and FIN.
    const std::uint32_t first_data = iss_ + 1;
    const std::uint32_t from = seq_before(snd_una_, first_data) ? first_data : snd_una_;
    const std::uint32_t to = seq_after(s.ack, data_end()) ? data_end() : s.ack;
    if (seq_after(to, from)) acked_ += to - from;
    snd_una_ = s.ack;
    if (seq_before(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
    // Karn's rule: no sample from a retransmitted segment.
    if (!retransmitted && oldest_sent >= 0) rtt_sample(now_ps - oldest_sent);
    if (in_recovery_) {
      if (!seq_before(s.ack, recover_)) {  // full ACK: recovery is over (RFC 6582)
        in_recovery_ = false;
        window_.cwnd = std::max<std::uint32_t>(window_.ssthresh, 1);
        dupacks_ = 0;
      } else {  // partial ACK: the next hole is lost too
        window_.cwnd = std::max<std::int64_t>(static_cast<std::int64_t>(window_.cwnd) - acked_packets + 1, 1);
        if (!rtx_.empty()) retransmit_head(now_ps);
      }
    } else {
      dupacks_ = 0;
      if (cwnd_limited()) cc_.on_ack(window_, acked_packets, now_ps, min_rtt_ps_);
    }
    if (rtx_.empty()) rto_deadline_ps_ = kNoTimer;
    else arm_rto(now_ps);  // RFC 6298 (5.3)
    if (close_requested_ && !seq_before(snd_una_, stream_end())) our_fin_acked(now_ps);
    return;
  }
  // A duplicate ACK: nothing new acknowledged, no payload, same window, and data outstanding.
  if (s.ack == snd_una_ && s.len == 0 && !s.has(kFin) && !s.has(kSyn) && s.window == prior_wnd && !rtx_.empty()) {
    ++dupacks_;
    if (!in_recovery_ && dupacks_ == config_->dupack_threshold && seq_after(snd_una_, recover_ - 1)) {
      ++counters_.fast_retransmits;
      window_.ssthresh = cc_.ssthresh_after_loss(window_);
      window_.cwnd = window_.ssthresh + config_->dupack_threshold;
      window_.cwnd_cnt = 0;
      recover_ = snd_max_;
      in_recovery_ = true;
      retransmit_head(now_ps);
    } else if (in_recovery_) {
      ++window_.cwnd;  // each duplicate ACK is a segment that left the network
    }
  }
}

void TcpConnection::incr_quickack(std::uint32_t max_quickacks) {
  std::uint32_t quickacks = receive_window() / (2 * config_->mss());
  if (quickacks == 0) quickacks = 2;
  quickacks = std::min(quickacks, max_quickacks);
  if (quickacks > quick_) quick_ = quickacks;
}

void TcpConnection::enter_quickack_mode() {
  incr_quickack(config_->max_quickacks);
  pingpong_ = 0;
  ato_ps_ = config_->ato_min_ps;
}

void TcpConnection::data_received_timing(std::int64_t now_ps) {
  // tcp_event_data_recv: the ACK timeout follows the gaps between arrivals.
  if (ato_ps_ == 0) {
    incr_quickack(config_->max_quickacks);
    ato_ps_ = config_->ato_min_ps;
  } else {
    const std::int64_t m = now_ps - last_receive_ps_;
    if (m <= config_->ato_min_ps / 2) {
      ato_ps_ = ato_ps_ / 2 + config_->ato_min_ps / 2;
    } else if (m < ato_ps_) {
      ato_ps_ = std::min(ato_ps_ / 2 + m, rto_ps_);
    } else if (m > rto_ps_) {
      incr_quickack(config_->max_quickacks);
    }
  }
  last_receive_ps_ = now_ps;
}

void TcpConnection::consume_peer_fin(std::int64_t now_ps) {
  rcv_nxt_ += 1;
  fin_received_ = true;
  switch (state_) {
    case TcpState::SynReceived:
    case TcpState::Established:
      state_ = TcpState::CloseWait;
      pingpong_ = std::max(pingpong_, config_->pingpong_threshold);  // tcp_fin: expect the close soon
      ack_pending_ = true;
      break;
    case TcpState::FinWait1:
      state_ = TcpState::Closing;
      ack_pending_ = ack_now_ = true;
      break;
    case TcpState::FinWait2:
      ack_pending_ = ack_now_ = true;
      enter_time_wait(now_ps);
      break;
    default:
      break;
  }
}

void TcpConnection::our_fin_acked(std::int64_t now_ps) {
  switch (state_) {
    case TcpState::FinWait1: state_ = TcpState::FinWait2; break;
    case TcpState::Closing: enter_time_wait(now_ps); break;
    case TcpState::LastAck:
      state_ = TcpState::Closed;
      rto_deadline_ps_ = delack_deadline_ps_ = kNoTimer;
      break;
    default: break;
  }
}

void TcpConnection::enter_time_wait(std::int64_t now_ps) {
  state_ = TcpState::TimeWait;
  rto_deadline_ps_ = kNoTimer;
  time_wait_deadline_ps_ = now_ps + config_->time_wait_ps;
}

void TcpConnection::process_data(std::int64_t now_ps, const Segment& s) {
  std::uint32_t seq = s.seq + (s.has(kSyn) ? 1 : 0);
  const std::uint32_t end = seq + s.len;
  if (s.has(kFin)) {
    peer_fin_known_ = true;
    peer_fin_seq_ = end;
  }
  const bool accepts_data = state_ == TcpState::Established || state_ == TcpState::FinWait1 ||
                            state_ == TcpState::FinWait2 || state_ == TcpState::SynReceived;
  if (!seq_after(end + (s.has(kFin) ? 1 : 0), rcv_nxt_)) {
    // Wholly old: our ACK was lost or the peer retransmitted early. tcp_send_dupack.
    ++counters_.duplicate_segments;
    if (state_ == TcpState::TimeWait) time_wait_deadline_ps_ = now_ps + config_->time_wait_ps;
    else enter_quickack_mode();
    ack_pending_ = ack_now_ = true;
    return;
  }
  if (!accepts_data) return;
  if (seq_after(seq, rcv_nxt_)) {
    // Out of order: kept, and ACKed at once (a duplicate ACK for the sender).
    ++counters_.out_of_order_segments;
    if (s.len > 0) {
      out_of_order_.push_back(Range{seq, end});
      std::sort(out_of_order_.begin(), out_of_order_.end(),
                [&](const Range& a, const Range& b) { return a.begin - rcv_nxt_ < b.begin - rcv_nxt_; });
    }
    ack_pending_ = ack_now_ = true;
    return;
  }
  const bool had_holes = !out_of_order_.empty();
  if (seq_after(end, rcv_nxt_)) {
    delivered_ += end - rcv_nxt_;
    rcv_nxt_ = end;
  }
  if (s.len > 0) data_received_timing(now_ps);
  // Whatever was waiting behind the hole follows.
  bool merged = true;
  while (merged) {
    merged = false;
    for (std::size_t i = 0; i < out_of_order_.size(); ++i) {
      const Range r = out_of_order_[i];
      if (seq_after(r.begin, rcv_nxt_)) continue;
      if (seq_after(r.end, rcv_nxt_)) {
        delivered_ += r.end - rcv_nxt_;
        rcv_nxt_ = r.end;
      }
      out_of_order_.erase(out_of_order_.begin() + static_cast<std::ptrdiff_t>(i));
      merged = true;
      break;
    }
  }
  if (s.len > 0) ack_pending_ = true;
  if (had_holes && out_of_order_.empty()) ack_now_ = true;  // RFC 5681 4.2: a filled gap is ACKed at once
  if (peer_fin_known_ && rcv_nxt_ == peer_fin_seq_ && !fin_received_) consume_peer_fin(now_ps);
  // __tcp_ack_snd_check: more than one full segment unacknowledged, or quick-ACK mode.
  if (ack_pending_ && (rcv_nxt_ - rcv_wup_ > config_->mss() || (quick_ > 0 && !in_pingpong()) || !out_of_order_.empty()))
    ack_now_ = true;
}

void TcpConnection::schedule_delayed_ack(std::int64_t now_ps) {
  // tcp_send_delayed_ack.
  std::int64_t ato = ato_ps_;
  if (ato > config_->ato_min_ps) {
    std::int64_t max_ato = in_pingpong() ? config_->delack_max_ps : 500 * TcpConfig::kMs;  // HZ/2
    if (srtt_ps_ > 0) max_ato = std::min(max_ato, std::max(srtt_ps_, config_->ato_min_ps));
    ato = std::min(ato, max_ato);
  }
  const std::int64_t timeout = now_ps + ato;
  if (delack_deadline_ps_ != kNoTimer) {
    if (delack_deadline_ps_ <= now_ps + ato / 4) {
      send_ack(now_ps);
      return;
    }
    delack_deadline_ps_ = std::min(delack_deadline_ps_, timeout);
    return;
  }
  delack_deadline_ps_ = timeout;
}

void TcpConnection::finish_receive(std::int64_t now_ps) {
  output(now_ps);  // data goes first and carries the ACK (tcp_data_snd_check before tcp_ack_snd_check)
  if (!ack_pending_) return;
  if (ack_now_) {
    send_ack(now_ps);
  } else {
    schedule_delayed_ack(now_ps);
  }
}

void TcpConnection::receive(std::int64_t now_ps, const Segment& s) {
  ++counters_.segments_received;
  if (s.has(kRst)) {
    state_ = TcpState::Closed;
    rto_deadline_ps_ = delack_deadline_ps_ = time_wait_deadline_ps_ = kNoTimer;
    return;
  }
  switch (state_) {
    case TcpState::Closed:
      return;
    case TcpState::Listen:
      if (!s.has(kSyn) || s.has(kAck)) return;
      irs_ = s.seq;
      rcv_nxt_ = rcv_wup_ = s.seq + 1;
      snd_wnd_ = s.window;
      state_ = TcpState::SynReceived;
      send_segment(now_ps, iss_, 0, kSyn | kAck, false);
      snd_nxt_ = iss_ + 1;
      return;
    case TcpState::SynSent:
      if (!s.has(kSyn) || !s.has(kAck) || s.ack != iss_ + 1) return;
      irs_ = s.seq;
      rcv_nxt_ = rcv_wup_ = s.seq + 1;
      process_ack(now_ps, s);
      state_ = TcpState::Established;
      established_ps_ = now_ps;
      window_.cwnd = config_->initial_cwnd;  // tcp_init_transfer
      if (close_requested_) state_ = TcpState::FinWait1;
      // The handshake's last ACK goes out at once, as tcp_rcv_synsent_state_process sends it when no
      // writer is blocked on the connecting socket (a client connects, then writes); then any data.
      send_segment(now_ps, snd_nxt_, 0, kAck, false, /*handshake=*/true);
      output(now_ps);
      return;
    case TcpState::SynReceived:
      if (s.has(kSyn) && !s.has(kAck)) {  // the SYN again: our SYN-ACK was lost
        if (!rtx_.empty()) retransmit_head(now_ps);
        return;
      }
      if (!s.has(kAck) || s.ack != iss_ + 1) return;
      process_ack(now_ps, s);
      state_ = TcpState::Established;
      established_ps_ = now_ps;
      if (close_requested_) state_ = TcpState::FinWait1;
      break;
    default:
      if (s.has(kSyn)) {  // a SYN-ACK again: the handshake's last ACK was lost
        ack_pending_ = ack_now_ = true;
        finish_receive(now_ps);
        return;
      }
      if (s.has(kAck)) process_ack(now_ps, s);
      if (state_ == TcpState::Closed) return;
      break;
  }
  if (s.len > 0 || s.has(kFin)) process_data(now_ps, s);
  finish_receive(now_ps);
}

void TcpConnection::on_rto(std::int64_t now_ps) {
  rto_deadline_ps_ = kNoTimer;
  if (rtx_.empty()) return;
  ++counters_.timeouts;
  const bool handshake = state_ == TcpState::SynSent || state_ == TcpState::SynReceived;
  if (backoff_ >= (handshake ? config_->syn_retries : config_->retries)) {
    // Give up (ETIMEDOUT): the connection is gone.
    failed_ = true;
    state_ = TcpState::Closed;
    delack_deadline_ps_ = time_wait_deadline_ps_ = kNoTimer;
    return;
  }
  if (handshake) {
    retransmit_head(now_ps);
  } else {
    // tcp_enter_loss: the threshold is lowered once per loss episode, not on each backed-off retry.
    if (backoff_ == 0) {
      window_.ssthresh = cc_.ssthresh_after_loss(window_);
      cc_.on_timeout();
    }
    window_.cwnd = 1;
    window_.cwnd_cnt = 0;
    in_recovery_ = false;
    dupacks_ = 0;
    recover_ = snd_max_;
    // Go back to the first unacknowledged byte and send again in slow start.
    rtx_.clear();
    snd_nxt_ = snd_una_;
    if (state_ == TcpState::Established || state_ == TcpState::CloseWait || state_ == TcpState::FinWait1 ||
        state_ == TcpState::LastAck || state_ == TcpState::Closing) {
      const TcpState keep = state_;
      if (state_ == TcpState::Closing) state_ = TcpState::FinWait1;  // output() sends from these
      output(now_ps);
      state_ = keep;
    }
  }
  ++backoff_;
  rto_ps_ = std::min(rto_ps_ * 2, config_->rto_max_ps);
  arm_rto(now_ps);
}

void TcpConnection::on_timer(std::int64_t now_ps) {
  if (time_wait_deadline_ps_ <= now_ps) {
    state_ = TcpState::Closed;
    rto_deadline_ps_ = delack_deadline_ps_ = time_wait_deadline_ps_ = kNoTimer;
    return;
  }
  if (rto_deadline_ps_ <= now_ps) on_rto(now_ps);
  if (delack_deadline_ps_ <= now_ps) {
    delack_deadline_ps_ = kNoTimer;
    if (ack_pending_) {
      // tcp_delack_timer_handler: a missed delayed ACK inflates ato, or ends ping-pong mode.
      if (!in_pingpong()) {
        ato_ps_ = std::min(ato_ps_ * 2, rto_ps_);
      } else {
        pingpong_ = 0;
        ato_ps_ = config_->ato_min_ps;
      }
      ++counters_.delayed_acks;
      send_ack(now_ps);
    }
  }
}

}  // namespace cnisim::transport
