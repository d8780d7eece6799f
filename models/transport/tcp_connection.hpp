#pragma once
// One TCP endpoint as Linux runs it, without I/O: the caller hands it the application's calls
// (connect, listen, write, close), the segments that arrive and the firing of its timer, and takes
// from outbox() the segments to put on the wire. It keeps no payload bytes, only sequence numbers:
// the application learns what arrived from delivered(), a byte count of the in-order stream.
//
// What it does, each as Linux's net/ipv4/tcp_*.c does it:
// - the three-way handshake (its last ACK a segment of its own, then the data), FIN close and
//   TIME_WAIT on the side that closes first;
// - segmentation to the MSS, Nagle with Minshall's rule (a small segment waits while an earlier
//   small one is unacknowledged) unless no_delay, the FIN bypassing Nagle;
// - cumulative ACKs; delayed ACKs: every second full segment is ACKed at once, quick ACKs at the
//   start of a connection, ping-pong mode after this side answers within the ACK timeout (ato), the
//   delayed-ACK timer at ato (40 ms) and its adaptation, ACKs piggybacked on data;
// - windows: the peer's receive window and the congestion window in segments, with slow start from
//   the initial window, congestion avoidance by the CongestionControl, restart after idle;
// - losses: fast retransmit after three duplicate ACKs with NewReno's fast recovery (partial ACKs
//   retransmit the next hole), the retransmission timer by RFC 6298's estimator with Linux's floor
//   and exponential backoff, going back to the first unacknowledged segment in slow start.
// Not modelled: SACK, RACK and tail-loss probes, PRR, receive-buffer autotuning, TSO/GSO, window
// scaling limits, keepalives, urgent data, simultaneous open. docs/transport.md says what that changes.
//
// At most one timer is pending at a time: next_timer_ps() is the earliest of the retransmission,
// delayed-ACK and TIME_WAIT deadlines; the caller calls on_timer() when it passes (a late or early
// call is harmless).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "models/transport/congestion.hpp"
#include "models/transport/tcp_config.hpp"

namespace cnisim::transport {

enum TcpFlag : std::uint8_t { kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10 };

// Sequence-number arithmetic modulo 2^32 (RFC 793's "before"/"after").
constexpr bool seq_before(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
constexpr bool seq_after(std::uint32_t a, std::uint32_t b) { return seq_before(b, a); }

struct Segment {
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t len = 0;     // payload bytes
  std::uint32_t window = 0;  // receive window advertised, bytes
  std::uint8_t flags = 0;
  bool retransmission = false;  // not on the wire: for counters
  // Bytes of the IPv4 packet that carries it.
  std::uint32_t wire_bytes() const { return TcpConfig::kIpHeader + TcpConfig::kTcpHeader + len; }
  bool has(std::uint8_t f) const { return (flags & f) != 0; }
  // SYN and FIN take a sequence number each.
  std::uint32_t seq_len() const { return len + (has(kSyn) ? 1 : 0) + (has(kFin) ? 1 : 0); }
};

enum class TcpState : std::uint8_t {
  Closed, Listen, SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait
};
std::string_view to_string(TcpState state);  // "SYN_SENT", "ESTABLISHED", ... as ss(8) prints them

struct TcpCounters {
  std::uint64_t segments_sent = 0;
  std::uint64_t handshake_segments = 0;  // SYN, SYN-ACK and the ACK that completes the handshake
  std::uint64_t data_segments = 0;       // segments carrying payload
  std::uint64_t pure_acks = 0;           // ACKs without payload, SYN or FIN
  std::uint64_t fin_segments = 0;        // FINs without payload
  std::uint64_t retransmissions = 0;     // segments sent again
  std::uint64_t fast_retransmits = 0;    // recoveries entered on duplicate ACKs
  std::uint64_t timeouts = 0;            // retransmission-timer expiries
  std::uint64_t delayed_acks = 0;        // ACKs sent by the delayed-ACK timer
  std::uint64_t payload_bytes_sent = 0;  // first transmissions only
  std::uint64_t segments_received = 0;
  std::uint64_t duplicate_segments = 0;  // arrived wholly below rcv_nxt
  std::uint64_t out_of_order_segments = 0;
};

class TcpConnection {
 public:
  static constexpr std::int64_t kNoTimer = std::numeric_limits<std::int64_t>::max();

  // `config` must outlive the connection (connections share it).
  TcpConnection(const TcpConfig& config, std::uint32_t initial_sequence, bool no_delay);

  // Active open: sends a SYN.
  void connect(std::int64_t now_ps);
  // Passive open: waits for a SYN.
  void listen();
  // The application writes `bytes` more of its stream (before or after the handshake).
  void write(std::int64_t now_ps, std::uint64_t bytes);
  // The application closes its side once everything written is sent: a FIN follows the data.
  void close(std::int64_t now_ps);
  // A segment from the peer arrived.
  void receive(std::int64_t now_ps, const Segment& segment);
  // The timer's deadline passed.
  void on_timer(std::int64_t now_ps);

  std::int64_t next_timer_ps() const;
  // Segments to send, in order; the caller empties it.
  std::vector<Segment>& outbox() { return outbox_; }

  TcpState state() const { return state_; }
  bool established() const { return state_ != TcpState::Closed && state_ != TcpState::Listen &&
                                    state_ != TcpState::SynSent && state_ != TcpState::SynReceived; }
  // The connection is over: TIME_WAIT ended, the last ACK arrived, or it was never opened.
  bool closed() const { return state_ == TcpState::Closed; }
  bool peer_closed() const { return fin_received_; }
  // It gave up: too many timeouts in a row (syn_retries for the handshake, retries after it).
  bool failed() const { return failed_; }
  // Time written data waited to be sent (Nagle, the congestion or the peer's window), up to now.
  std::int64_t held_ps(std::int64_t now_ps) const { return held_ps_ + (held_since_ps_ >= 0 ? now_ps - held_since_ps_ : 0); }
  std::uint64_t delivered() const { return delivered_; }   // in-order payload bytes received
  std::uint64_t acknowledged() const;                      // payload bytes the peer has ACKed
  std::uint64_t written() const { return written_; }
  std::uint64_t unsent() const;                            // written but not yet sent once
  const TcpCounters& counters() const { return counters_; }
  const Window& window() const { return window_; }
  // Packets in flight, in MSS-size packets (a GSO segment counts as the MSS it holds), as Linux's
  // packets_out.
  std::uint32_t packets_out() const { return rtx_.packets(); }
  std::int64_t srtt_ps() const { return srtt_ps_; }
  std::int64_t rto_ps() const { return rto_ps_; }
  std::int64_t established_at_ps() const { return established_ps_; }
  bool in_pingpong() const { return pingpong_ >= config_->pingpong_threshold; }
  std::string_view congestion_name() const { return cc_.name(); }

 private:
  struct Sent {
    std::uint32_t seq, len;
    std::uint8_t flags;
    std::int64_t sent_ps;
    bool retransmitted;
    std::uint32_t pcount;  // MSS-size packets it stands for (more than 1 only with GSO)
  };
  struct Range {
    std::uint32_t begin, end;
  };
  // The retransmission queue: sent and unacknowledged segments in sequence order, in one vector that
  // keeps its capacity (no allocation per segment once it has grown).
  class SentQueue {
   public:
    bool empty() const { return head_ == items_.size(); }
    std::size_t size() const { return items_.size() - head_; }
    std::uint32_t packets() const { return packets_; }  // the pcounts' sum
    Sent& front() { return items_[head_]; }
    void push_back(const Sent& s) {
      items_.push_back(s);
      packets_ += s.pcount;
    }
    // The head was trimmed (partly acknowledged) to new_pcount packets.
    void trim_front(std::uint32_t new_pcount) {
      packets_ -= items_[head_].pcount - new_pcount;
      items_[head_].pcount = new_pcount;
    }
    void pop_front() {
      packets_ -= items_[head_].pcount;
      if (++head_ == items_.size()) {
        items_.clear();
        head_ = 0;
      } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
        items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
    }
    void clear() {
      items_.clear();
      head_ = 0;
      packets_ = 0;
    }

   private:
    std::vector<Sent> items_;
    std::size_t head_ = 0;
    std::uint32_t packets_ = 0;
  };

  void output(std::int64_t now_ps);
  // handshake: a pure ACK that completes the handshake (counted with the handshake's segments).
  void send_segment(std::int64_t now_ps, std::uint32_t seq, std::uint32_t len, std::uint8_t flags, bool retransmission,
                    bool handshake = false);
  void count_sent(const Segment& s, bool handshake);
  void send_ack(std::int64_t now_ps);
  void process_ack(std::int64_t now_ps, const Segment& s);
  void process_data(std::int64_t now_ps, const Segment& s);
  void schedule_delayed_ack(std::int64_t now_ps);
  void ack_sent(bool acks_new_data);
  void retransmit_head(std::int64_t now_ps);
  void finish_receive(std::int64_t now_ps);
  void rtt_sample(std::int64_t rtt_ps);
  void arm_rto(std::int64_t now_ps);
  void enter_time_wait(std::int64_t now_ps);
  void incr_quickack(std::uint32_t max_quickacks);
  void enter_quickack_mode();
  void data_received_timing(std::int64_t now_ps);
  void consume_peer_fin(std::int64_t now_ps);
  void our_fin_acked(std::int64_t now_ps);
  bool cwnd_limited() const;
  // The sequence number after the last byte written, as far as it can be ahead of snd_una (a stream
  // may be longer than the 32-bit sequence space).
  std::uint32_t data_end() const {
    const std::uint64_t ahead = std::min<std::uint64_t>(written_ - acked_, std::uint64_t{1} << 30);
    return iss_ + 1 + static_cast<std::uint32_t>(acked_ + ahead);
  }
  void on_rto(std::int64_t now_ps);
  std::uint32_t stream_end() const;  // sequence number after the last byte written (and the FIN)
  std::uint32_t receive_window() const;

  const TcpConfig* config_;  // shared by every connection that uses it; outlives them
  CongestionControl cc_;
  bool no_delay_;
  TcpState state_ = TcpState::Closed;
  std::vector<Segment> outbox_;
  TcpCounters counters_;

  // Sender.
  std::uint32_t iss_, snd_una_, snd_nxt_, snd_max_;  // snd_max_: the highest sequence sent + 1
  std::uint32_t snd_wnd_ = 65535;
  std::uint32_t snd_sml_;  // end of the last small segment sent (Minshall)
  std::uint64_t written_ = 0;
  std::uint64_t acked_ = 0;  // payload bytes acknowledged
  bool close_requested_ = false;
  SentQueue rtx_;
  Window window_;
  std::uint32_t dupacks_ = 0;
  bool in_recovery_ = false;
  std::uint32_t recover_ = 0;  // NewReno: recovery ends when this is acknowledged
  std::uint32_t max_packets_out_ = 0;
  bool is_cwnd_limited_ = false;
  std::uint32_t cwnd_usage_seq_ = 0;
  std::int64_t last_send_ps_ = -1;
  std::int64_t srtt_ps_ = 0, rttvar_ps_ = 0, min_rtt_ps_ = 0;
  std::int64_t rto_ps_;
  std::uint32_t backoff_ = 0;
  std::int64_t rto_deadline_ps_ = kNoTimer;

  // Receiver.
  std::uint32_t irs_ = 0, rcv_nxt_ = 0, rcv_wup_ = 0;
  std::vector<Range> out_of_order_;
  bool peer_fin_known_ = false;  // a FIN arrived (perhaps out of order) at peer_fin_seq_
  std::uint32_t peer_fin_seq_ = 0;
  bool ack_now_ = false;  // the segment being processed asks for an immediate ACK
  std::uint64_t delivered_ = 0;
  bool fin_received_ = false;
  bool ack_pending_ = false;
  std::uint32_t quick_ = 0;
  std::uint32_t pingpong_ = 0;
  std::int64_t ato_ps_ = 0;  // 0: no data received yet
  std::int64_t last_receive_ps_ = 0;
  std::int64_t delack_deadline_ps_ = kNoTimer;
  std::int64_t time_wait_deadline_ps_ = kNoTimer;
  std::int64_t established_ps_ = -1;
  bool failed_ = false;
  std::int64_t held_ps_ = 0;
  std::int64_t held_since_ps_ = -1;
};

}  // namespace cnisim::transport
