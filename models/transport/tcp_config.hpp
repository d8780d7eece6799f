#pragma once
// TCP's tunables and Linux's constants, in one place: every figure names where Linux keeps it
// (include/net/tcp.h, a sysctl under net.ipv4, or an RFC Linux follows). Times are picoseconds.
// The data path takes these defaults and lets the cost profile's `tcp:` block override them.
#include <cstdint>

namespace cnisim::transport {

enum class CongestionKind : std::uint8_t { NewReno, Cubic };

struct TcpConfig {
  static constexpr std::int64_t kMs = 1'000'000'000;  // picoseconds in a millisecond

  // Segment sizes. The payload of a full segment: the path MTU minus the IPv4 header (20 B) and the
  // TCP header with the timestamp option Linux puts on every segment (20 + 12 B; tcp_timestamps=1).
  std::uint32_t mtu = 1500;                  // Azure VM default MTU (learn.microsoft.com, "TCP/IP performance tuning for Azure VMs")
  static constexpr std::uint32_t kIpHeader = 20;
  static constexpr std::uint32_t kTcpHeader = 32;  // 20 + timestamps option (10 B, padded to 12)
  std::uint32_t mss() const { return mtu - kIpHeader - kTcpHeader; }

  // GSO/GRO (Linux does both by default): off, every segment of at most one MSS is a packet through
  // the devices; on, the sender hands the stack segments of up to gso_max_bytes (as many MSS as the
  // congestion window allows), which cross every device as one packet with per-byte costs (the NIC's
  // TSO and the receiver's GRO stand in: the wire carries the same bytes), and count as that many MSS
  // against the window. Off by default: the profile's per-packet costs are per MSS-size packet.
  bool gso = false;
  std::uint32_t gso_max_bytes = 65536;       // GSO_MAX_SIZE (net.core: dev gso_max_size default)
  // The payload of the largest segment the sender builds: with GSO, whole MSS that fit gso_max_bytes.
  std::uint32_t max_segment_payload() const {
    return gso ? (gso_max_bytes - kIpHeader - kTcpHeader) / mss() * mss() : mss();
  }

  std::uint32_t initial_cwnd = 10;           // TCP_INIT_CWND (RFC 6928)
  // The advertised receive window. Linux autotunes it up to tcp_rmem[2] (6 MiB) with half kept as
  // overhead (tcp_adv_win_scale=1); the model starts at the tuned value (autotuning not modelled).
  std::uint32_t receive_window = 3u << 20;
  CongestionKind congestion = CongestionKind::Cubic;  // net.ipv4.tcp_congestion_control default

  // Retransmission timer (RFC 6298 estimator with Linux's bounds).
  std::int64_t rto_initial_ps = 1000 * kMs;  // TCP_TIMEOUT_INIT
  std::int64_t rto_min_ps = 200 * kMs;       // TCP_RTO_MIN: Linux floors the variance term at it
  std::int64_t rto_max_ps = 120000 * kMs;    // TCP_RTO_MAX
  std::uint32_t dupack_threshold = 3;        // net.ipv4.tcp_reordering (RFC 5681 fast retransmit)
  // Timeouts in a row before the connection gives up (Linux counts retries2 as the time those would
  // take with RTO_MIN doubling; the model counts the timeouts themselves).
  std::uint32_t syn_retries = 6;             // net.ipv4.tcp_syn_retries
  std::uint32_t retries = 15;                // net.ipv4.tcp_retries2

  // Delayed ACKs (net/ipv4/tcp_input.c, tcp_output.c).
  std::int64_t ato_min_ps = 40 * kMs;        // TCP_ATO_MIN = TCP_DELACK_MIN = HZ/25
  std::int64_t delack_max_ps = 200 * kMs;    // TCP_DELACK_MAX = HZ/5
  std::uint32_t max_quickacks = 16;          // TCP_MAX_QUICKACKS
  std::uint32_t pingpong_threshold = 1;      // net.ipv4.tcp_pingpong_thresh (1 since Linux 6.0's revert)

  bool slow_start_after_idle = true;         // net.ipv4.tcp_slow_start_after_idle
  // How much written data a sender keeps queued ahead of the wire: the socket's send buffer, Linux's
  // tcp_wmem[2] maximum (autotuning assumed converged). A bulk sender writes while below it.
  std::uint32_t send_buffer = 4u << 20;      // net.ipv4.tcp_wmem max
  std::int64_t time_wait_ps = 60000 * kMs;   // TCP_TIMEWAIT_LEN

  // CUBIC (net/ipv4/tcp_cubic.c): beta = 717/1024, C = bic_scale 41 * 10 / 1024 = 0.4, fast
  // convergence and TCP friendliness on. HyStart is not modelled.
  double cubic_beta = 717.0 / 1024.0;
  double cubic_c = 0.4;
};

}  // namespace cnisim::transport
